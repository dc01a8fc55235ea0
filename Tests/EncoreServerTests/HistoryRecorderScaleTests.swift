import Foundation
import SpotifyEmulator
import SpotifyWebAPI
import SpotifyWebAPITesting
import Testing

@testable import EncoreServer

/// What recording many listeners costs at Spotify: calls per listener per hour, counted by the
/// emulator over simulated hours (the clock is virtual, the calls are real HTTP).
///
/// scripts/test runs it with 100 listeners; `scripts/bench --history` with 10,000
/// (`ENCORE_BENCH_RECORDER_LISTENERS`), and prints the figure.
@Suite("Listening history: the recorder's cost", .timeLimit(.minutes(30)))
struct HistoryRecorderScaleTests {
    static var listeners: Int {
        ProcessInfo.processInfo.environment["ENCORE_BENCH_RECORDER_LISTENERS"].flatMap(Int.init) ?? 100
    }

    @Test("recording many listeners costs about 3.4 Spotify calls per listener per hour, never more than 4, with no poll falling behind")
    func callsPerListenerHour() async throws {
        let emulator = SpotifyEmulator(configuration: .init(seed: 7, simulatesListening: true))
        let clock = VirtualClock(start: Date())
        var options = AppHarness.Options()
        options.emulator = emulator
        options.clock = clock
        options.scopes = HistoryRecorderTests.scopes
        options.userRateLimit = 0
        try await AppHarness.run(options) { app in
            // One real sign-in; its grant stands in for every listener's (the emulator answers
            // each poll and refresh as it would for them).
            try await app.signIn(app.browser())
            let tokens = try #require(try await app.storedTokens("maya"))
            let vault = GrantVault(store: app.store, cipher: TokenCipher(key: app.key))
            let interval = app.recorder.configuration.interval.timeInterval
            let start = clock.now()
            for index in 0..<Self.listeners {
                let userID = "listener-\(index)"
                try await vault.save(tokens, userID: userID, now: start)
                try await app.store.history.ensureListener(userID: userID, timeZone: "UTC", now: start)
                // Signed in over the last interval: their first polls are spread, as in life.
                try await app.store.history.setRecording(userID: userID, true, firstPollAt: start.addingTimeInterval(.random(in: 0..<interval)))
            }
            func calls() -> (polls: Int, refreshes: Int) {
                let counters = emulator.counters
                return (
                    counters.requests.filter { $0.key.hasPrefix("GET /v1/me/player/recently-played") }.values.reduce(0, +),
                    counters.tokenGrants["refresh_token"] ?? 0
                )
            }
            // Two simulated hours in 30 s steps; the second is measured (the first has every
            // listener's first poll and first refresh).
            var measuredFrom = calls()
            var worstBacklog = RecorderBacklog(recording: 0, behind: 0, lagMs: 0)
            for step in 0..<240 {
                if step == 120 { measuredFrom = calls() }
                clock.advance(by: .seconds(30))
                emulator.advanceClock(by: .seconds(30))
                while await app.recorder.runOnce() > 0 {}
                let backlog = try await app.store.history.recorderBacklog(now: clock.now(), grace: .seconds(300))
                if backlog.behind > worstBacklog.behind { worstBacklog = backlog }
            }
            let end = calls()
            let polls = Double(end.polls - measuredFrom.polls) / Double(Self.listeners)
            let refreshes = Double(end.refreshes - measuredFrom.refreshes) / Double(Self.listeners)
            print(
                "recorder cost: \(Self.listeners) listeners, per listener-hour \(String(format: "%.2f", polls)) polls + \(String(format: "%.2f", refreshes)) refreshes = \(String(format: "%.2f", polls + refreshes)) calls; \(Int(((polls + refreshes) * Double(Self.listeners)).rounded())) calls per hour in all; most listeners behind at once: \(worstBacklog.behind)"
            )
            #expect(polls >= 2.2 && polls <= 2.8)
            #expect(polls + refreshes <= 4)
            #expect(worstBacklog.behind == 0)
        }
    }
}
