import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SpotifyEmulator
import SpotifyWebAPI
import SpotifyWebAPITesting
import Testing

@testable import TopTracksApp

/// The tutorial's app against an offline Spotify: the browser's whole path, from `/login` to the
/// top tracks, with nothing mocked.
@Suite("TopTracks: sign in with Spotify and show top tracks")
struct SignInTests {
    static let redirect = "http://127.0.0.1:8080/callback"

    /// Runs `body` with the emulator up, `maya` approving every consent at once, and the app
    /// configured for it.
    func withSpotify(_ body: @Sendable (SpotifyEmulator, SpotifyClientConfiguration) async throws -> Void) async throws {
        let emulator = SpotifyEmulator(configuration: .init(seed: 7, autoApproveUser: "maya"))
        let app = emulator.registerClient(clientID: "top-tracks", clientSecret: "top-tracks-secret", redirectURIs: [Self.redirect])
        try await emulator.withRunning { origin in
            let configuration = try spotifyConfiguration(from: [
                "SPOTIFY_CLIENT_ID": app.clientID, "SPOTIFY_CLIENT_SECRET": app.clientSecret,
                "SPOTIFY_REDIRECT_URI": Self.redirect,
                "SPOTIFY_ACCOUNTS_URL": origin.absoluteString, "SPOTIFY_API_URL": origin.appending(path: "v1").absoluteString,
            ])
            try await body(emulator, configuration)
        }
    }

    /// What the browser does at Spotify: the emulator approves at once and redirects to the
    /// callback with `code` and `state`.
    func consent(at authorizeURL: String) async throws -> String {
        let transport = AsyncHTTPClientTransport(connectionsPerHost: 1)  // follows no redirect
        let url = try #require(URL(string: authorizeURL))
        let hop = try await transport.send(TransportRequest(head: HTTPRequest(method: .get, url: url)))
        try await transport.shutdown()
        let location = try #require(hop.head.headerFields[.location])
        #expect(location.hasPrefix(Self.redirect + "?"))
        return String(location.dropFirst("http://127.0.0.1:8080".count))
    }

    func cookie(_ response: TestResponse) throws -> String {
        let setCookie = try #require(response.headers[.setCookie])
        return String(try #require(setCookie.split(separator: ";").first))
    }

    @Test("/login, Spotify's consent, /callback, then /top lists the user's top tracks as Spotify has them")
    func signInToTopTracks() async throws {
        try await withSpotify { emulator, configuration in
            let server = try TopTracksServer(configuration: configuration)
            try await server.application().test(.router) { client in
                let login = try await client.execute(uri: "/login", method: .get)
                #expect(login.status == .seeOther)
                let authorize = try #require(login.headers[.location])
                #expect(authorize.contains("code_challenge_method=S256"))
                let session = try cookie(login)

                let back = try await client.execute(uri: try await consent(at: authorize), method: .get, headers: [.cookie: session])
                #expect(back.status == .seeOther)
                #expect(back.headers[.location] == "/top")

                let top = try await client.execute(uri: "/top", method: .get, headers: [.cookie: session])
                #expect(top.status == .ok)
                let lines = String(buffer: top.body).split(separator: "\n").map(String.init)

                // The same list, asked of Spotify directly by a sign-in of our own.
                let expected = try await topTrackLines(emulator: emulator, configuration: configuration)
                #expect(lines == expected)
                #expect(lines.count == 10)

                // A replayed callback finds no pending sign-in.
                let replay = try await client.execute(uri: "/callback?code=x&state=y", method: .get, headers: [.cookie: session])
                #expect(replay.status == .badRequest)
            }
        }
    }

    @Test("a callback whose state is not the pending one is refused before any code is exchanged")
    func forgedCallback() async throws {
        try await withSpotify { emulator, configuration in
            let server = try TopTracksServer(configuration: configuration)
            try await server.application().test(.router) { client in
                let login = try await client.execute(uri: "/login", method: .get)
                let session = try cookie(login)
                emulator.resetCounters()
                let forged = try await client.execute(uri: "/callback?code=stolen&state=forged", method: .get, headers: [.cookie: session])
                #expect(forged.status == .badRequest)
                #expect(String(buffer: forged.body).contains("Sign-in did not complete"))
                #expect(emulator.counters.tokenGrants.values.reduce(0, +) == 0)
                // Without a session, /top sends the browser to sign in.
                let top = try await client.execute(uri: "/top", method: .get)
                #expect(top.headers[.location] == "/login")
            }
        }
    }

    @Test("an hour later the token is refreshed before the call, once, and the page still works")
    func refreshBeforeExpiry() async throws {
        try await withSpotify { emulator, configuration in
            let clock = VirtualClock(start: emulator.now)
            let server = try TopTracksServer(configuration: configuration, clock: clock)
            try await server.application().test(.router) { client in
                let login = try await client.execute(uri: "/login", method: .get)
                let session = try cookie(login)
                let authorize = try #require(login.headers[.location])
                _ = try await client.execute(uri: try await consent(at: authorize), method: .get, headers: [.cookie: session])
                clock.advance(by: .seconds(3_600))
                emulator.advanceClock(by: .seconds(3_600))
                let top = try await client.execute(uri: "/top", method: .get, headers: [.cookie: session])
                #expect(top.status == .ok)
                #expect(emulator.counters.tokenGrants["refresh_token"] == 1)
                // The emulator refused nothing: the expired token was never sent.
                #expect(emulator.counters.requests.filter { $0.key.hasSuffix(" 401") }.isEmpty)
            }
        }
    }

    /// The user's top tracks as the app words them, from a sign-in made here with the library.
    func topTrackLines(emulator: SpotifyEmulator, configuration: SpotifyClientConfiguration) async throws -> [String] {
        let flow = try AuthorizationCodeFlow(configuration: configuration)
        let pending = flow.startAuthorization()
        let callback = try #require(URL(string: "http://127.0.0.1:8080" + (try await consent(at: pending.authorizeURL.absoluteString))))
        let tokens = try await flow.completeAuthorization(AuthorizationCallback(url: callback), pending: pending)
        let spotify = SpotifyClient(configuration: configuration, authorization: TokenManager(tokens: tokens, refresher: flow))
        let top = try await spotify.currentUserTopTracks(timeRange: .shortTerm, limit: 10)
        return top.items.enumerated().map { index, track in
            "\(index + 1). \(track.name) — \(track.artists.map(\.name).joined(separator: ", "))"
        }
    }
}
