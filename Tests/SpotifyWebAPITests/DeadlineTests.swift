import Foundation
import SpotifyWebAPITesting
import Testing

@testable import SpotifyWebAPI

/// `timeout` is the budget of a whole call: attempts, back-off and Retry-After waits together.
@Suite("One deadline per call")
struct DeadlineTests {
    let ok = TransportResponse.json(200, #"{"id":"wizzler","type":"user","uri":"spotify:user:wizzler"}"#)

    func client(_ transport: ScriptedTransport, clock: VirtualClock, timeout: Duration) -> SpotifyClient<StaticAuthorization> {
        var configuration = testConfiguration
        configuration.timeout = timeout
        return SpotifyClient(configuration: configuration, authorization: StaticAuthorization(), transport: transport, clock: clock)
    }

    @Test("a Retry-After that would pass the deadline fails at once, carrying retryAfter")
    func retryAfterPastDeadline() async throws {
        let clock = VirtualClock()
        let transport = ScriptedTransport { _, _ in .json(429, "{}", headers: [("Retry-After", "8")]) }
        let error = await #expect(throws: SpotifyAPIError.self) {
            try await client(transport, clock: clock, timeout: .seconds(10)).currentUserProfile()
        }
        #expect(error?.code == .rateLimited)
        #expect(error?.retryAfter == .seconds(8))
        // One wait of 8 s fits in 10; the second would not, so it is not taken.
        #expect(clock.sleeps == [.seconds(8)])
        #expect(transport.count == 2)
    }

    @Test("each attempt gets what is left of the deadline, and back-off stops where the deadline is")
    func attemptsShareTheBudget() async throws {
        let clock = VirtualClock()
        let transport = ScriptedTransport { _, _ in .json(503, "{}", headers: [("Retry-After", "3")]) }
        let error = await #expect(throws: SpotifyAPIError.self) {
            try await client(transport, clock: clock, timeout: .seconds(7)).currentUserProfile()
        }
        #expect(error?.code == .server)
        // Dates carry about 0.1 µs of rounding at today's magnitude.
        let timeouts = transport.requests.map { ($0.timeout.timeInterval * 1000).rounded() }
        #expect(timeouts == [7_000, 4_000, 1_000])
        #expect(clock.sleeps.reduce(.zero, +) < .seconds(7))
    }

    @Test("an outer SpotifyDeadline is shared by several calls and caps each one")
    func outerDeadline() async throws {
        let clock = VirtualClock()
        let ok = self.ok
        let transport = ScriptedTransport { _, call in call == 0 ? .json(429, "{}", headers: [("Retry-After", "4")]) : ok }
        let spotify = client(transport, clock: clock, timeout: .seconds(10))
        let error = await #expect(throws: SpotifyAPIError.self) {
            try await SpotifyDeadline.run(until: clock.now().addingTimeInterval(3)) {
                try await spotify.currentUserProfile()
            }
        }
        #expect(error?.code == .rateLimited)
        #expect(transport.requests.first.map { ($0.timeout.timeInterval * 1000).rounded() } == 3_000)
        #expect(clock.sleeps.isEmpty)
        // Without the outer deadline the same wait fits.
        #expect(try await spotify.currentUserProfile().id.rawValue == "wizzler")
    }

    @Test("a call that starts after its deadline sends nothing")
    func pastDeadline() async throws {
        let clock = VirtualClock()
        let ok = self.ok
        let transport = ScriptedTransport { _, _ in ok }
        let spotify = client(transport, clock: clock, timeout: .seconds(10))
        let error = await #expect(throws: SpotifyAPIError.self) {
            try await SpotifyDeadline.run(until: clock.now().addingTimeInterval(-1)) { try await spotify.currentUserProfile() }
        }
        #expect(error?.code == .timeout)
        #expect(transport.count == 0)
    }
}
