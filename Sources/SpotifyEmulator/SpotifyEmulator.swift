import Foundation
import Hummingbird
import Logging
import NIOCore

/// How an emulator starts.
public struct SpotifyEmulatorConfiguration: Sendable {
    /// The catalog seed: the same seed gives the same artists, tracks and listening histories.
    public var seed: UInt64
    /// Access-token lifetime in seconds (Spotify: 3600).
    public var tokenTTL: Int
    /// Drop the fields Spotify removed for development-mode apps in February 2026.
    public var devMode: Bool
    /// Whether refreshes omit or rotate the refresh token.
    public var refreshTokenPolicy: RefreshTokenPolicy
    /// Approve every authorization at once as this user, without the consent page.
    public var autoApproveUser: String?
    /// Apps registered from the start.
    public var clients: [EmulatorClient]
    /// Let the seeded users listen as the emulator's clock runs, so recently played keeps
    /// growing; otherwise it is a fixed history of 50 plays ending on 2026-11-19.
    public var simulatesListening: Bool

    /// Creates a configuration.
    public init(
        seed: UInt64 = 1,
        tokenTTL: Int = 3600,
        devMode: Bool = false,
        refreshTokenPolicy: RefreshTokenPolicy = .omit,
        autoApproveUser: String? = nil,
        clients: [EmulatorClient] = [],
        simulatesListening: Bool = false
    ) {
        self.seed = seed
        self.tokenTTL = tokenTTL
        self.devMode = devMode
        self.refreshTokenPolicy = refreshTokenPolicy
        self.autoApproveUser = autoApproveUser
        self.clients = clients
        self.simulatesListening = simulatesListening
    }
}

/// A local, faithful Spotify: the accounts service (`/authorize`, `/api/token`) and the Web API
/// (`/v1/…`) on one origin, with seeded data, fault injection and counters.
///
/// ```swift
/// let emulator = SpotifyEmulator(configuration: .init(autoApproveUser: "maya"))
/// let client = emulator.registerClient(redirectURIs: ["http://127.0.0.1/callback"])
/// try await emulator.withRunning { origin in
///     // SPOTIFY_ACCOUNTS_URL = origin, SPOTIFY_API_URL = origin + "/v1"
/// }
/// ```
///
/// Test controls are methods here and, over HTTP, routes under `/_emulator/`.
public final class SpotifyEmulator: Sendable {
    let state: EmulatorState
    let catalog: Catalog
    let rendered: RenderedCatalog
    let origin = OriginBox()

    /// Creates an emulator and generates its catalog.
    public init(configuration: SpotifyEmulatorConfiguration = .init()) {
        rendered = RenderedCatalog.shared(seed: configuration.seed)
        catalog = rendered.catalog
        state = EmulatorState(
            settings: .init(
                devMode: configuration.devMode,
                refreshTokenPolicy: configuration.refreshTokenPolicy,
                tokenTTL: configuration.tokenTTL,
                autoApproveUser: configuration.autoApproveUser,
                simulatesListening: configuration.simulatesListening
            ))
        for client in configuration.clients { state.register(client) }
        let seeded = SeededPlaylists.make(catalog, now: state.now())
        state.storage.withLock { storage in
            for playlist in seeded { storage.playlists[playlist.id] = playlist }
        }
    }

    // MARK: Serving

