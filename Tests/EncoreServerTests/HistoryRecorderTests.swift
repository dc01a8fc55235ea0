import Foundation
import SpotifyEmulator
import SpotifyWebAPI
import SpotifyWebAPITesting
import Testing

@testable import EncoreServer

/// The recorder against the emulator's listening simulation: every play once, one poller per
/// listener across instances, and no polling without a grant.
@Suite("Listening history: the recorder", .timeLimit(.minutes(5)))
struct HistoryRecorderTests {
    static let scopes: [Scope] = [.userReadEmail, .userReadPrivate, .userTopRead, .playlistModifyPrivate, .userReadRecentlyPlayed]

    static func options(
        _ database: DatabaseLocation = .sqliteMemory, emulator: SpotifyEmulator, clock: VirtualClock = VirtualClock(start: Date())
    )
        -> AppHarness.Options
    {
        var options = AppHarness.Options()
        options.database = database
        options.emulator = emulator
        options.clock = clock
        options.scopes = scopes
        return options
    }

    /// The plays recently played shows (30 s or more) that ended in `[from, to]`, by second.
    static func expected(_ emulator: SpotifyEmulator, _ user: String, from: Date, to: Date) -> [Int64] {
        emulator.simulatedPlays(of: user, in: DateInterval(start: from, end: to.addingTimeInterval(0.001)))
            .filter { $0.msPlayed >= 30_000 }.map { Int64($0.playedAt.timeIntervalSince1970) }
    }

    static func recorded(_ store: SQLEncoreStore, _ userID: String) async throws -> [Play] {
        try await store.history.plays(userID: userID, limit: 100_000)
    }

    static let everything = (LocalDate(parsing: "2000-01-01") ?? LocalDate(dayNumber: 0), LocalDate(parsing: "2099-12-31") ?? LocalDate(dayNumber: 0))

