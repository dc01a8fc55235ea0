import Foundation
import Testing

@testable import EncoreServer

/// The history's store on every engine: plays stored once, rollups that always agree with the
/// plays, stats checked against a history small enough to count by hand.
@Suite("Listening history: storage and stats", .timeLimit(.minutes(5)))
struct HistoryStoreTests {
    static var engines: [DatabaseLocation] { StoreContractTests.engines }

    static func item(_ name: String, artist: String, album: String) -> PlayedItem {
        let id = String(HistoryID.of(name).magnitude, radix: 36)
        let uri = "spotify:track:" + String((id + String(repeating: "0", count: 22)).prefix(22))
        return PlayedItem(uri: uri, kind: .track, name: name, artist: artist, album: album)
    }

    static let trackA = item("A", artist: "X", album: "First")
    static let trackB = item("B", artist: "X", album: "First")
    static let trackC = item("C", artist: "Y", album: "Second")

    static func play(_ iso: String, _ item: PlayedItem, _ ms: Int, source: PlaySource = .imported) -> Play {
        Play(playedAtMs: Timestamp.unixMilliseconds(iso) ?? 0, msPlayed: ms, item: item, source: source)
    }

    /// Seven plays around Berlin's switch to summer time (2025-03-30, 01:00 UTC).
    static let small = [
        play("2025-03-29T22:30:00Z", trackA, 200_000),  // Sat 29 23:30
        play("2025-03-29T23:10:00Z", trackB, 20_000),  // Sun 30 00:10, short
        play("2025-03-30T01:30:00Z", trackA, 180_000),  // Sun 30 03:30 (summer time)
        play("2025-03-30T21:59:00Z", trackC, 240_000),  // Sun 30 23:59
        play("2025-03-30T22:01:00Z", trackA, 100_000),  // Mon 31 00:01
        play("2025-04-01T10:00:00Z", trackB, 30_000),  // Tue 1 Apr 12:00, exactly 30 s: counted
        play("2025-02-14T12:00:00Z", trackC, 60_000),  // Fri 14 Feb 13:00
    ]

    static func date(_ text: String) -> LocalDate { LocalDate(parsing: text) ?? LocalDate(dayNumber: 0) }

