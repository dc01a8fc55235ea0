import Crypto
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import SpotifyWebAPI

/// What the app is built from besides its configuration; tests swap the clock, store or transport.
public struct AppDependencies: Sendable {
    /// The source of time for token expiry, sessions and waits.
    public var clock: any SpotifyClock
    /// The HTTP client used for every Spotify call (one pool for the whole app); when `nil` the
    /// app makes one with ``AppConfiguration/spotifyConnections`` and closes it when it stops.
    public var transport: (any HTTPTransport)?
    /// An already opened store, opened with ``HistoryStore`` among its parts; when `nil` the
    /// configured database is opened.
    public var store: SQLEncoreStore?
    /// Where metrics go; `/metrics` prints it.
    public var metrics: AppMetrics
    /// The app's logger; its level is set from the configuration.
    public var logger: Logger
    /// Called with the bound address once the server listens.
    public var onServerRunning: (@Sendable (String, Int) async -> Void)?
    /// Called with the bound port once the `ENCORE_METRICS_ADDRESS` server listens.
    public var onMetricsServerRunning: (@Sendable (Int) async -> Void)?
    /// Handed the history recorder once it is built, so a test can run its polls itself.
    var onRecorderBuilt: (@Sendable (HistoryRecorder) -> Void)?
    /// Handed the imports and the upkeep once built, so a test can wait for them instead of polling.
    var onHistoryJobsBuilt: (@Sendable (HistoryImportJobs, HistoryMaintenance) -> Void)?

    public init(
        clock: any SpotifyClock = SystemClock(),
        transport: (any HTTPTransport)? = nil,
        store: SQLEncoreStore? = nil,
        metrics: AppMetrics = AppMetrics(),
        logger: Logger = Logger(label: "encore"),
        onServerRunning: (@Sendable (String, Int) async -> Void)? = nil,
        onMetricsServerRunning: (@Sendable (Int) async -> Void)? = nil
    ) {
        self.clock = clock
        self.transport = transport
        self.store = store
        self.metrics = metrics
        self.logger = logger
        self.onServerRunning = onServerRunning
        self.onMetricsServerRunning = onMetricsServerRunning
    }
}

/// Builds the Encore web app: opens and migrates storage, loads the key, wires the routes.
///
/// `encore serve` and the tests both call this; tests pass the emulator's URLs and port 0.
/// - Throws: ``SpotifyConfigurationError`` without a Spotify configuration, ``StorageError``
///   when the database or key cannot be used.
public func buildApplication(
    _ configuration: AppConfiguration, dependencies: AppDependencies = AppDependencies()
) async throws -> some ApplicationProtocol {
    var logger = dependencies.logger
    logger.logLevel = configuration.logLevel
    let key = try configuration.secretKey ?? SecretKeyFile.loadOrCreate(at: configuration.secretKeyFile)

    let store = try await openStore(configuration, dependencies: dependencies, logger: logger)
    var dependencies = dependencies
    let ownTransport = dependencies.transport == nil ? AsyncHTTPClientTransport(connectionsPerHost: configuration.spotifyConnections) : nil
    dependencies.transport = dependencies.transport ?? ownTransport
    let services: AppServices
    do {
        services = try makeServices(configuration, dependencies: dependencies, store: store, key: key, logger: logger)
    } catch {
        try? await ownTransport?.shutdown()
        throw error
    }
    let router = buildRouter(services)
    let onRunning = dependencies.onServerRunning
    var app = Application(
        router: router,
        // A connection that sends nothing, or stops half-way through a request, for the idle
        // timeout is closed: otherwise every such socket holds a file descriptor for good.
        server: .http1(configuration: .init(additionalChannelHandlers: [UnparsableRequestHandler()], idleTimeout: .init(configuration.idleTimeout))),
        configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
        services: backgroundServices(configuration, dependencies: dependencies, services: services, ownTransport: ownTransport, logger: logger),
        onServerRunning: { channel in
            await onRunning?(configuration.host, channel.localAddress?.port ?? configuration.port)
        },
        logger: logger
    )
    // Migrations run once the store's service (PostgreSQL's connection pool) is up, and before
    // the server accepts a request. A migration may wait up to an hour behind another instance's;
    // SIGTERM meanwhile stops the instance at once instead of after the 25 s drain.
    app.beforeServerStarts { [logger] in
        do {
            try await cancelWhenGracefulShutdown { try await store.migrate() }
            services.ready.open()
        } catch {
            guard Task.isShuttingDownGracefully else { throw error }
            logger.notice("stopped during start-up, before the database migration finished; the next start completes it")
            throw StoppedDuringStartup()
        }
    }
    return app
}

