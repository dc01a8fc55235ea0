import ArgumentParser
import EncoreServer
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import SpotifyEmulator
import SpotifyWebAPI

/// `encore serve`: the web app, against Spotify or — with no client id — the embedded emulator.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the Encore web app.",
        discussion: """
            Configuration comes from the environment, a .env file in the working directory, and
            these flags (flags win, then the environment, then .env). See README.md for every variable.

            Without SPOTIFY_CLIENT_ID, Encore runs in demo mode: it starts a local Spotify emulator,
            registers a demo app there, and serves http://127.0.0.1:9000 with data in .encore/.

            Examples:
              encore serve
              encore serve --port 8080 --no-browser
              SPOTIFY_CLIENT_ID=… SPOTIFY_CLIENT_SECRET=… encore serve
            """
    )

    @Option(help: "The address to listen on (ENCORE_HOST).")
    var host: String?

    @Option(help: "The port to listen on (ENCORE_PORT).")
    var port: Int?

    @Option(help: "sqlite://PATH, sqlite::memory: or postgres://… (ENCORE_DATABASE_URL).")
    var databaseURL: String?

    @Option(help: "trace, debug, info, notice, warning, error or critical (ENCORE_LOG_LEVEL).")
    var logLevel: String?

    @Option(help: "The .env file to read.")
    var envFile = ".env"

    @Flag(help: "Do not open a browser.")
    var noBrowser = false

    func run() async throws {
        var overrides: [String: String] = [:]
        overrides["ENCORE_HOST"] = host
        overrides["ENCORE_PORT"] = port.map(String.init)
        overrides["ENCORE_DATABASE_URL"] = databaseURL
        overrides["ENCORE_LOG_LEVEL"] = logLevel
        let loaded: (configuration: AppConfiguration, malformedDotEnvLines: [Int])
        do {
            loaded = try AppConfiguration.load(dotEnvPath: envFile, overrides: overrides)
        } catch {
            throw ValidationError(error.description)
        }
        let configuration = loaded.configuration
        let level = configuration.logLevel
        // The access log writes a line per request: lines are queued and written in batches, so
        // no request waits on standard error (docs/performance.md has the cost either way).
        let logBuffer = LogBuffer()
        defer { logBuffer.flush() }
        LoggingSystem.bootstrap { label in BufferedLogHandler(label: label, level: level, buffer: logBuffer) }
        let logger = Logger(label: "encore")
        if !loaded.malformedDotEnvLines.isEmpty {
            logger.warning(
                "ignored unreadable lines in \(envFile)",
                metadata: ["lines": .string(loaded.malformedDotEnvLines.map(String.init).joined(separator: ","))])
        }
        let openBrowser = !noBrowser

        guard configuration.spotify == nil else {
            try await serve(configuration, logger: logger, logBuffer: logBuffer, banner: nil, openBrowser: openBrowser)
            return
        }
        try await serveDemo(configuration, logger: logger, logBuffer: logBuffer, openBrowser: openBrowser)
    }

    /// Demo mode: a local Spotify on a free loopback port, with a demo app registered.
    private func serveDemo(_ configuration: AppConfiguration, logger: Logger, logBuffer: LogBuffer, openBrowser: Bool) async throws {
        var configuration = configuration
        let emulator = SpotifyEmulator(configuration: .init(seed: 1, simulatesListening: true))
        var emulatorLogger = Logger(label: "encore.emulator")
        emulatorLogger.logLevel = .warning
        let (origins, continuation) = AsyncStream<URL>.makeStream()
        let emulatorApp = emulator.makeApplication(host: "127.0.0.1", port: 0, logger: emulatorLogger) { origin in
            continuation.yield(origin)
            continuation.finish()
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await emulatorApp.runService(gracefulShutdownSignals: []) }
            guard let origin = await origins.first(where: { _ in true }) else { return }
            if configuration.port == 0, let free = FreePort.loopback() { configuration.port = free }
            let redirect = "http://127.0.0.1:\(configuration.port)/callback"
            let client = emulator.registerClient(name: "Encore (demo)", redirectURIs: [redirect, "http://127.0.0.1/callback"])
            configuration.spotify = SpotifyClientConfiguration(
                clientID: client.clientID,
                clientSecret: ClientSecret(client.clientSecret),
                redirectURI: try RedirectURI(redirect),
                accountsBaseURL: origin,
                apiBaseURL: origin.appendingPathComponent("v1")
            )
            let banner = """
                Demo mode: no SPOTIFY_CLIENT_ID is set, so Encore is using its built-in Spotify emulator
                at \(origin.absoluteString). Sign in as any of: \(emulator.users.map(\.displayName).joined(separator: ", ")).
                To use your real Spotify account, see "Register a Spotify app" in README.md.
                """
            let store = try await SQLEncoreStore.open(
                configuration.database, parts: [HistoryStore.self], poolSize: configuration.databasePoolSize,
                sessionCacheTTL: configuration.sessionCacheTTL, logger: logger)
            // Once the app runs (its database migrated and its pool up): weeks of listening, in
            // this group so that stopping the demo stops the seeding too.
            let (started, running) = AsyncStream<Void>.makeStream()
            group.addTask {
                guard await started.first(where: { _ in true }) != nil else { return }
                await DemoHistory.seed(store.history, emulator: emulator, now: Date(), logger: logger)
            }
            try await serve(configuration, logger: logger, logBuffer: logBuffer, banner: banner, openBrowser: openBrowser, store: store) {
                running.yield()
                running.finish()
            }
            group.cancelAll()
        }
    }

    private func serve(
        _ configuration: AppConfiguration, logger: Logger, logBuffer: LogBuffer, banner: String?, openBrowser: Bool, store: SQLEncoreStore? = nil,
        onRunning: (@Sendable () -> Void)? = nil
    ) async throws {
        let app: any ApplicationProtocol
        do {
            app = try await buildApplication(
                configuration,
                dependencies: AppDependencies(store: store, logger: logger) { host, port in
                    let url = "http://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(port)"
                    var message = "\nEncore is running at \(url)\n"
                    if let banner { message += banner + "\n" }
                    FileHandle.standardOutput.write(Data((message + "\n").utf8))
                    if openBrowser { BrowserOpener.open(url) }
                    onRunning?()
                })
        } catch let error as SpotifyConfigurationError {
            throw ValidationError(error.description)
        }
        // SIGTERM drains open requests; a bounded drain, then cancellation, so a stuck task can
        // never keep the process (and a rolling restart) waiting forever.
        // The flusher comes first so that it stops last, after what the app logged while draining.
        var group = ServiceGroupConfiguration(
            services: [LogFlusher(buffer: logBuffer), app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        group.maximumGracefulShutdownDuration = .seconds(25)
        group.maximumCancellationDuration = .seconds(5)
        do {
            try await ServiceGroup(configuration: group).run()
        } catch is StoppedDuringStartup {
            // Asked to stop, and stopped: exit 0 like any other SIGTERM.
        }
    }
}

/// Opens a URL in the person's browser when there is a desktop to show it on.
enum BrowserOpener {
    static func open(_ url: String) {
        let environment = ProcessInfo.processInfo.environment
        #if os(macOS)
            let command = "/usr/bin/open"
        #else
            guard environment["DISPLAY"] != nil || environment["WAYLAND_DISPLAY"] != nil else { return }
            let command = "/usr/bin/xdg-open"
        #endif
        guard environment["CI"] == nil, FileManager.default.isExecutableFile(atPath: command) else { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command)
        process.arguments = [url]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try? process.run()
    }
}