    @Test("signed in with the scope, a listener's plays are recorded as they happen, each once, until they sign out")
    func recordsEveryPlayOnce() async throws {
        let emulator = SpotifyEmulator(configuration: .init(seed: 7, simulatesListening: true))
        try await AppHarness.run(Self.options(emulator: emulator)) { app in
            let browser = app.browser()
            try await app.signIn(browser)
            let maya = try await app.stableID("maya")
            let listener = try #require(try await app.store.history.listener(userID: maya))
            #expect(listener.recording)
            #expect(listener.timeZone == "Europe/London")

            // The first poll takes the 50 plays Spotify keeps.
            let startedAt = emulator.now
            #expect(await app.recorder.runOnce() == 1)
            let first = try await Self.recorded(app.store, maya)
            #expect(first.count == 50)
            #expect(first.allSatisfy { $0.source == .recorded && $0.item.durationMs != nil && $0.item.artists != nil })
            // Not due again yet: nothing happens.
            #expect(await app.recorder.runOnce() == 0)

            // A day passes for Spotify and for Encore, polled every two hours (recently played
            // keeps 50 plays, more than two hours' worth): every new play arrives, once.
            var lastPoll = emulator.now
            for _ in 0..<12 {
                emulator.advanceClock(by: .seconds(7_200))
                app.clock.advance(by: .seconds(7_200))
                lastPoll = emulator.now
                #expect(await app.recorder.runOnce() == 1)
            }
            let all = try await Self.recorded(app.store, maya)
            let firstSecond = Int64(Double(try #require(all.first).playedAtMs) / 1000)
            // (A play may end in the moment between reading the clock and the poll.)
            let expected = Self.expected(emulator, "maya", from: Date(timeIntervalSince1970: TimeInterval(firstSecond)), to: lastPoll)
            #expect(all.map { $0.playedAtMs / 1000 }.filter { $0 <= Int64(lastPoll.timeIntervalSince1970) } == expected)
            #expect(all.count > 50 + 40)
            #expect(expected.last.map { $0 >= Int64(startedAt.timeIntervalSince1970) } == true)
            let report = try await app.store.history.report(userID: maya, from: Self.everything.0, to: Self.everything.1)
            #expect(report.plays == all.count)
            let polls = String(decoding: app.metrics.exposition(), as: UTF8.self)
            #expect(polls.contains(#"encore_history_polls_total{outcome="ok"} 13"#))

            // Signing out stops the recorder; the history stays.
            let csrf = try #require(try await browser.csrfToken())
            #expect(try await browser.post("/logout", form: [("csrf_token", csrf)]).status == 303)
            let after = try #require(try await app.store.history.listener(userID: maya))
            #expect(!after.recording)
            app.clock.advance(by: .seconds(3_600))
            #expect(await app.recorder.runOnce() == 0)
            #expect(try await Self.recorded(app.store, maya).count == all.count)
        }
    }

    @Test("without the scope nothing is polled; a grant Spotify revoked stops the recorder for that listener")
    func stopsWithoutAGrant() async throws {
        let emulator = SpotifyEmulator(configuration: .init(seed: 7, simulatesListening: true))
        var options = Self.options(emulator: emulator)
        options.scopes = [.userReadPrivate, .userTopRead]
        try await AppHarness.run(options) { app in
            try await app.signIn(app.browser())
            let maya = try await app.stableID("maya")
            #expect(try await app.store.history.listener(userID: maya)?.recording == false)
            #expect(await app.recorder.runOnce() == 0)
            // Recording turned on although the grant lacks the scope: Spotify refuses, the recorder stops.
            try await app.store.history.setRecording(userID: maya, true, firstPollAt: app.clock.now())
            #expect(await app.recorder.runOnce() == 1)
            let listener = try #require(try await app.store.history.listener(userID: maya))
            #expect(!listener.recording)
            #expect(listener.lastPollOutcome == RecorderOutcome(rawValue: "missing_scope"))
        }
        try await AppHarness.run(Self.options(emulator: emulator)) { app in
            try await app.signIn(app.browser())
            let maya = try await app.stableID("maya")
            #expect(emulator.revokeGrants(of: "maya") > 0)
            // The access token expires, the refresh is refused: the grant is gone.
            app.clock.advance(by: .seconds(7_200))
            emulator.advanceClock(by: .seconds(7_200))
            #expect(await app.recorder.runOnce() == 1)
            let listener = try #require(try await app.store.history.listener(userID: maya))
            #expect(!listener.recording)
            #expect(listener.lastPollOutcome == RecorderOutcome(rawValue: "signed_out"))
        }
    }

    @Test("Spotify's Retry-After puts the next poll back; a failing Spotify is tried again soon, nothing lost")
    func respectsRetryAfter() async throws {
        let emulator = SpotifyEmulator(configuration: .init(seed: 7, simulatesListening: true))
        try await AppHarness.run(Self.options(emulator: emulator)) { app in
            try await app.signIn(app.browser())
            let maya = try await app.stableID("maya")
            emulator.injectFault(FaultRule(kind: .rateLimit, pathPrefix: "/v1/me/player/recently-played", retryAfter: 600, count: 1))
            #expect(await app.recorder.runOnce() == 1)
            let limited = try #require(try await app.store.history.listener(userID: maya))
            #expect(limited.lastPollOutcome == RecorderOutcome(rawValue: "rate_limited"))
            let wait = Double(try #require(limited.nextPollMs)) / 1000 - app.clock.now().timeIntervalSince1970
            #expect(wait >= 600 && wait <= 606)
            app.clock.advance(by: .seconds(300))
            #expect(await app.recorder.runOnce() == 0)
            emulator.injectFault(FaultRule(kind: .status, pathPrefix: "/v1/me/player/recently-played", status: 500, count: 10))
            app.clock.advance(by: .seconds(306))
            #expect(await app.recorder.runOnce() == 1)
            let failed = try #require(try await app.store.history.listener(userID: maya))
            #expect(failed.lastPollOutcome == RecorderOutcome(rawValue: "failed"))
            #expect(failed.recording)
            #expect(try await Self.recorded(app.store, maya).isEmpty)
            emulator.clearFaults()
            app.clock.advance(by: .seconds(451))
            #expect(await app.recorder.runOnce() == 1)
            #expect(try await Self.recorded(app.store, maya).count == 50)
        }
    }

    @Test(
        "two instances on one PostgreSQL poll each listener exactly once per round; a dead instance's lease passes on",
        .enabled(if: ScratchPostgres.isAvailable))
    func oneInstancePerListener() async throws {
        try await ScratchPostgres.with { url, _ in
            let emulator = SpotifyEmulator(configuration: .init(seed: 7, simulatesListening: true))
            let clock = VirtualClock(start: Date())
            let options = Self.options(.postgres(url: url), emulator: emulator, clock: clock)
            try await AppHarness.run(options) { a in
                try await AppHarness.run(options) { b in
                    let users = ["maya", "jonas", "priya", "lucas", "sofia"]
                    for user in users { try await a.signIn(a.browser(), as: user) }
                    func recentlyPlayedCalls() -> Int {
                        emulator.counters.requests.filter { $0.key.hasPrefix("GET /v1/me/player/recently-played") }.values.reduce(0, +)
                    }
                    var lastPoll = emulator.now
                    for round in 0..<4 {
                        let before = recentlyPlayedCalls()
                        async let polledByA = a.recorder.runOnce()
                        async let polledByB = b.recorder.runOnce()
                        let (byA, byB) = await (polledByA, polledByB)
                        #expect(byA + byB == users.count, "round \(round): \(byA) + \(byB)")
                        #expect(recentlyPlayedCalls() - before == users.count)
                        emulator.advanceClock(by: .seconds(3_600))
                        clock.advance(by: .seconds(3_600))
                    }
                    // An instance claims everyone and dies: nobody polls them until its lease ends.
                    let dead = try await a.store.history.claimDuePolls(
                        holder: "dead-instance", now: clock.now(), until: clock.now().addingTimeInterval(120), limit: 100)
                    #expect(dead.count == users.count)
                    #expect(await b.recorder.runOnce() == 0)
                    clock.advance(by: .seconds(121))
                    lastPoll = emulator.now
                    #expect(await b.recorder.runOnce() == users.count)
                    for user in users {
                        let id = try await a.stableID(user)
                        let plays = try await Self.recorded(a.store, id)
                        #expect(Set(plays.map(\.playedAtMs)).count == plays.count)
                        let first = try #require(plays.first)
                        let expected = Self.expected(
                            emulator, user, from: Date(timeIntervalSince1970: TimeInterval(first.playedAtMs / 1000)), to: lastPoll)
                        #expect(plays.map { $0.playedAtMs / 1000 }.filter { $0 <= Int64(lastPoll.timeIntervalSince1970) } == expected, "\(user)")
                    }
                }
            }
        }
    }
}