/// The configured database, holding the listening history beside the store's own tables.
private func openStore(_ configuration: AppConfiguration, dependencies: AppDependencies, logger: Logger) async throws -> SQLEncoreStore {
    if let given = dependencies.store { return given }
    return try await SQLEncoreStore.open(
        configuration.database, parts: [HistoryStore.self], poolSize: configuration.databasePoolSize,
        transactionTimeout: max(.seconds(60), (configuration.spotify?.timeout ?? .zero) * 3),
        sessionCacheTTL: configuration.sessionCacheTTL, clock: dependencies.clock, logger: logger
    )
}

/// What runs beside the server: the store (PostgreSQL's pool, the sweep), the history recorder,
/// the HTTP client the app made for itself, and `/metrics` on an address of its own.
private func backgroundServices(
    _ configuration: AppConfiguration, dependencies: AppDependencies, services app: AppServices,
    ownTransport: AsyncHTTPClientTransport?, logger: Logger
) -> [any Service] {
    var services: [any Service] = [StoreService(store: app.store, clock: dependencies.clock, ready: app.ready, logger: logger)]
    if configuration.history.enabled { services.append(app.recorder) }
    services.append(app.imports)
    services.append(app.maintenance)
    if let ownTransport { services.append(TransportService(transport: ownTransport)) }
    if let address = configuration.metricsAddress {
        services.append(
            OperationsController.metricsServer(
                at: address, metrics: dependencies.metrics, logger: logger, onRunning: dependencies.onMetricsServerRunning))
    }
    return services
}

func makeServices(
    _ configuration: AppConfiguration, dependencies: AppDependencies, store: SQLEncoreStore, key: SymmetricKey, logger: Logger
) throws -> AppServices {
    guard let spotify = configuration.spotify else {
        throw SpotifyConfigurationError(
            key: "SPOTIFY_CLIENT_ID", message: "is not set; set it to your app's client id, or run `swift run encore` without it for demo mode")
    }
    guard spotify.redirectURI != nil else {
        throw SpotifyConfigurationError(key: "SPOTIFY_REDIRECT_URI", message: "is required, e.g. http://127.0.0.1:9000/callback")
    }
    let cipher = TokenCipher(key: key, previousKeys: configuration.previousSecretKeys)
    let users = try makeUsers(configuration, spotify: spotify, dependencies: dependencies, store: store, cipher: cipher, key: key, logger: logger)
    let ready = ReadyGate()
    let recorder = HistoryRecorder(
        store: store.history, users: users, clock: dependencies.clock, configuration: configuration.history, timeout: spotify.timeout,
        metrics: dependencies.metrics, logger: logger, maxEntries: configuration.historyImport.maxEntries, ready: ready)
    dependencies.onRecorderBuilt?(recorder)
    let imports = HistoryImportJobs(
        store: store.history, clock: dependencies.clock, metrics: dependencies.metrics, logger: logger, limits: configuration.historyImport)
    let maintenance = HistoryMaintenance(store: store.history, logger: logger, ready: ready)
    dependencies.onHistoryJobsBuilt?(imports, maintenance)
    return AppServices(
        configuration: configuration, spotify: spotify, store: store, history: store.history, users: users, recorder: recorder,
        imports: imports, maintenance: maintenance, ready: ready, views: try ViewRenderer(), csrf: CSRFTokens(secretKey: key),
        cookies: SessionCookies(
            secure: configuration.usesHTTPS, lifetime: configuration.sessionLifetime, signInLifetime: configuration.signInLifetime),
        cipher: cipher, clock: dependencies.clock, metrics: dependencies.metrics, logger: logger
    )
}

/// Every signed-in person's Spotify: one flow, one transport, one cache and one vault of grants.
private func makeUsers(
    _ configuration: AppConfiguration, spotify: SpotifyClientConfiguration, dependencies: AppDependencies, store: SQLEncoreStore,
    cipher: TokenCipher, key: SymmetricKey, logger: Logger
) throws -> SpotifyUsers {
    let transport = dependencies.transport ?? AsyncHTTPClientTransport.shared
    // A secret when there is one; without it PKCE alone proves the app (a public client).
    let flow = try AuthorizationCodeFlow(
        configuration: spotify, clientAuthentication: spotify.clientSecret != nil ? .clientSecret : .pkceOnly,
        transport: transport, clock: dependencies.clock, logger: logger
    )
    return SpotifyUsers(
        configuration: spotify,
        flow: flow,
        vault: GrantVault(store: store, cipher: cipher, pseudonyms: LogPseudonyms(secretKey: key)),
        cache: ResponseCache(ttl: configuration.cacheTTL, maxBytes: configuration.cacheMaxBytes),
        transport: transport,
        clock: dependencies.clock,
        gate: RateLimitGate(),
        leeway: configuration.refreshLeeway,
        metrics: dependencies.metrics,
        logger: logger,
        maxUsers: configuration.maxCachedUsers,
        userRateLimit: configuration.userRateLimit,
        grantRecheck: configuration.database.isSharedServer ? configuration.sessionCacheTTL : nil,
        // Their history stays theirs; only the recorder stops, having no grant to poll with.
        grantEnded: { [history = store.history] userID in try await history.setRecording(userID: userID, false, outcome: .signedOut) }
    )
}