    @Test("a history counted by hand: totals, days, hours, weekdays, top tracks, artists and albums, across a DST switch", arguments: engines)
    func handCounted(location: DatabaseLocation) async throws {
        try await StoreContractTests.withStore(location) { store in
            let user = StoreContractTests.unique("hand")
            let history = store.history
            try await history.ensureListener(userID: user, timeZone: "Europe/Berlin", now: Date())
            let outcome = try await history.record(Self.small, userID: user)
            #expect(outcome == RecordOutcome(added: 7, duplicates: 0))

            let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
            for report in [
                try await history.report(userID: user, from: Self.date("2025-03-30"), to: Self.date("2025-03-31")),
                try await history.computedReport(userID: user, from: Self.date("2025-03-30"), to: Self.date("2025-03-31"), timeZone: berlin),
            ] {
                #expect(report.plays == 3)
                #expect(report.shortPlays == 1)
                #expect(report.msPlayed == 540_000)
                #expect(report.minutes == 9)
                #expect(report.tracks == 3)
                #expect(report.artists == 2)
                #expect(report.chart.unit == .day)
                #expect(report.chart.points.map(\.start.description) == ["2025-03-30", "2025-03-31"])
                #expect(report.chart.points.map(\.plays) == [2, 1])
                #expect(report.chart.points.map(\.msPlayed) == [440_000, 100_000])
                #expect(report.hours[0] == HistoryAmount(plays: 1, msPlayed: 120_000))
                #expect(report.hours[3] == HistoryAmount(plays: 1, msPlayed: 180_000))
                #expect(report.hours[23] == HistoryAmount(plays: 1, msPlayed: 240_000))
                #expect(report.hours.reduce(0) { $0 + $1.msPlayed } == 540_000)
                #expect(report.weekdays[6] == HistoryAmount(plays: 2, msPlayed: 440_000))
                #expect(report.weekdays[0] == HistoryAmount(plays: 1, msPlayed: 100_000))
                #expect(report.topTracks.byPlays.map(\.name) == ["A", "C"])
                #expect(report.topTracks.byPlays.map(\.plays) == [2, 1])
                #expect(report.topTracks.byMinutes.map(\.name) == ["A", "C", "B"])
                #expect(report.topTracks.byMinutes.map(\.msPlayed) == [280_000, 240_000, 20_000])
                #expect(report.topTracks.byPlays.first?.firstPlayedAt == Date(unixMilliseconds: Self.small[0].playedAtMs))
                #expect(report.topTracks.byPlays.first?.latestPlayedAt == Date(unixMilliseconds: Self.small[4].playedAtMs))
                #expect(report.topArtists.byPlays.map(\.name) == ["X", "Y"])
                #expect(report.topArtists.byPlays.map(\.msPlayed) == [300_000, 240_000])
                #expect(report.topAlbums.byPlays.map(\.name) == ["First", "Second"])
                #expect(report.topAlbums.byPlays.map(\.artist) == ["X", "Y"])
                #expect(report.firstPlayAt == Date(unixMilliseconds: Self.small[1].playedAtMs))
                #expect(report.latestPlayAt == Date(unixMilliseconds: Self.small[4].playedAtMs))
            }
            // Whole months (the monthly rollup) and the whole history (the all-time rollup).
            for (from, to) in [("2025-02-01", "2025-04-30"), ("2020-01-01", "2030-12-31")] {
                let report = try await history.report(userID: user, from: Self.date(from), to: Self.date(to))
                #expect(report.plays == 6)
                #expect(report.shortPlays == 1)
                #expect(report.msPlayed == 830_000)
                #expect(report.topTracks.byPlays.map(\.plays) == [3, 2, 1])
                #expect(report == (try await history.computedReport(userID: user, from: Self.date(from), to: Self.date(to), timeZone: berlin)))
            }
            // A period with nothing in it, and a listener with no history.
            let empty = try await history.report(userID: user, from: Self.date("2025-01-01"), to: Self.date("2025-01-07"))
            #expect(empty.plays == 0 && empty.chart.points.count == 7 && empty.topTracks.byMinutes.isEmpty)
            #expect(try await history.report(userID: "nobody-\(user)", from: Self.date("2025-01-01"), to: Self.date("2025-01-07")).plays == 0)
        }
    }