    /// The router with the Spotify surface, the covers and the `/_emulator/` controls.
    public func buildRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: EmulatorMiddleware(state: state))
        AccountsController(state: state, catalog: catalog).addRoutes(to: router)
        WebAPIController(state: state, catalog: catalog, rendered: rendered, origin: origin).addRoutes(to: router)
        CoverImages.addRoutes(to: router)
        ControlsController(emulator: self).addRoutes(to: router)
        return router
    }

    /// Builds the application; `onRunning` gets the origin (`http://host:port`) once bound.
    public func makeApplication(
        host: String = "127.0.0.1",
        port: Int = 9100,
        logger: Logger = Logger(label: "SpotifyEmulator"),
        onRunning: @escaping @Sendable (URL) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let originBox = self.origin
        return Application(
            router: buildRouter(),
            configuration: .init(address: .hostname(host, port: port), serverName: "SpotifyEmulator"),
            onServerRunning: { channel in
                let boundPort = channel.localAddress?.port ?? port
                let displayHost = host.contains(":") ? "[\(host)]" : host
                let origin = "http://\(displayHost):\(boundPort)"
                originBox.set(origin)
                if let url = URL(string: origin) { await onRunning(url) }
            },
            logger: logger
        )
    }

    /// Runs the emulator on a free loopback port for the duration of `body`.
    /// - Parameters:
    ///   - logger: Where the emulator logs.
    ///   - body: Gets the origin, e.g. `http://127.0.0.1:54321`.
    public func withRunning<T: Sendable>(
        logger: Logger = Logger(label: "SpotifyEmulator"),
        _ body: @Sendable (URL) async throws -> T
    ) async throws -> T {
        let (origins, continuation) = AsyncStream<URL>.makeStream()
        let app = makeApplication(port: 0, logger: logger) { origin in
            continuation.yield(origin)
            continuation.finish()
        }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await app.runService(gracefulShutdownSignals: [])
                return nil
            }
            var iterator = origins.makeAsyncIterator()
            guard let origin = await iterator.next() else {
                group.cancelAll()
                throw CancellationError()
            }
            defer { group.cancelAll() }
            return try await body(origin)
        }
    }

    // MARK: Controls

    /// Registers an app; a missing id or secret is generated.
    @discardableResult
    /// - Parameter allowedUsers: Who a development-mode app lets in, at most
    ///   ``EmulatorClient/allowListLimit`` (more are cut off, as the dashboard refuses them);
    ///   `nil` for every seeded user.
    public func registerClient(
        clientID: String? = nil, clientSecret: String? = nil, name: String = "Encore", redirectURIs: [String], allowedUsers: [String]? = nil
    ) -> EmulatorClient {
        let client = EmulatorClient(
            clientID: clientID ?? Self.randomHex(),
            clientSecret: clientSecret ?? Self.randomHex(),
            name: name,
            redirectURIs: redirectURIs,
            allowedUsers: allowedUsers.map { Array($0.prefix(EmulatorClient.allowListLimit)) }
        )
        state.register(client)
        return client
    }

    /// 32 lowercase hex digits, the shape of Spotify's client ids and secrets.
    private static func randomHex() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in
            let byte = UInt8.random(in: .min ... .max, using: &generator)
            return String(byte >> 4, radix: 16) + String(byte & 0x0F, radix: 16)
        }.joined()
    }

    /// The seeded users one can sign in as.
    public var users: [EmulatorUser] {
        catalog.users.map { EmulatorUser(id: $0.id, displayName: $0.displayName, accountID: $0.accountID, country: $0.country) }
    }

    /// Approves every authorization at once as `user`; `nil` shows the consent page again.
    /// - Returns: `false` for an unknown user.
    @discardableResult
    public func setAutoApprove(user: String?) -> Bool {
        if let user, catalog.user(id: user) == nil { return false }
        state.storage.withLock { $0.settings.autoApproveUser = user }
        return true
    }

    /// Moves the emulator's clock forward: tokens, codes and grants age accordingly.
    public func advanceClock(by duration: Duration) {
        let (seconds, attoseconds) = duration.components
        state.storage.withLock { $0.clockOffset += TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18 }
    }

    /// The emulator's current time.
    public var now: Date { state.now() }

    /// Revokes every grant a user has given, as removing an app at spotify.com/account does.
    /// - Returns: How many grants were revoked.
    @discardableResult
    public func revokeGrants(of user: String) -> Int { state.revokeUser(user) }

    /// Adds a fault rule; rules are tried in the order added.
    public func injectFault(_ rule: FaultRule) {
        state.storage.withLock { $0.faults.append(rule) }
    }

    /// Removes every fault rule.
    public func clearFaults() {
        state.storage.withLock { $0.faults.removeAll() }
    }

    /// What has been counted since start or the last reset.
    public var counters: EmulatorCounters { state.storage.withLock { $0.counters } }

    /// Sets the counters back to zero.
    public func resetCounters() {
        state.storage.withLock { $0.counters = EmulatorCounters() }
    }

    /// Turns development mode (the February 2026 field removals) on or off.
    public func setDevMode(_ enabled: Bool) {
        state.storage.withLock { $0.settings.devMode = enabled }
    }

    /// Starts or stops the listening simulation (see ``SpotifyEmulatorConfiguration/simulatesListening``).
    public func setListeningSimulation(_ enabled: Bool) {
        state.storage.withLock { $0.settings.simulatesListening = enabled }
    }

    /// The plays the simulation gives a seeded user, ended in `interval`, oldest first, with how
    /// long each was heard: what a recorder polling recently played should end up with (less the
    /// plays under 30 s, which Spotify does not list), and the material for a generated export.
    public func simulatedPlays(of userID: String, in interval: DateInterval) -> [SimulatedPlay] {
        guard let user = catalog.users.first(where: { $0.id == userID }) else { return [] }
        let toMs = { (date: Date) in Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }
        return ListeningSimulator(catalog: catalog).plays(of: user, fromMs: toMs(interval.start), toMs: toMs(interval.end)).map {
            let track = catalog.tracks[$0.track]
            let album = catalog.albums[track.albumIndex]
            return SimulatedPlay(
                trackID: track.id, trackName: track.name, artistName: catalog.artists[track.artistIndices[0]].name, albumName: album.name,
                durationMs: track.durationMs, msPlayed: $0.msPlayed,
                playedAt: Date(timeIntervalSince1970: TimeInterval($0.playedAtMs) / 1000))
        }
    }

    /// Chooses whether refreshes omit or rotate the refresh token.
    public func setRefreshTokenPolicy(_ policy: RefreshTokenPolicy) {
        state.storage.withLock { $0.settings.refreshTokenPolicy = policy }
    }

    /// Sets the lifetime of tokens issued from now on.
    public func setTokenTTL(_ seconds: Int) {
        state.storage.withLock { $0.settings.tokenTTL = seconds }
    }

    func summary() -> EmulatorSummary {
        let settings = state.settings
        return EmulatorSummary(
            devMode: settings.devMode,
            refreshTokenPolicy: settings.refreshTokenPolicy,
            tokenTTL: settings.tokenTTL,
            autoApproveUser: settings.autoApproveUser,
            simulatesListening: settings.simulatesListening,
            users: users,
            tracks: catalog.tracks.count,
            artists: catalog.artists.count,
            albums: catalog.albums.count
        )
    }
}

/// A seeded user of the emulator.
public struct EmulatorUser: Sendable, Hashable, Codable {
    /// The Spotify user id.
    public var id: String
    /// The name shown on the consent page.
    public var displayName: String
    /// The stable `account_id` of `GET /me`.
    public var accountID: String
    /// The user's country, as `GET /me` says.
    public var country: String

    enum CodingKeys: String, CodingKey {
        case id, country
        case displayName = "display_name"
        case accountID = "account_id"
    }
}

struct EmulatorSummary: Encodable {
    var devMode: Bool
    var refreshTokenPolicy: RefreshTokenPolicy
    var tokenTTL: Int
    var autoApproveUser: String?
    var simulatesListening: Bool
    var users: [EmulatorUser]
    var tracks: Int
    var artists: Int
    var albums: Int

    enum CodingKeys: String, CodingKey {
        case users, tracks, artists, albums
        case devMode = "dev_mode"
        case refreshTokenPolicy = "refresh_token_policy"
        case tokenTTL = "token_ttl"
        case autoApproveUser = "auto_approve_user"
        case simulatesListening = "simulates_listening"
    }
}
