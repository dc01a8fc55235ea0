import Foundation
import SpotifyWebAPITesting
import Testing

@testable import SpotifyWebAPI

@Suite("Retry policy and the shared rate-limit gate")
struct RetryTests {
    let ok = TransportResponse.json(200, #"{"id":"wizzler","type":"user","uri":"spotify:user:wizzler"}"#)

    func client(
        _ transport: ScriptedTransport, clock: VirtualClock, gate: RateLimitGate = RateLimitGate(), retry: RetryPolicy = .default
    ) -> SpotifyClient<StaticAuthorization> {
        var configuration = testConfiguration
        configuration.retry = retry
        return SpotifyClient(
            configuration: configuration, authorization: StaticAuthorization(), transport: transport, clock: clock, rateLimitGate: gate)
    }

    @Test("429 waits exactly Retry-After, 0 included, then succeeds", arguments: [0, 1, 7])
    func obeysRetryAfter(seconds: Int) async throws {
        let clock = VirtualClock()
        let ok = self.ok
        let transport = ScriptedTransport { _, call in
            call == 0 ? .json(429, #"{"error":{"status":429,"message":"API rate limit exceeded"}}"#, headers: [("Retry-After", "\(seconds)")]) : ok
        }
        let user = try await client(transport, clock: clock).currentUserProfile()
        #expect(user.id.rawValue == "wizzler")
        #expect(transport.count == 2)
        #expect(clock.sleeps == [.seconds(seconds)])
    }

    @Test("a wait past the budget fails at once, carrying retryAfter")
    func budgetExceeded() async throws {
        let clock = VirtualClock()
        let transport = ScriptedTransport { _, _ in
            .json(429, #"{"error":{"status":429,"message":"API rate limit exceeded"}}"#, headers: [("Retry-After", "31")])
        }
        let error = await #expect(throws: SpotifyAPIError.self) { try await client(transport, clock: clock).currentUserProfile() }
        #expect(error?.code == .rateLimited)
        #expect(error?.retryAfter == .seconds(31))
        #expect(transport.count == 1)
        #expect(clock.sleeps.isEmpty)
    }

    @Test("waits add up against the budget")
    func budgetAccumulates() async throws {
        let clock = VirtualClock()
        let transport = ScriptedTransport { _, _ in .json(429, "{}", headers: [("Retry-After", "10")]) }
        // A call deadline longer than the rate-limit budget, so the budget is what ends the waits.
        var configuration = testConfiguration
        configuration.timeout = .seconds(60)
        let spotify = SpotifyClient(configuration: configuration, authorization: StaticAuthorization(), transport: transport, clock: clock)
        let error = await #expect(throws: SpotifyAPIError.self) { try await spotify.currentUserProfile() }
        #expect(error?.code == .rateLimited)
        #expect(clock.sleeps == [.seconds(10), .seconds(10), .seconds(10)])
        #expect(transport.count == 4)
    }

    @Test("a 429 pauses the other requests sharing the gate")
    func sharedGate() async throws {
        let clock = VirtualClock()
        let gate = RateLimitGate()
        let ok = self.ok
        let limited = ScriptedTransport { _, _ in .json(429, "{}", headers: [("Retry-After", "5")]) }
        let other = ScriptedTransport { _, _ in ok }
        let impatient = ScriptedTransport { _, _ in ok }
        // The first client may not wait at all, so it fails at once, but the gate closes for 5 s.
        let first = await #expect(throws: SpotifyAPIError.self) {
            try await client(limited, clock: clock, gate: gate, retry: RetryPolicy(rateLimitBudget: .zero)).currentUserProfile()
        }
        #expect(first?.retryAfter == .seconds(5))
        // A client with a 2 s budget fails fast without sending anything.
        let second = await #expect(throws: SpotifyAPIError.self) {
            try await client(impatient, clock: clock, gate: gate, retry: RetryPolicy(rateLimitBudget: .seconds(2))).currentUserProfile()
        }
        #expect(second?.code == .rateLimited)
        #expect(impatient.count == 0)
        // A patient client waits out the rest of the pause, then sends once.
        _ = try await client(other, clock: clock, gate: gate).currentUserProfile()
        #expect(clock.sleeps == [.seconds(5)])
        #expect(other.count == 1)
        #expect(limited.count == 1)
    }

    @Test("502/503/504 back off with jitter within bounds, for GETs", arguments: [502, 503, 504])
    func serverErrorsBackOff(status: Int) async throws {
        let clock = VirtualClock()
        let ok = self.ok
        let transport = ScriptedTransport { _, call in call < 2 ? .json(status, "{}") : ok }
        _ = try await client(transport, clock: clock).currentUserProfile()
        #expect(transport.count == 3)
        let sleeps = clock.sleeps
        #expect(sleeps.count == 2)
        #expect(sleeps[0] >= .milliseconds(100) && sleeps[0] <= .milliseconds(200))
        #expect(sleeps[1] >= .milliseconds(200) && sleeps[1] <= .milliseconds(400))
    }

    @Test("server errors end after the allowed retries")
    func serverErrorsGiveUp() async throws {
        let clock = VirtualClock()
        let transport = ScriptedTransport { _, _ in .json(503, #"{"error":{"status":503,"message":"Service unavailable"}}"#) }
        let error = await #expect(throws: SpotifyAPIError.self) { try await client(transport, clock: clock).currentUserProfile() }
        #expect(error?.code == .server)
        #expect(error?.status == 503)
        #expect(transport.count == 3)
    }

    @Test("a POST is not replayed after a 503 or a lost connection, but is after a refused connection")
    func postsAreNotReplayed() async throws {
        let clock = VirtualClock()
        let created = TransportResponse.json(201, #"{"id":"p","name":"n","uri":"spotify:playlist:p"}"#)
        let unavailable = ScriptedTransport { _, _ in .json(503, "{}") }
        await #expect(throws: SpotifyAPIError.self) { try await client(unavailable, clock: clock).createPlaylist(name: "n") }
        #expect(unavailable.count == 1)

        let lost = ScriptedTransport { _, _ in throw TransportFailure.connectionLost }
        let lostError = await #expect(throws: SpotifyAPIError.self) { try await client(lost, clock: clock).createPlaylist(name: "n") }
        #expect(lostError?.code == .transport)
        #expect(lost.count == 1)

        let refused = ScriptedTransport { _, call in
            if call == 0 { throw TransportFailure.connectionFailed }
            return created
        }
        let playlist = try await client(refused, clock: clock).createPlaylist(name: "n")
        #expect(playlist.id.rawValue == "p")
        #expect(refused.count == 2)
    }

    @Test("400, 401, 403 and 404 return at once", arguments: [400, 401, 403, 404])
    func clientErrorsAreFinal(status: Int) async throws {
        let clock = VirtualClock()
        let transport = ScriptedTransport { _, _ in .json(status, #"{"error":{"status":\#(status),"message":"x"}}"#) }
        await #expect(throws: SpotifyAPIError.self) { try await client(transport, clock: clock).currentUserProfile() }
        #expect(transport.count == 1)
        #expect(clock.sleeps.isEmpty)
    }

    @Test("a timeout becomes .timeout after retries")
    func timeouts() async throws {
        let clock = VirtualClock()
        let transport = ScriptedTransport { _, _ in throw TransportFailure.timedOut }
        let error = await #expect(throws: SpotifyAPIError.self) { try await client(transport, clock: clock).currentUserProfile() }
        #expect(error?.code == .timeout)
        #expect(transport.count == 3)
    }

    @Test("a 403 for a scope the token lacks becomes insufficientScope")
    func insufficientScope() async throws {
        let clock = VirtualClock()
        let transport = ScriptedTransport { _, _ in .json(403, #"{"error":{"status":403,"message":"Insufficient client scope"}}"#) }
        let error = await #expect(throws: SpotifyAPIError.self) { try await client(transport, clock: clock).savedTracks() }
        #expect(error?.code == .insufficientScope)
    }

    @Test(
        "a 403 on an either-scope endpoint is insufficientScope only when the token has neither",
        arguments: [
            ([Scope](), SpotifyAPIError.Code.insufficientScope), ([.playlistModifyPublic], .forbidden), ([.playlistModifyPrivate], .forbidden),
        ])
    func alternativeScopes(granted: [Scope], expected: SpotifyAPIError.Code) async throws {
        let transport = ScriptedTransport { _, _ in .json(403, #"{"error":{"status":403,"message":"Forbidden"}}"#) }
        let spotify = SpotifyClient(
            configuration: testConfiguration, authorization: StaticAuthorization(scopes: Set(granted)), transport: transport, clock: VirtualClock()
        )
        let error = await #expect(throws: SpotifyAPIError.self) {
            try await spotify.addItems([try SpotifyURI("spotify:track:" + base62ID(1))], to: try PlaylistID(base62ID(2)))
        }
        #expect(error?.code == expected)
    }

    @Test("back-off delay: equal jitter, doubling, capped")
    func backoffArithmetic() {
        let policy = RetryPolicy(baseDelay: .milliseconds(100), maxDelay: .seconds(1))
        #expect(policy.backoffDelay(attempt: 1, unitRandom: 0) == .milliseconds(50))
        #expect(policy.backoffDelay(attempt: 1, unitRandom: 1) == .milliseconds(100))
        #expect(policy.backoffDelay(attempt: 3, unitRandom: 0) == .milliseconds(200))
        #expect(policy.backoffDelay(attempt: 10, unitRandom: 1) == .seconds(1))
        #expect(policy.backoffDelay(attempt: 10, unitRandom: 0) == .milliseconds(500))
    }

    @Test("limits and offsets out of range fail before sending", arguments: [(0, 0), (51, 0), (20, -1)])
    func validation(limit: Int, offset: Int) async throws {
        let clock = VirtualClock()
        let transport = ScriptedTransport { _, _ in .json(200, "{}") }
        let error = await #expect(throws: SpotifyAPIError.self) {
            try await client(transport, clock: clock).currentUserTopTracks(limit: limit, offset: offset)
        }
        #expect(error?.code == .invalidRequest)
        #expect(transport.count == 0)
    }
}
