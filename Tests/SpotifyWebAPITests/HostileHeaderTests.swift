import Foundation
import NIOCore
import PropertyBased
import SpotifyWebAPITesting
import Testing

@testable import SpotifyWebAPI

/// Whatever Spotify (or something posing as it) sends back, the client answers with a value or
/// a ``SpotifyAPIError``: no header, status or body may trap.
@Suite("Hostile answers from Spotify")
struct HostileHeaderTests {
    func client(_ transport: ScriptedTransport, clock: VirtualClock, gate: RateLimitGate) -> SpotifyClient<StaticAuthorization> {
        SpotifyClient(configuration: testConfiguration, authorization: StaticAuthorization(), transport: transport, clock: clock, rateLimitGate: gate)
    }

    @Test("a 429 with Retry-After: 10000000000 fails with a one-day retryAfter and pauses the app for at most an hour")
    func absurdRetryAfter() async throws {
        let clock = VirtualClock()
        let gate = RateLimitGate()
        let transport = ScriptedTransport { _, _ in
            .json(429, #"{"error":{"status":429,"message":"API rate limit exceeded"}}"#, headers: [("Retry-After", "10000000000")])
        }
        let error = await #expect(throws: SpotifyAPIError.self) { try await client(transport, clock: clock, gate: gate).currentUserProfile() }
        #expect(error?.code == .rateLimited)
        #expect(error?.retryAfter == .seconds(86_400))
        #expect(error?.description.contains("retry after 86400 s") == true)
        #expect(await gate.remainingWait(at: clock.now()) == .seconds(3600))
        // The next request meets the closed gate and fails at once, without trapping either.
        let next = await #expect(throws: SpotifyAPIError.self) { try await client(transport, clock: clock, gate: gate).currentUserProfile() }
        #expect(next?.retryAfter == .seconds(3600))
        #expect(transport.count == 1)
    }

    @Test(
        "Retry-After values are read as Spotify means them and capped",
        arguments: [
            ("0", Duration.zero), ("7", .seconds(7)), (" 12 ", .seconds(12)), ("1.5", .milliseconds(1500)),
            ("86401", .seconds(86_400)), ("99999999999999999999999", .seconds(86_400)),
        ])
    func readsRetryAfter(text: String, expected: Duration) {
        #expect(SpotifyAPIError.parseRetryAfter(text) == expected)
    }

    @Test(
        "Retry-After values that are not a delay are ignored",
        arguments: [
            "", "-1", "nan", "inf", "-inf", "Wed, 21 Oct 2026 07:28:00 GMT", "0x10", "1e3", "1.", ".5", "1.2.3", String(repeating: "9", count: 40),
        ])
    func ignoresNonsense(text: String) {
        #expect(SpotifyAPIError.parseRetryAfter(text) == nil)
    }

    @Test("any Retry-After text parses to nothing or to a delay between 0 and one day")
    func fuzzRetryAfter() async {
        let pieces = Gen<String?>.element(of: ["0", "7", "9", "12", " ", ".", "e", "-", "+", "E", "x", "inf", "nan", "99999999999"]).map { $0 ?? "" }
        await propertyCheck(count: 2_000, input: pieces.array(of: 0...12).map { $0.joined() }) { text in
            if let delay = SpotifyAPIError.parseRetryAfter(text) {
                #expect(delay >= .zero && delay <= .seconds(86_400))
            }
        }
    }

    @Test("saturating conversions never trap", arguments: [Double.nan, .infinity, -.infinity, 1e300, -1e300, 9.3e9, 0, 1.25])
    func saturatingInterval(seconds: Double) {
        let duration = Duration.interval(seconds)
        #expect(duration.timeInterval.isFinite)
        #expect(abs(duration.timeInterval) <= 9.3e9)
        _ = duration.secondsRoundedUp
        _ = Duration.seconds(Int64.max).secondsRoundedUp
    }

    @Test("any status, header and body becomes a value or a SpotifyAPIError")
    func fuzzAnswers() async {
        let text = Gen.character(in: " "..."~").string(of: 0...24)
        let names = Gen<String?>.element(of: ["Retry-After", "Content-Length", "ETag", "Content-Type", "WWW-Authenticate", "retry-after"]).map {
            $0 ?? ""
        }
        let bodies = Gen<String?>.element(of: [
            #"{"error":{"status":429,"message":"x","reason":"QUOTA_EXCEEDED"}}"#, #"{"error":"invalid_grant"}"#, "{", "[]", "null", #"{"id":1}"#,
            "\u{0}\u{1}\u{7f}", String(repeating: "{", count: 2_000), "<html>", "", #"{"id":"x","type":"user","uri":"spotify:user:x"}"#,
        ]).map { $0 ?? "" }
        await propertyCheck(count: 400, input: Gen.int(in: 100...999), names, text, bodies) { status, name, value, body in
            let clock = VirtualClock()
            let transport = ScriptedTransport { _, _ in TransportResponse.raw(status: status, headers: [(name, value)], body: body) }
            var configuration = testConfiguration
            configuration.retry = RetryPolicy(rateLimitBudget: .seconds(30), maxRetries: 1)
            let spotify = SpotifyClient(
                configuration: configuration, authorization: StaticAuthorization(), transport: transport, clock: clock, rateLimitGate: RateLimitGate()
            )
            do {
                _ = try await spotify.send(SpotifyRequest(path: "me"))
            } catch let error as SpotifyAPIError {
                #expect(!error.description.isEmpty)
                if let retryAfter = error.retryAfter { #expect(retryAfter <= .seconds(86_400)) }
            } catch {
                Issue.record("not a SpotifyAPIError: \(error)")
            }
            // Whatever it waited stays within the budget plus one back-off.
            #expect(clock.sleeps.reduce(.zero, +) <= .seconds(40))
        }
    }
}
