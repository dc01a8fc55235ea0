import ArgumentParser
import Foundation
import Hummingbird
import Logging
import SpotifyEmulator

/// `encore emulator`: a local Spotify for tests, demos and benchmarks.
struct EmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emulator",
        abstract: "Run a local Spotify accounts service and Web API with seeded data.",
        discussion: """
            Point a client at it with SPOTIFY_ACCOUNTS_URL=http://127.0.0.1:PORT and
            SPOTIFY_API_URL=http://127.0.0.1:PORT/v1. Test controls live under /_emulator/.

            Examples:
              encore emulator --port 9100
              encore emulator --auto-approve maya --token-ttl 60 --dev-mode
            """
    )

    @Option(help: "The loopback port to listen on (0 picks a free one).")
    var port = 9100

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The catalog seed: the same seed gives the same data.")
    var seed: UInt64 = 1

    @Option(help: "Register this client id (generated when absent).")
    var clientID: String?

    @Option(help: "The registered client's secret (generated when absent).")
    var clientSecret: String?

    @Option(
        parsing: .singleValue, help: "A redirect URI to register; repeatable. Default: http://127.0.0.1:9000/callback and http://127.0.0.1/callback.")
    var redirectURI: [String] = []

    @Option(help: "Approve every sign-in at once as this user (maya, jonas, priya, lucas, sofia).")
    var autoApprove: String?

    @Option(help: "Access-token lifetime in seconds.")
    var tokenTTL = 3600

    @Flag(help: "Drop the fields Spotify removed for development-mode apps in February 2026.")
    var devMode = false

    @Flag(help: "Rotate refresh tokens on refresh instead of omitting them.")
    var rotateRefreshTokens = false

    @Flag(help: "Let the seeded users listen as time passes, so recently played keeps growing.")
    var simulateListening = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard tokenTTL > 0 else { throw ValidationError("--token-ttl must be positive") }
    }

    func run() async throws {
        let emulator = SpotifyEmulator(
            configuration: .init(
                seed: seed,
                tokenTTL: tokenTTL,
                devMode: devMode,
                refreshTokenPolicy: rotateRefreshTokens ? .rotate : .omit,
                simulatesListening: simulateListening
            ))
        if let autoApprove, !emulator.setAutoApprove(user: autoApprove) {
            throw ValidationError("unknown user \(autoApprove); choose one of \(emulator.users.map(\.id).joined(separator: ", "))")
        }
        let redirects = redirectURI.isEmpty ? ["http://127.0.0.1:9000/callback", "http://127.0.0.1/callback"] : redirectURI
        let client = emulator.registerClient(clientID: clientID, clientSecret: clientSecret, name: "Encore", redirectURIs: redirects)
        var logger = Logger(label: "encore.emulator")
        logger.logLevel = .warning
        let users = emulator.users
        let app = emulator.makeApplication(host: host, port: port, logger: logger) { origin in
            let base = origin.absoluteString
            let banner = """
                Spotify emulator running on \(base)

                  SPOTIFY_ACCOUNTS_URL=\(base)
                  SPOTIFY_API_URL=\(base)/v1
                  SPOTIFY_CLIENT_ID=\(client.clientID)
                  SPOTIFY_CLIENT_SECRET=\(client.clientSecret)
                  SPOTIFY_REDIRECT_URI=\(redirects[0])

                Users: \(users.map { "\($0.id) (\($0.displayName))" }.joined(separator: ", "))
                Controls: \(base)/_emulator/

                """
            // Written unbuffered so scripts reading a pipe see it as soon as the port is bound.
            FileHandle.standardOutput.write(Data(banner.utf8))
        }
        try await app.runService()
    }
}
