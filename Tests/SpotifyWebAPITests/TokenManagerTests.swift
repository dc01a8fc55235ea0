import Foundation
import SpotifyWebAPITesting
import Synchronization
import Testing

@testable import SpotifyWebAPI

/// Counts refreshes and answers like the token endpoint would, suspending meanwhile so
/// concurrent callers pile up behind the first.
final class CountingRefresher: TokenRefresher {
    let calls = Atomic<Int>(0)
    let clock: VirtualClock
    let rotate: Bool
    let failure: SpotifyAPIError?

    init(clock: VirtualClock, rotate: Bool = false, failure: SpotifyAPIError? = nil) {
        self.clock = clock
        self.rotate = rotate
        self.failure = failure
    }

    func refresh(_ tokens: UserTokens) async throws -> UserTokens {
        let n = calls.add(1, ordering: .relaxed).newValue
        for _ in 0..<50 { await Task.yield() }
        if let failure { throw failure }
        var fresh = tokens
        fresh.accessToken = AccessToken("access-\(n + 1)")
        if rotate { fresh.refreshToken = RefreshToken("refresh-\(n + 1)") }
        fresh.expiresAt = clock.now().addingTimeInterval(3600)
        return fresh
    }
}

@Suite("Token manager")
struct TokenManagerTests {
    @Test("100 concurrent callers on an expired token cause exactly one refresh")
    func singleFlight() async throws {
        let clock = VirtualClock()
        let refresher = CountingRefresher(clock: clock)
        let manager = TokenManager(tokens: sampleTokens(now: clock.now(), expiresIn: -10), refresher: refresher, clock: clock)
        let tokens = try await withThrowingTaskGroup(of: AccessToken.self) { group in
            for _ in 0..<100 { group.addTask { try await manager.accessToken() } }
            return try await group.reduce(into: [AccessToken]()) { $0.append($1) }
        }
        #expect(refresher.calls.load(ordering: .relaxed) == 1)
        #expect(Set(tokens) == [AccessToken("access-2")])
    }

    @Test("the leeway boundary: refresh at expiry minus 60 s, not a second before")
    func leeway() async throws {
        let clock = VirtualClock()
        let refresher = CountingRefresher(clock: clock)
        let manager = TokenManager(tokens: sampleTokens(now: clock.now(), expiresIn: 120), refresher: refresher, clock: clock)
        clock.advance(by: .seconds(59))
        #expect(try await manager.accessToken() == AccessToken("access-1"))
        #expect(refresher.calls.load(ordering: .relaxed) == 0)
        clock.advance(by: .seconds(1))
        #expect(try await manager.accessToken() == AccessToken("access-2"))
        #expect(refresher.calls.load(ordering: .relaxed) == 1)
    }

    @Test("a rotated refresh token is persisted before the new access token is handed out")
    func rotationPersistsFirst() async throws {
        let clock = VirtualClock()
        let stored = Mutex<[UserTokens]>([])
        let manager = TokenManager(
            tokens: sampleTokens(now: clock.now(), expiresIn: 0),
            refresher: PersistingRefresher(CountingRefresher(clock: clock, rotate: true)) { tokens in stored.withLock { $0.append(tokens) } },
            clock: clock
        )
        let token = try await manager.accessToken()
        let persisted = try #require(stored.withLock { $0.last })
        #expect(persisted.accessToken == token)
        #expect(persisted.refreshToken == RefreshToken("refresh-2"))
        #expect(await manager.tokens.refreshToken == RefreshToken("refresh-2"))
    }

    @Test("a failing store keeps the new token from being used")
    func persistFailureStopsUse() async throws {
        struct DiskFull: Error {}
        let clock = VirtualClock()
        let manager = TokenManager(
            tokens: sampleTokens(now: clock.now(), expiresIn: 0),
            refresher: PersistingRefresher(CountingRefresher(clock: clock, rotate: true)) { _ in throw DiskFull() },
            clock: clock
        )
        await #expect(throws: DiskFull.self) { try await manager.accessToken() }
        #expect(await manager.tokens.accessToken == AccessToken("access-1"))
    }

