import Hummingbird
import SpotifyWebAPI

/// The whole app: four routes over one ``AuthorizationCodeFlow`` and the ``Sessions``.
public struct TopTracksServer: Sendable {
    let configuration: SpotifyClientConfiguration
    let flow: AuthorizationCodeFlow
    let sessions = Sessions()
    let clock: any SpotifyClock

    /// - Parameter clock: Where "now" comes from; a test passes one it moves by hand.
    public init(configuration: SpotifyClientConfiguration, clock: any SpotifyClock = SystemClock()) throws {
        self.configuration = configuration
        self.flow = try AuthorizationCodeFlow(configuration: configuration, clock: clock)
        self.clock = clock
    }

    /// The routes; every error a user can meet becomes a page that says what to do (step 6).
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: SpotifyErrorMiddleware())
        router.get("/") { _, _ in Response.redirect(to: "/top") }
        router.get("/login") { _, _ in await login() }
        router.get("/callback") { request, _ in try await callback(request) }
        router.get("/top") { request, _ in try await topTracks(request) }
        return router
    }

    /// The server on `127.0.0.1:port`.
    public func application(port: Int = 8080) -> some ApplicationProtocol {
        Application(router: router(), configuration: .init(address: .hostname("127.0.0.1", port: port)))
    }
}
