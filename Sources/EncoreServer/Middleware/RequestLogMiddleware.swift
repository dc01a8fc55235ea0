import Foundation
import Hummingbird
import Logging

/// One log line per request — method, path (never the query: a callback's carries a code),
/// status, latency and the request id — and the request metrics.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: AppMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let status: Int
        do {
            let response = try await next(request, context)
            status = Int(response.status.code)
            finish(request, context, status: status, started: started)
            return response
        } catch let error as any HTTPResponseError {
            finish(request, context, status: Int(error.status.code), started: started)
            throw error
        } catch {
            finish(request, context, status: 500, started: started)
            throw error
        }
    }

    private func finish(_ request: Request, _ context: Context, status: Int, started: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - started
        let route = context.endpointPath ?? "unmatched"
        metrics.request(route: route, method: request.method.rawValue, status: status, duration: elapsed)
        let milliseconds = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        context.logger.log(
            level: status >= 500 ? .warning : .info,
            "\(request.method.rawValue) \(Self.safePath(request.uri.path)) → \(status)",
            metadata: ["status": .stringConvertible(status), "ms": .string(String(format: "%.1f", milliseconds)), "route": .string(route)]
        )
    }

    /// The path, shortened and with control characters replaced, so a hostile URL cannot forge log lines.
    static func safePath(_ path: String) -> String {
        let limited = path.count > 200 ? String(path.prefix(200)) + "…" : path
        return String(String.UnicodeScalarView(limited.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : $0 }))
    }
}