    @Test(
        "an omitted refresh token keeps the old one; a rotated one replaces it",
        arguments: [
            ("token.refresh-no-new-refresh-token", "refresh-1"), ("token.refresh-with-new-refresh-token", "AQBx7...new...Qw"),
        ])
    func keepsNewestRefreshToken(fixture: String, expected: String) async throws {
        let clock = VirtualClock()
        let transport = ScriptedTransport { _, _ in .json(200, try Fixture.string(fixture)) }
        let flow = try AuthorizationCodeFlow(configuration: testConfiguration, transport: transport, clock: clock)
        let original = sampleTokens(now: clock.now().addingTimeInterval(-86_400), expiresIn: 0)
        let refreshed = try await flow.refresh(original)
        #expect(refreshed.refreshToken == RefreshToken(expected))
        #expect(refreshed.accessToken == AccessToken("BQCn9a...x1_2Lz"))
        #expect(refreshed.grantedAt == original.grantedAt)
        #expect(refreshed.expiresAt == clock.now().addingTimeInterval(3600))
        #expect(transport.requests.first?.formFields["grant_type"] == "refresh_token")
        #expect(transport.requests.first?.formFields["refresh_token"] == "refresh-1")
    }

    @Test("invalid_grant means reauthorization: no retry, and no further calls to Spotify")
    func invalidGrant() async throws {
        let clock = VirtualClock()
        let transport = ScriptedTransport { _, _ in .json(400, #"{"error":"invalid_grant","error_description":"Refresh token revoked"}"#) }
        let flow = try AuthorizationCodeFlow(configuration: testConfiguration, transport: transport, clock: clock)
        let manager = TokenManager(tokens: sampleTokens(now: clock.now(), expiresIn: 0), refresher: flow, clock: clock)
        for _ in 0..<3 {
            let error = await #expect(throws: SpotifyAPIError.self) { try await manager.accessToken() }
            #expect(error?.code == .reauthorizationRequired)
        }
        #expect(transport.count == 1)
        #expect(clock.sleeps.isEmpty)
    }

    @Test("a 401 from the Web API forces one refresh and one retry of that request")
    func unauthorizedRefreshesOnce() async throws {
        let clock = VirtualClock()
        let refresher = CountingRefresher(clock: clock)
        let manager = TokenManager(tokens: sampleTokens(now: clock.now()), refresher: refresher, clock: clock)
        let transport = ScriptedTransport { request, _ in
            request.header("Authorization") == "Bearer access-2"
                ? .json(200, #"{"id":"wizzler","uri":"spotify:user:wizzler"}"#)
                : .json(401, #"{"error":{"status":401,"message":"Missing/invalid/expired access token"}}"#)
        }
        let client = SpotifyClient(configuration: testConfiguration, authorization: manager, transport: transport, clock: clock)
        #expect(try await client.currentUserProfile().id.rawValue == "wizzler")
        #expect(transport.count == 2)
        #expect(refresher.calls.load(ordering: .relaxed) == 1)
    }

    @Test("a second 401 after the refresh is final")
    func unauthorizedTwice() async throws {
        let clock = VirtualClock()
        let refresher = CountingRefresher(clock: clock)
        let manager = TokenManager(tokens: sampleTokens(now: clock.now()), refresher: refresher, clock: clock)
        let transport = ScriptedTransport { _, _ in .json(401, #"{"error":{"status":401,"message":"Missing/invalid/expired access token"}}"#) }
        let client = SpotifyClient(configuration: testConfiguration, authorization: manager, transport: transport, clock: clock)
        let error = await #expect(throws: SpotifyAPIError.self) { try await client.currentUserProfile() }
        #expect(error?.code == .unauthorized)
        #expect(transport.count == 2)
        #expect(refresher.calls.load(ordering: .relaxed) == 1)
    }

    @Test("the grant's end is six calendar months after consent")
    func grantLifetime() throws {
        let consent = try #require(SpotifyJSON.parseDate("2026-01-31T12:00:00Z"))
        let tokens = UserTokens(accessToken: AccessToken("a"), refreshToken: nil, expiresAt: consent, scopes: [], grantedAt: consent)
        #expect(tokens.grantExpiresAt == SpotifyJSON.parseDate("2026-07-31T12:00:00Z"))
    }
}
