import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers bytes that are not HTTP with a short plain-text 400 that says so, and closes.
///
/// Such requests never reach the router (invalid bytes in the request line, a header past the
/// decoder's limits), so without this they get an empty 400 and no hint why.
final class UnparsableRequestHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    static let message =
        "Encore could not read this request: it is not valid HTTP (a byte outside what HTTP allows, or a line or header that is too long).\n"

    /// A request or response under way: a late parse error then belongs to the server, which
    /// knows how to end that exchange.
    private var requestOpen = false
    private var responseOpen = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: requestOpen = true
        case .end: requestOpen = false
        case .body: break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head) where head.status.kind != .informational: responseOpen = true
        case .end: responseOpen = false
        default: break
        }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is HTTPParserError, !requestOpen, !responseOpen else {
            context.fireErrorCaught(error)
            return
        }
        let body = context.channel.allocator.buffer(string: Self.message)
        let head = HTTPResponse(
            status: .badRequest,
            headerFields: [
                .contentType: "text/plain; charset=utf-8", .contentLength: String(body.readableBytes), .connection: "close",
            ])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            bound.value.close(promise: nil)
        }
    }
}