/// The routes and middleware of the app.
func buildRouter(_ services: AppServices) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: RequestLogMiddleware(metrics: services.metrics))
    router.add(
        middleware: SecurityHeadersMiddleware(
            imageOrigins: services.configuration.imageOrigins, strictTransportSecurity: services.configuration.usesHTTPS
        ))
    router.add(middleware: ErrorMiddleware(views: services.views, csrf: services.csrf))
    router.add(
        middleware: SessionMiddleware(
            store: services.store, clock: services.clock, lifetime: services.configuration.sessionLifetime,
            absoluteLifetime: services.configuration.sessionAbsoluteLifetime
        ))

    let spotify = services.spotifyAccess, pages = services.pages
    router.addRoutes(
        HomeController(spotify: spotify, pages: pages, clock: services.clock, grantWarning: services.configuration.grantWarning).routes())
    router.addRoutes(
        AuthController(
            services: .init(
                users: services.users, store: services.store, history: services.history, cookies: services.cookies, cipher: services.cipher,
                pages: pages, clock: services.clock, metrics: services.metrics,
                signInLifetime: services.configuration.signInLifetime, sessionLifetime: services.configuration.sessionLifetime
            )
        ).routes())
    router.addRoutes(
        OperationsController(store: services.store, appMetrics: services.metrics, metricsElsewhere: services.configuration.metricsAddress != nil)
            .routes())
    let signedIn = router.group(context: SignedInContext.self)
    let topItems = TopItemsController(spotify: spotify, pages: pages)
    signedIn.addRoutes(topItems.pageRoutes())
    signedIn.addRoutes(topItems.apiRoutes())
    signedIn.addRoutes(PlaylistController(spotify: spotify, pages: pages, clock: services.clock).routes())
    signedIn.addRoutes(
        HistoryController(
            services: .init(
                store: services.history, spotify: spotify, jobs: services.imports, maintenance: services.maintenance, pages: pages,
                clock: services.clock,
                recorderEnabled: services.configuration.history.enabled, uploadMaxBytes: services.configuration.historyUploadMaxBytes)
        ).routes())
    signedIn.addRoutes(InsightsController(services: .init(store: services.history, pages: pages, clock: services.clock)).routes())
    return router
}

/// Closes the app's own connections to Spotify once the server has drained.
struct TransportService: Service {
    let transport: AsyncHTTPClientTransport

    func run() async throws {
        try? await gracefulShutdown()
        try await transport.shutdown()
    }
}

/// Keeps the store open while the server drains, runs its background work, sweeps expired
/// rows, and closes it at shutdown.
struct StoreService: Service {
    let store: any EncoreStore
    let clock: any SpotifyClock
    let ready: ReadyGate
    let logger: Logger

    func run() async throws {
        // The pool runs outside the task group and gets a bounded wait at shutdown: PostgresNIO's
        // pool `run()` sometimes never returns after cancellation, and a task group would wait
        // with it. Seen in about one stop in three when a keep-alive query had run in the last
        // few seconds (never with keep-alives off); its connections are closed within
        // milliseconds all the same, so a second is enough and the rest of the wait bought nothing.
        let pool = Task { await store.run() }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await cancelWhenGracefulShutdown {
                    guard await ready.wait() else { return }
                    while !Task.isCancelled {
                        if let removed = try? await store.deleteExpired(now: clock.now()), removed > 0 {
                            logger.debug("removed expired sessions and sign-ins", metadata: ["rows": .stringConvertible(removed)])
                        }
                        try? await Task.sleep(for: .seconds(600))
                    }
                }
            }
            try? await gracefulShutdown()
            group.cancelAll()
        }
        pool.cancel()
        let stopped = try? await withAbandoningDeadline(.seconds(1)) { _ in await pool.value }
        if case .timedOut? = stopped {
            logger.notice("the PostgreSQL connection pool did not report stopping within 1 s; shutting down without it")
        }
        await store.close()
    }
}
