import ArgumentParser
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import SpotifyWebAPI
import Synchronization

/// `encore login`: PKCE sign-in through a one-shot loopback listener, or a pasted redirect URL.
struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Sign in with Spotify and keep the tokens for the other commands.",
        discussion: """
            Listens once on 127.0.0.1 at the redirect URI's port (SPOTIFY_REDIRECT_URI, default 9000),
            prints the sign-in address and opens it in your browser. On a machine whose browser cannot
            reach that port (SSH, headless), sign in elsewhere and paste the address you were sent to.
            Credentials go to $XDG_CONFIG_HOME/encore/credentials.json (else ~/.config/encore/), mode 0600.

            Examples:
              encore login
              encore login --no-browser --port 8888
              encore login --scope user-modify-playback-state --scope user-read-playback-state
              encore login --accounts-url http://127.0.0.1:9100 --api-url http://127.0.0.1:9100/v1 --client-id demo
            """
    )

    @OptionGroup var spotify: SpotifyOptions

    @Flag(help: "Print the sign-in address instead of opening a browser.")
    var noBrowser = false

    @Option(help: "The loopback port to listen on (and to put in the redirect URI).")
    var port: Int?

    @Option(name: .customLong("scope"), parsing: .singleValue, help: "Ask for this scope too; repeatable (a command that lacks one names it).")
    var extraScopes: [String] = []

    func validate() throws {
        if let port, !(1...65535).contains(port) { throw ValidationError("--port must be between 1 and 65535") }
    }

    func run() async throws {
        try await runReportingFailures {
            let configuration = try spotify.configuration(redirectPort: port)
            guard let redirect = configuration.redirectURI, redirect.isLoopback, let listenPort = redirect.url.port else {
                throw CLIFailure(
                    cause: "the redirect URI must be http://127.0.0.1:PORT/callback for the terminal",
                    hint: "pass --port or set SPOTIFY_REDIRECT_URI", code: 1)
            }
            let flow = try AuthorizationCodeFlow(configuration: configuration, clientAuthentication: .pkceOnly)
            let pending = flow.startAuthorization(
                scopes: Self.scopes(
                    configured: configuration.scopes, extra: extraScopes.flatMap { $0.split(separator: " ").map { Scope(rawValue: String($0)) } }))
            let message = """
                Sign in to Spotify at:

                  \(pending.authorizeURL.absoluteString)

                Waiting for Spotify to send you back to \(redirect.url.absoluteString).
                If your browser runs on another machine, paste here the address it was sent to:

                """
            FileHandle.standardError.write(Data(message.utf8))
            if !noBrowser { BrowserOpener.open(pending.authorizeURL.absoluteString) }

            let callbackURL = try await waitForCallback(port: listenPort, path: redirect.url.path)
            let tokens = try await flow.completeAuthorization(AuthorizationCallback(url: callbackURL), pending: pending)
            let client = SpotifyClient(configuration: configuration, authorization: TokenManager(tokens: tokens, refresher: flow, leeway: .zero))
            let profile = try await client.currentUserProfile()
            try CredentialsFile().save(
                StoredCredentials(
                    clientID: configuration.clientID, accountsURL: configuration.accountsBaseURL, apiURL: configuration.apiBaseURL,
                    userID: profile.stableID, displayName: profile.displayName, tokens: tokens
                ))
            print("Signed in as \(profile.displayName ?? profile.id.rawValue).")
        }
    }

    /// The terminal commands also read recent plays and saved tracks, so their scopes are asked
    /// for too unless SPOTIFY_SCOPES says otherwise.
    static func scopes(configured: [Scope], extra: [Scope] = []) -> [Scope] {
        if ProcessInfo.processInfo.environment["SPOTIFY_SCOPES"] != nil { return configured }
        var scopes = configured
        for extra in [Scope.userReadRecentlyPlayed, .userLibraryRead] + extra where !scopes.contains(extra) { scopes.append(extra) }
        return scopes
    }

    /// The first of: a request to the loopback listener, or a pasted URL on stdin.
    private func waitForCallback(port: Int, path: String) async throws -> URL {
        let (callbacks, continuation) = AsyncStream<URL>.makeStream()
        var logger = Logger(label: "encore.login")
        logger.logLevel = .critical
        let router = Router()
        router.get(RouterPath(path)) { request, _ -> Response in
            if let url = URL(string: "http://127.0.0.1:\(port)\(request.uri.description)") { continuation.yield(url) }
            let page = "<!doctype html><title>Encore</title><p>You are signed in to Encore. You can close this tab and return to the terminal.</p>"
            return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: page)))
        }
        let listener = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: nil), logger: logger)
        // Reading stdin blocks, so it gets a thread of its own; a pasted line ends the wait.
        let reader = Thread {
            while let line = readLine() {
                let text = line.trimmingCharacters(in: .whitespaces)
                if let url = URL(string: text), url.query?.contains("state=") == true {
                    continuation.yield(url)
                    return
                }
                if !text.isEmpty {
                    FileHandle.standardError.write(
                        Data("That is not the address Spotify sent you to; paste the whole address (it contains state=).\n".utf8))
                }
            }
        }
        reader.start()
        // A graceful shutdown (not cancellation) lets the listener finish its "you can close this
        // tab" page before it stops.
        let services = ServiceGroup(configuration: .init(services: [listener], logger: logger))
        let listenerFailed = SharedFlag()
        return try await withThrowingTaskGroup(of: URL?.self) { group in
            group.addTask {
                do {
                    try await services.run()
                } catch {
                    listenerFailed.set()
                    FileHandle.standardError.write(Data("Could not listen on 127.0.0.1:\(port); paste the address instead.\n".utf8))
                    // Keep waiting for a pasted address until the other task ends the wait.
                    let (never, keepOpen) = AsyncStream<Void>.makeStream()
                    for await _ in never {}
                    keepOpen.finish()
                }
                return nil
            }
            group.addTask { await callbacks.first { _ in true } }
            while let next = try await group.next() {
                if let url = next {
                    await services.triggerGracefulShutdown()
                    if listenerFailed.isSet { group.cancelAll() }
                    return url
                }
            }
            throw CLIFailure(cause: "the sign-in was not finished", hint: "run `encore login` again", code: 2)
        }
    }
}

/// A flag that one task sets and another reads.
final class SharedFlag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}
