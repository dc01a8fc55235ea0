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
        let level: Logger.Level = status >= 500 ? .warning : .info
        guard context.logger.logLevel <= level else { return }
        context.logger.log(
            level: level,
            "\(request.method.rawValue) \(Self.safePath(request.uri.path)) → \(status)",
            metadata: ["status": .stringConvertible(status), "ms": .string(Self.milliseconds(elapsed)), "route": .string(route)]
        )
    }

    /// `12.3`: milliseconds with one decimal, without Foundation's `String(format:)`, which
    /// costs more than the rest of the line on Linux.
    static func milliseconds(_ elapsed: Duration) -> String {
        let parts = elapsed.components
        let tenths = max(0, parts.seconds * 10_000 + parts.attoseconds / 100_000_000_000_000)
        return "\(tenths / 10).\(tenths % 10)"
    }

    /// The path, shortened and with control characters replaced, so a hostile URL cannot forge log lines.
    static func safePath(_ path: String) -> String {
        // Nearly every path is short and printable: no copy.
        if path.utf8.count <= 200, path.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x7F }) { return path }
        let limited = path.count > 200 ? String(path.prefix(200)) + "…" : path
        return String(String.UnicodeScalarView(limited.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : $0 }))
    }
}
