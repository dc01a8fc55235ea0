import Foundation
import SpotifyWebAPI
import SpotifyWebAPITesting
import Synchronization
import Testing

@testable import SpotifyEmulator

/// The client library's flows end to end against the emulator over real HTTP.
@Suite("SpotifyWebAPI against the emulator", .timeLimit(.minutes(3)))
struct ClientFlowTests {
    func configuration(_ h: Harness, secret: Bool = true) throws -> SpotifyClientConfiguration {
        SpotifyClientConfiguration(
            clientID: h.client.clientID,
            clientSecret: secret ? ClientSecret(h.client.clientSecret) : nil,
            redirectURI: try RedirectURI(Harness.redirect),
            scopes: [.userReadPrivate, .userReadEmail, .userTopRead, .userReadRecentlyPlayed, .userLibraryRead, .playlistModifyPrivate],
            accountsBaseURL: try #require(URL(string: h.origin)),
            apiBaseURL: try #require(URL(string: h.api)),
            retry: RetryPolicy(rateLimitBudget: .seconds(5), baseDelay: .milliseconds(5), maxDelay: .milliseconds(20))
        )
    }

    /// Follows /authorize (auto-approved) to the redirect and completes the sign-in.
    func signIn<Flow: Sendable>(
        _ flow: Flow, start: (Flow) -> PendingAuthorization, complete: (Flow, AuthorizationCallback, PendingAuthorization) async throws -> UserTokens
    ) async throws -> UserTokens {
        let pending = start(flow)
        let hop = try await http("GET", pending.authorizeURL.absoluteString)
        let location = try #require(hop.location)
        return try await complete(flow, AuthorizationCallback(url: location), pending)
    }

    @Test("with Spotify stalling after the headers, a call ends by its timeout, retries included", arguments: ["latency", "delayed_answer"])
    func stalledAnswersEndByTheDeadline(kind: String) async throws {
        try await Harness.run { h in
            let flow = try AuthorizationCodeFlow(configuration: try configuration(h))
            let tokens = try await signIn(flow, start: { $0.startAuthorization() }, complete: { try await $0.completeAuthorization($1, pending: $2) })
            var configuration = try configuration(h)
            configuration.timeout = .seconds(1)
            let spotify = SpotifyClient(configuration: configuration, authorization: TokenManager(tokens: tokens, refresher: flow))
            h.emulator.injectFault(FaultRule(kind: FaultRule.Kind(rawValue: kind) ?? .latency, pathPrefix: "/v1/me", latencyMs: 5_000, count: 10))
            let started = ContinuousClock.now
            let error = await #expect(throws: SpotifyAPIError.self) { try await spotify.currentUserProfile() }
            let took = ContinuousClock.now - started
            #expect(error?.code == .timeout)
            #expect(took < .milliseconds(1_900), "took \(took)")
        }
    }

    @Test("confidential sign-in, then top tracks and artists")
    func confidentialFlow() async throws {
        try await Harness.run { h in
            let flow = try AuthorizationCodeFlow(configuration: try configuration(h))
            let tokens = try await signIn(flow, start: { $0.startAuthorization() }, complete: { try await $0.completeAuthorization($1, pending: $2) })
            #expect(tokens.scopes.contains(.userTopRead))
            let spotify = SpotifyClient(configuration: try configuration(h), authorization: TokenManager(tokens: tokens, refresher: flow))
            let me = try await h.covering("GET /me") { try await spotify.currentUserProfile() }
            #expect(me.id.rawValue == "maya")
            #expect(me.accountID != nil)
            let tracks = try await h.covering("GET /me/top/tracks") { try await spotify.currentUserTopTracks(timeRange: .shortTerm, limit: 20) }
            #expect(tracks.items.count == 20)
            #expect(tracks.total == 50)
            #expect(tracks.items.allSatisfy { !$0.artists.isEmpty && $0.album?.images?.isEmpty == false })
            let artists = try await h.covering("GET /me/top/artists") { try await spotify.currentUserTopArtists(timeRange: .longTerm, limit: 50) }
            #expect(artists.items.count == 50)
        }
    }