    @Test("a play stored twice, or recorded and imported, counts once; the rollups move only by what was stored", arguments: engines)
    func storedOnce(location: DatabaseLocation) async throws {
        try await StoreContractTests.withStore(location) { store in
            let user = StoreContractTests.unique("once")
            let history = store.history
            try await history.ensureListener(userID: user, timeZone: "UTC", now: Date())
            #expect(try await history.record(Self.small, userID: user).added == 7)
            let before = try await history.report(userID: user, from: Self.date("2025-01-01"), to: Self.date("2025-12-31"))
            // The same file again.
            #expect(try await history.record(Self.small, userID: user) == RecordOutcome(added: 0, duplicates: 7))
            // The recorder's view of the same plays: milliseconds later, and the same play twice in one batch.
            let recorded = Self.small.map { play in
                var copy = play
                copy.playedAtMs += 743
                copy.source = .recorded
                return copy
            }
            #expect(try await history.record(recorded + recorded, userID: user) == RecordOutcome(added: 0, duplicates: 14))
            // A new play of a known track, 40 s after another play of it, is a new play.
            let again = Self.play("2025-03-29T22:30:40Z", Self.trackA, 35_000)
            #expect(try await history.record([again], userID: user).added == 1)
            let after = try await history.report(userID: user, from: Self.date("2025-01-01"), to: Self.date("2025-12-31"))
            #expect(after.plays == before.plays + 1)
            #expect(after.msPlayed == before.msPlayed + 35_000)
            let utc = try #require(TimeZone(identifier: "UTC"))
            #expect(
                after == (try await history.computedReport(userID: user, from: Self.date("2025-01-01"), to: Self.date("2025-12-31"), timeZone: utc)))
        }
    }

    /// A pseudo-random history (a seeded generator) of a listener in a half-hour zone.
    static func randomPlays(count: Int, seed: UInt64) -> [Play] {
        var state = seed
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        let items = (0..<40).map { item("T\($0)", artist: "Artist \($0 % 7)", album: "Album \($0 % 11)") }
        let start: Int64 = 1_671_062_400_000  // 2022-12-15
        let span: Int64 = 790 * 86_400_000
        return (0..<count).map { _ in
            Play(
                playedAtMs: start + Int64(next() % UInt64(span)), msPlayed: Int(next() % 400_000),
                item: items[Int(next() % UInt64(items.count))], source: .imported)
        }
    }

    @Test("the rollups agree with the plays for every kind of period, in a half-hour zone", arguments: engines)
    func rollupsAgree(location: DatabaseLocation) async throws {
        try await StoreContractTests.withStore(location) { store in
            let user = StoreContractTests.unique("agree")
            let history = store.history
            try await history.ensureListener(userID: user, timeZone: "America/St_Johns", now: Date())
            let plays = Self.randomPlays(count: 3_000, seed: 42)
            // In batches of uneven size, as a recorder and several imports would write them.
            var added = 0
            for chunk in plays.chunked(777) { added += try await history.record(Array(chunk), userID: user).added }
            #expect(added == HistoryStore.deduplicated(plays).count)
            let zone = try #require(TimeZone(identifier: "America/St_Johns"))
            let periods = [
                ("2000-01-01", "2099-12-31"), ("2023-01-01", "2023-12-31"), ("2023-03-15", "2024-07-20"), ("2024-02-01", "2024-02-29"),
                ("2023-03-12", "2023-03-12"), ("2022-12-31", "2023-01-01"), ("2022-12-20", "2025-01-10"), ("2023-11-05", "2024-03-10"),
                // Open at one end: before the first play, or past the latest.
                ("2021-01-01", "2023-06-30"), ("2024-03-15", "2030-01-01"), ("2024-11-20", "2025-12-31"), ("2020-05-05", "2022-12-31"),
            ]
            for (from, to) in periods {
                let fromRollups = try await history.report(userID: user, from: Self.date(from), to: Self.date(to))
                let fromPlays = try await history.computedReport(userID: user, from: Self.date(from), to: Self.date(to), timeZone: zone)
                #expect(fromRollups == fromPlays, "\(from) – \(to)")
            }
        }
    }

    @Test("changing the time zone counts every day again in the new zone", arguments: engines)
    func rezoning(location: DatabaseLocation) async throws {
        try await StoreContractTests.withStore(location) { store in
            let user = StoreContractTests.unique("zone")
            let history = store.history
            let listener = try await history.ensureListener(userID: user, timeZone: "UTC", now: Date())
            _ = try await history.record(Self.randomPlays(count: 800, seed: 7), userID: user)
            // Packs made in the old zone must not be read in the new one.
            for (from, to) in [("2023-01-01", "2023-12-31"), ("2024-05-03", "2024-05-03"), ("2020-01-01", "2030-01-01")] {
                _ = try await history.report(userID: user, from: Self.date(from), to: Self.date(to))
            }
            #expect(try await !Self.packsByUnit(history, user).isEmpty)
            #expect(try await history.setTimeZone(userID: user, "Asia/Kolkata"))
            #expect(try await history.setTimeZone(userID: user, "Asia/Kolkata") == false)
            await #expect(throws: HistoryStore.WriteRefused.self) { try await history.setTimeZone(userID: user, "Mars/Olympus") }
            #expect(try await history.listener(userID: user)?.generation == listener.generation + 1)
            let kolkata = try #require(TimeZone(identifier: "Asia/Kolkata"))
            for (from, to) in [("2023-01-01", "2023-12-31"), ("2024-05-03", "2024-05-03"), ("2020-01-01", "2030-01-01")] {
                let report = try await history.report(userID: user, from: Self.date(from), to: Self.date(to))
                #expect(report.timeZone == "Asia/Kolkata")
                #expect(report == (try await history.computedReport(userID: user, from: Self.date(from), to: Self.date(to), timeZone: kolkata)))
            }
        }
    }

    @Test("forgetting deletes every play and rollup, stops the recorder, and refuses an import that started before", arguments: engines)
    func forgetting(location: DatabaseLocation) async throws {
        try await StoreContractTests.withStore(location) { store in
            let user = StoreContractTests.unique("forget")
            let other = StoreContractTests.unique("keep")
            let history = store.history
            let listener = try await history.ensureListener(userID: user, timeZone: "UTC", now: Date())
            try await history.ensureListener(userID: other, timeZone: "UTC", now: Date())
            _ = try await history.record(Self.small, userID: user)
            _ = try await history.record(Self.small, userID: other)
            try await history.setRecording(userID: user, true, firstPollAt: Date())
            #expect(try await history.forget(userID: user) == 7)
            let after = try #require(try await history.listener(userID: user))
            #expect(after.recording == false)
            #expect(after.generation == listener.generation + 1)
            #expect(try await history.report(userID: user, from: Self.date("2000-01-01"), to: Self.date("2099-12-31")).msPlayed == 0)
            #expect(try await history.plays(userID: user, limit: 10).isEmpty)
            await #expect(throws: HistoryStore.WriteRefused.self) {
                try await history.record(Self.small, userID: user, guard: .generation(listener.generation))
            }
            // Someone else's history is untouched.
            #expect(try await history.report(userID: other, from: Self.date("2000-01-01"), to: Self.date("2099-12-31")).plays == 6)
            // Nothing computed from the forgotten plays is left to be counted again.
            #expect(try await Self.packsByUnit(history, user).isEmpty)
            #expect(try await history.record(Self.small, userID: user).added == 7)
            let utc = try #require(TimeZone(identifier: "UTC"))
            for (from, to) in [("2000-01-01", "2099-12-31"), ("2025-03-01", "2025-03-31"), ("2025-03-30", "2025-04-02")] {
                #expect(
                    try await history.report(userID: user, from: Self.date(from), to: Self.date(to))
                        == (try await history.computedReport(userID: user, from: Self.date(from), to: Self.date(to), timeZone: utc)))
            }
        }
    }

    /// How many packs the listener has stored, by unit (0 day … 3 all time).
    static func packsByUnit(_ history: HistoryStore, _ user: String) async throws -> [Int: Int] {
        let id = HistoryID.listener(user)
        return try await history.engine.withDatabase(idempotent: true) { database in
            var counts: [Int: Int] = [:]
            for row in try await database.raw("SELECT unit, COUNT(*) AS n FROM encore_play_packs WHERE listener_id = \(bind: id) GROUP BY unit").all()
            {
                counts[try row.decode(column: "unit", as: Int.self)] = try row.decode(column: "n", as: Int.self)
            }
            return counts
        }
    }

    @Test("a period's packs are read while its plays stay the same, and built again when they change", arguments: engines)
    func packs(location: DatabaseLocation) async throws {
        try await StoreContractTests.withStore(location) { store in
            let user = StoreContractTests.unique("packs")
            let history = store.history
            let id = HistoryID.listener(user)
            try await history.ensureListener(userID: user, timeZone: "Europe/Berlin", now: Date())
            _ = try await history.record(Self.randomPlays(count: 2_000, seed: 11), userID: user)
            let zone = try #require(TimeZone(identifier: "Europe/Berlin"))
            // Days, months, years and all time, each built once and then read.
            let periods = [
                ("2023-03-15", "2024-07-20"), ("2022-12-20", "2024-01-10"), ("2000-01-01", "2099-12-31"), ("2024-02-03", "2024-02-09"),
            ]
            func check(_ note: String) async throws {
                for (from, to) in periods {
                    #expect(
                        try await history.report(userID: user, from: Self.date(from), to: Self.date(to))
                            == (try await history.computedReport(userID: user, from: Self.date(from), to: Self.date(to), timeZone: zone)),
                        "\(note): \(from) – \(to)")
                }
            }
            try await check("built")
            #expect(try await Self.packsByUnit(history, user).keys.sorted() == [0, 1, 2, 3])
            try await check("read")

            // A stored pack is what the page shows: swap February 2024's for March's (the same
            // count of entries written into it) and February's top track changes with it.
            let february = PlayPack.Key(unit: .month, number: 2024 * 12 + 1)
            let march = PlayPack.Key(unit: .month, number: 2024 * 12 + 2)
            try await history.engine.withDatabase(idempotent: true) { database in
                try await database.raw(
                    """
                    UPDATE encore_play_packs SET body = (SELECT body FROM encore_play_packs WHERE listener_id = \(bind: id) AND unit = 1 AND number = \(bind: march.number))
                    WHERE listener_id = \(bind: id) AND unit = 1 AND number = \(bind: february.number)
                    """
                ).run()
            }
            let swapped = try await history.report(userID: user, from: Self.date("2024-02-01"), to: Self.date("2024-02-29"))
            let march2024 = try await history.report(userID: user, from: Self.date("2024-03-01"), to: Self.date("2024-03-31"))
            #expect(swapped.topTracks == march2024.topTracks)

            // A new play in February makes its pack (and 2024's, and all time's) old: built again.
            _ = try await history.record([Self.play("2024-02-10T12:00:00Z", Self.trackC, 300_000)], userID: user)
            try await check("after a new play")
            let february2024 = try await history.report(userID: user, from: Self.date("2024-02-01"), to: Self.date("2024-02-29"))
            #expect(
                february2024
                    == (try await history.computedReport(userID: user, from: Self.date("2024-02-01"), to: Self.date("2024-02-29"), timeZone: zone)))

            // A body this version cannot read is built again, not an error.
            try await history.engine.withDatabase(idempotent: true) { database in
                try await database.raw("UPDATE encore_play_packs SET body = \(bind: Data([9, 9, 9])) WHERE listener_id = \(bind: id)").run()
            }
            try await check("unreadable")
        }
    }

    @Test("after an import every year's and all time's packs are ready, and a year's page builds nothing", arguments: engines)
    func preparedPacks(location: DatabaseLocation) async throws {
        try await StoreContractTests.withStore(location) { store in
            let user = StoreContractTests.unique("prepared")
            let history = store.history
            try await history.ensureListener(userID: user, timeZone: "Asia/Tokyo", now: Date())
            let plays = Self.randomPlays(count: 1_500, seed: 5)
            _ = try await history.record(plays, userID: user)
            try await history.preparePacks(userID: user)
            let zone = try #require(TimeZone(identifier: "Asia/Tokyo"))
            var calendar = LocalCalendar(timeZone: zone)
            let dates = plays.map { calendar.date(ofUTC: $0.playedAtMs) }
            let prepared = try await Self.packsByUnit(history, user)
            #expect(prepared == [1: Set(dates.map(\.monthNumber)).count, 2: Set(dates.map(\.year)).count, 3: 1])
            let report = try await history.report(userID: user, from: Self.date("2023-01-01"), to: Self.date("2023-12-31"))
            #expect(
                report == (try await history.computedReport(userID: user, from: Self.date("2023-01-01"), to: Self.date("2023-12-31"), timeZone: zone))
            )
            #expect(try await Self.packsByUnit(history, user) == prepared)
        }
    }

    @Test("a pack keeps its records exactly, and ranks as the reference does")
    func packFormat() throws {
        let records = [
            PlayPack.Record(track: 7, artist: 1, album: 2, plays: 3, ms: 400_000),
            PlayPack.Record(track: Int64.max, artist: 0, album: 9, plays: 0, ms: 29_999),
        ]
        let pack = PlayPack(key: PlayPack.Key(unit: .year, number: 2025), generation: 1, entries: 5, records: records)
        #expect(PlayPack.records(decoding: pack.encoded()) == records)
        #expect(PlayPack.records(decoding: Data([1, 0])) == nil)
        #expect(PlayPack.records(decoding: Data()) == nil)
        // Days are built a run of consecutive days a statement, 62 at most.
        #expect(HistoryStore.dayRuns([5, 3, 4, 10, 11, 5, 20]) == [3...5, 10...11, 20...20])
        #expect(HistoryStore.dayRuns(Array(0..<100)) == [0...61, 62...99])
        #expect(HistoryStore.dayRuns([]).isEmpty)
        // Equal plays go to more minutes, then to the smaller number; by plays, unplayed ones are left out.
        let entries = [
            PeriodTally.Ranked(id: 5, plays: 2, ms: 100), PeriodTally.Ranked(id: 3, plays: 2, ms: 100),
            PeriodTally.Ranked(id: 4, plays: 2, ms: 300), PeriodTally.Ranked(id: 9, plays: 0, ms: 900),
        ]
        let lists = PeriodTally.ranked(entries, limit: 3)
        #expect(lists.byPlays.map(\.id) == [4, 3, 5])
        #expect(lists.byMinutes.map(\.id) == [9, 4, 3])
        let merged = PlayPack.merged(pack.key, generation: 1, [pack, pack])
        #expect(merged.entries == 10)
        #expect(merged.records.map(\.plays) == [6, 0])
    }
}
