import Crypto
import Foundation
import Hummingbird
import Logging
import NIOCore

/// `/healthz`, `/metrics` and the bundled stylesheet.
struct OperationsController {
    let store: any EncoreStore
    let appMetrics: AppMetrics
    /// Whether `/metrics` is served on an address of its own (and so not here).
    let metricsElsewhere: Bool
    private static let stylesheet = ByteBuffer(string: Stylesheet.css)
    private static let stylesheetTag = "\"" + Data(SHA256.hash(data: Data(Stylesheet.css.utf8)).prefix(9)).base64URLEncoded + "\""

    func routes() -> RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("/healthz", use: health)
        // With a metrics address of its own, the public port does not show them at all.
        if !metricsElsewhere {
            routes.get("/metrics", use: metrics)
        }
        routes.get("/static/encore.css", use: css)
        routes.get("/static/icon.svg") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "image/svg+xml", .cacheControl: "public, max-age=86400"],
                body: .init(byteBuffer: ByteBuffer(string: SiteIcon.svg)))
        }
        routes.get("/favicon.ico") { _, _ in Response.redirecting(to: "/static/icon.svg", status: .movedPermanently) }
        return routes
    }

    /// 200 `ok` when the database answers, 503 otherwise.
    @Sendable func health(_ request: Request, context: AppRequestContext) async throws -> Response {
        do {
            try await store.ping()
            return Response(
                status: .ok, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
        } catch {
            return Response(
                status: .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: "database unavailable\n")))
        }
    }

    @Sendable func metrics(_ request: Request, context: AppRequestContext) async throws -> Response {
        Self.exposition(appMetrics)
    }

    static func exposition(_ metrics: AppMetrics) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition()))
        )
    }

    /// The server for `ENCORE_METRICS_ADDRESS`: `/metrics` and nothing else.
    static func metricsServer(
        at address: (host: String, port: Int), metrics: AppMetrics, logger: Logger, onRunning: (@Sendable (Int) async -> Void)?
    ) -> some ApplicationProtocol {
        let router = Router()
        router.get("/metrics") { _, _ in exposition(metrics) }
        return Application(
            router: router, configuration: .init(address: .hostname(address.host, port: address.port), serverName: nil),
            onServerRunning: { channel in
                logger.info("metrics at http://\(address.host):\(channel.localAddress?.port ?? address.port)/metrics")
                await onRunning?(channel.localAddress?.port ?? address.port)
            },
            logger: logger
        )
    }

    @Sendable func css(_ request: Request, context: AppRequestContext) async throws -> Response {
        if request.headers[.ifNoneMatch] == Self.stylesheetTag {
            return Response(status: .notModified, headers: [.eTag: Self.stylesheetTag])
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600", .eTag: Self.stylesheetTag],
            body: .init(byteBuffer: Self.stylesheet)
        )
    }
}