    @Test("a request refused for a missing scope succeeds after a re-consent that adds it and keeps the rest")
    func incrementalConsent() async throws {
        try await Harness.run { h in
            var configuration = try configuration(h)
            configuration.scopes = [.userReadPrivate, .userTopRead]
            let flow = try AuthorizationCodeFlow(configuration: configuration)
            let tokens = try await signIn(flow, start: { $0.startAuthorization() }, complete: { try await $0.completeAuthorization($1, pending: $2) })
            #expect(!tokens.scopes.contains(.userReadRecentlyPlayed))
            let manager = TokenManager(tokens: tokens, refresher: flow)
            let spotify = SpotifyClient(configuration: configuration, authorization: manager)
            let refused = await #expect(throws: SpotifyAPIError.self) { try await spotify.recentlyPlayed(limit: 5) }
            #expect(refused?.code == .insufficientScope)
            #expect(refused?.missingScopes == [.userReadRecentlyPlayed])

            let asked = Mutex<[String]>([])
            let page = try await spotify.retryingAfterConsent({ try await $0.recentlyPlayed(limit: 5) }) { missing, granted in
                try await signIn(
                    flow,
                    start: { flow in
                        let pending = flow.startAuthorization(adding: missing, to: granted)
                        let scope = URLComponents(url: pending.authorizeURL, resolvingAgainstBaseURL: false)?.queryItems?.first {
                            $0.name == "scope"
                        }?.value
                        asked.withLock { $0.append(scope ?? "") }
                        return pending
                    }, complete: { try await $0.completeAuthorization($1, pending: $2) })
            }
            #expect(page.items.count == 5)
            #expect(asked.withLock { $0 } == ["user-read-private user-top-read user-read-recently-played"])
            let now = await manager.tokens.scopes
            #expect(now == [.userReadPrivate, .userTopRead, .userReadRecentlyPlayed])
            // The earlier scopes still work with the new grant.
            #expect(try await spotify.currentUserTopTracks(limit: 1).items.count == 1)
            // A failure for another reason is not retried: `reconsent` is not called.
            h.emulator.injectFault(FaultRule(kind: .status, pathPrefix: "/v1/me/player", status: 404, count: 1))
            await #expect(throws: SpotifyAPIError.self) {
                try await spotify.retryingAfterConsent({ try await $0.recentlyPlayed(limit: 5) }) { _, _ in
                    Issue.record("reconsent was asked for a 404")
                    return tokens
                }
            }
        }
    }

    @Test("PKCE-only sign-in for a public client")
    func pkceFlow() async throws {
        try await Harness.run { h in
            let flow = try AuthorizationCodeFlow(configuration: try configuration(h, secret: false), clientAuthentication: .pkceOnly)
            let tokens = try await signIn(flow, start: { $0.startAuthorization() }, complete: { try await $0.completeAuthorization($1, pending: $2) })
            let refreshed = try await flow.refresh(tokens)
            #expect(refreshed.accessToken != tokens.accessToken)
            #expect(refreshed.refreshToken == tokens.refreshToken)
        }
    }

    @Test("walking pages: all 50 top tracks, every saved track, recently played")
    func paging() async throws {
        try await Harness.run { h in
            let flow = try AuthorizationCodeFlow(configuration: try configuration(h))
            let tokens = try await signIn(flow, start: { $0.startAuthorization() }, complete: { try await $0.completeAuthorization($1, pending: $2) })
            let spotify = SpotifyClient(configuration: try configuration(h), authorization: TokenManager(tokens: tokens, refresher: flow))
            var walked: [String] = []
            for try await track in spotify.allCurrentUserTopTracks(timeRange: .mediumTerm) { walked.append(track.uri) }
            #expect(walked.count == 50)
            let collected = try await spotify.allCurrentUserTopTracks(timeRange: .mediumTerm).collect()
            #expect(collected.map(\.uri) == walked)
            let firstSaved = try await h.covering("GET /me/tracks") { try await spotify.savedTracks(limit: 1) }
            let saved = try await spotify.allSavedTracks().collect(maxConcurrentRequests: 3)
            #expect(saved.count == firstSaved.total)
            let recent = try await h.covering("GET /me/player/recently-played") { try await spotify.recentlyPlayed(limit: 10) }
            #expect(recent.items.count == 10)
            let before = try #require(recent.items.last?.playedAt)
            let older = try await spotify.recentlyPlayed(limit: 10, cursor: .before(before))
            #expect(older.items.allSatisfy { $0.playedAt < before })
            let all = try await spotify.allRecentlyPlayed().collect()
            #expect(all.count == 50)
            #expect(zip(all, all.dropFirst()).allSatisfy { $0.playedAt > $1.playedAt })
        }
    }

    @Test("creating a playlist from the top tracks, in chunks of 100")
    func playlist() async throws {
        try await Harness.run { h in
            let flow = try AuthorizationCodeFlow(configuration: try configuration(h))
            let tokens = try await signIn(flow, start: { $0.startAuthorization() }, complete: { try await $0.completeAuthorization($1, pending: $2) })
            let spotify = SpotifyClient(configuration: try configuration(h), authorization: TokenManager(tokens: tokens, refresher: flow))
            let top = try await spotify.allCurrentUserTopTracks(timeRange: .longTerm).collect()
            let playlist = try await h.covering("POST /me/playlists") {
                try await spotify.createPlaylist(name: "Encore — long term", description: "Top tracks")
            }
            let uris = (top + top + top).map(\.uri)
            let snapshots = try await h.covering("POST /playlists/{playlist_id}/items") {
                try await spotify.addItems(try uris.map(SpotifyURI.init), to: playlist.id)
            }
            #expect(snapshots.count == 2)
            let fetched = try await h.covering("GET /playlists/{playlist_id}") { try await spotify.playlist(id: playlist.id) }
            #expect(fetched.items?.total == 150)
            let items = try await h.covering("GET /playlists/{playlist_id}/items") {
                try await spotify.playlistItems(id: playlist.id, limit: 10, offset: 145)
            }
            #expect(items.items.count == 5 && items.total == 150)
            #expect(fetched.items?.items?.first?.track?.uri == uris.first)
            #expect(fetched.isPublic == false)
        }
    }

    @Test("an access token the emulator expired is refreshed once after the 401")
    func refreshAfterExpiry() async throws {
        try await Harness.run { h in
            let flow = try AuthorizationCodeFlow(configuration: try configuration(h))
            let tokens = try await signIn(flow, start: { $0.startAuthorization() }, complete: { try await $0.completeAuthorization($1, pending: $2) })
            let manager = TokenManager(tokens: tokens, refresher: flow)
            let spotify = SpotifyClient(configuration: try configuration(h), authorization: manager)
            h.emulator.advanceClock(by: .seconds(3601))
            #expect(try await spotify.currentUserProfile().id.rawValue == "maya")
            #expect(h.emulator.counters.refreshesByUser["maya"] == 1)
            #expect(await manager.completedRefreshes == 1)
        }
    }

    @Test("100 concurrent calls on an expired token make exactly one refresh grant")
    func concurrentRefresh() async throws {
        try await Harness.run { h in
            // One clock for the flow and the manager, so "expired" and "fresh" do not depend on
            // how fast the machine is.
            let clock = VirtualClock(start: Date())
            let flow = try AuthorizationCodeFlow(configuration: try configuration(h), clock: clock)
            let tokens = try await signIn(flow, start: { $0.startAuthorization() }, complete: { try await $0.completeAuthorization($1, pending: $2) })
            let manager = TokenManager(tokens: tokens, refresher: flow, clock: clock)
            let spotify = SpotifyClient(configuration: try configuration(h), authorization: manager, clock: clock)
            clock.advance(by: .seconds(3600))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<100 { group.addTask { _ = try await spotify.currentUserTopTracks(limit: 5) } }
                try await group.waitForAll()
            }
            #expect(h.emulator.counters.tokenGrants["refresh_token"] == 1)
            #expect(h.emulator.counters.requests["GET /v1/me/top/{type} 200"] == 100)
        }
    }

    @Test("a revoked grant becomes reauthorizationRequired, without retries")
    func revoked() async throws {
        try await Harness.run { h in
            let flow = try AuthorizationCodeFlow(configuration: try configuration(h))
            let tokens = try await signIn(flow, start: { $0.startAuthorization() }, complete: { try await $0.completeAuthorization($1, pending: $2) })
            let spotify = SpotifyClient(configuration: try configuration(h), authorization: TokenManager(tokens: tokens, refresher: flow))
            h.emulator.revokeGrants(of: "maya")
            let error = await #expect(throws: SpotifyAPIError.self) { try await spotify.currentUserProfile() }
            #expect(error?.code == .reauthorizationRequired)
            #expect(h.emulator.counters.requests["POST /api/token 400"] == 1)
        }
    }

    @Test("faults reach the caller as typed errors; 429 with Retry-After 0 and 503 bursts are retried")
    func faults() async throws {
        try await Harness.run { h in
            let flow = try AuthorizationCodeFlow(configuration: try configuration(h))
            let tokens = try await signIn(flow, start: { $0.startAuthorization() }, complete: { try await $0.completeAuthorization($1, pending: $2) })
            let spotify = SpotifyClient(configuration: try configuration(h), authorization: TokenManager(tokens: tokens, refresher: flow))

            h.emulator.injectFault(FaultRule(kind: .rateLimit, pathPrefix: "/v1/me", retryAfter: 0, count: 2))
            #expect(try await spotify.currentUserProfile().id.rawValue == "maya")
            h.emulator.injectFault(FaultRule(kind: .status, pathPrefix: "/v1/me", status: 503, count: 2))
            #expect(try await spotify.currentUserProfile().id.rawValue == "maya")

            h.emulator.injectFault(FaultRule(kind: .rateLimit, pathPrefix: "/v1/me", retryAfter: 60, count: 1))
            let limited = await #expect(throws: SpotifyAPIError.self) { try await spotify.currentUserProfile() }
            #expect(limited?.code == .rateLimited)
            #expect(limited?.retryAfter == .seconds(60))

            let fresh = SpotifyClient(configuration: try configuration(h), authorization: TokenManager(tokens: tokens, refresher: flow))
            h.emulator.injectFault(FaultRule(kind: .malformedJSON, pathPrefix: "/v1/me", count: 1))
            let malformed = await #expect(throws: SpotifyAPIError.self) { try await fresh.currentUserProfile() }
            #expect(malformed?.code == .decoding)

            h.emulator.injectFault(FaultRule(kind: .drop, pathPrefix: "/v1/me", count: 5))
            let dropped = await #expect(throws: SpotifyAPIError.self) { try await fresh.currentUserProfile() }
            #expect(dropped?.code == .transport || dropped?.code == .timeout)
        }
    }

    @Test("an app-only client reads the catalog")
    func clientCredentials() async throws {
        try await Harness.run { h in
            let flow = try ClientCredentialsFlow(configuration: try configuration(h))
            let spotify = SpotifyClient(configuration: try configuration(h), authorization: ClientCredentialsAuthorization(flow: flow))
            let id = h.emulator.catalog.tracks[0].id
            let track = try await spotify.track(id: try TrackID(id))
            #expect(track.id?.rawValue == id)
            let artist = try await spotify.artist(id: try ArtistID(h.emulator.catalog.artists[0].id))
            #expect(artist.name == h.emulator.catalog.artists[0].name)
            let missing = await #expect(throws: SpotifyAPIError.self) { try await spotify.track(id: try TrackID("0000000000000000000000")) }
            #expect(missing?.code == .notFound)
        }
    }
}
