import Hummingbird
import NIOCore

/// Injects faults into the Spotify surface and counts every request by route and status.
struct EmulatorMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let state: EmulatorState

    private struct DroppedConnection: Error {}

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        let isControl = path.hasPrefix("/_emulator")
        var response: Response
        if !isControl, let fault = state.takeFault(method: request.method.rawValue, path: Substring(path)) {
            response = try await inject(fault, request: request, context: context, next: next)
        } else {
            response = try await respond(request, context: context, next: next)
        }
        if !isControl {
            state.count("\(request.method.rawValue) \(context.endpointPath ?? path) \(response.status.code)")
        }
        if response.headers[.contentLength] == nil, response.status == .notModified { response.headers[.contentLength] = "0" }
        return response
    }

    private func respond(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ErrorResponse {
            return error.response
        } catch let error as HTTPError where error.status == .notFound {
            return SpotifyResponses.webAPIError(.notFound, "Service not found")
        } catch let error as HTTPError where error.status == .contentTooLarge {
            return SpotifyResponses.webAPIError(.contentTooLarge, "Request body too large")
        }
    }

    /// Headers go out, then the body write fails and the server closes the connection.
    private static func truncatedAnswer() -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8", .contentLength: "4096"],
            body: ResponseBody { writer in
                try await writer.write(ByteBuffer(string: "{\"items\":["))
                throw DroppedConnection()
            })
    }

    private func inject(
        _ fault: FaultRule, request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let retryAfter: HTTPFields = fault.retryAfter.map { [.retryAfter: String($0)] } ?? [:]
        let delay = Duration.milliseconds(fault.latencyMs ?? (fault.kind == .latency || fault.kind == .delayedAnswer ? 1000 : 0))
        switch fault.kind {
        case .latency, .delayedAnswer:
            break
        default:
            if delay > .zero { try await Task.sleep(for: delay) }
        }
        switch fault.kind {
        case .rateLimit:
            return SpotifyResponses.webAPIError(
                .tooManyRequests, "API rate limit exceeded", extraHeaders: [.retryAfter: String(fault.retryAfter ?? 1)])
        case .quotaExceeded:
            return SpotifyResponses.webAPIError(
                .tooManyRequests, "Too many requests", reason: "QUOTA_EXCEEDED", extraHeaders: [.retryAfter: String(fault.retryAfter ?? 30)])
        case .status:
            let status = HTTPResponse.Status(code: fault.status ?? 503)
            let message =
                switch status.code {
                case 500: "Server error"
                case 502: "Bad gateway"
                case 503: "Service unavailable"
                case 504: "Gateway timeout"
                default: status.reasonPhrase
                }
            return SpotifyResponses.webAPIError(status, message, extraHeaders: retryAfter)
        case .latency:
            try await Task.sleep(for: delay)
            return try await respond(request, context: context, next: next)
        case .delayedAnswer:
            // Counted (and so visible to tests) as soon as it took effect, before the answer leaves.
            var response = try await respond(request, context: context, next: next)
            let body = response.body
            response.body = ResponseBody(contentLength: body.contentLength) { writer in
                try await Task.sleep(for: delay)
                try await body.write(writer)
            }
            return response
        case .drop:
            return Self.truncatedAnswer()
        case .lostAnswer:
            _ = try await respond(request, context: context, next: next)
            return Self.truncatedAnswer()
        case .malformedJSON:
            return SpotifyResponses.json("{\"href\":\"truncated\",\"items\":[{\"id\":")
        }
    }
}
