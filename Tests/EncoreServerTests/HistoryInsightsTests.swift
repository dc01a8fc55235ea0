import Foundation
import Testing

@testable import EncoreServer

/// The drill-downs checked against a recomputation from the raw plays, written here from
/// DESIGN.md's definitions with Foundation's calendar (not Encore's): sessions, streaks, an
/// item's story, every item of a period, a year at a glance. Random histories in zones with
/// summer time, sessions across midnight, streaks across New Year, on every engine.
@Suite("Listening history: insights", .timeLimit(.minutes(8)))
struct HistoryInsightsTests {
    static var engines: [DatabaseLocation] { StoreContractTests.engines }

    /// A listener's plays in sessions: bursts of entries with gaps of up to 20 minutes (so some
    /// bursts are two sessions), often late at night, daily through two New Years.
    static func sessionPlays(seed: UInt64) -> [Play] {
        var state = seed
        func next(_ bound: Int64) -> Int64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int64((state >> 33) % UInt64(bound))
        }
        let tracks = (0..<36).map { number in
            HistoryStoreTests.item("Song \(number)", artist: "Artist \(number % 6)", album: "Album \(number % 9) of \(number % 6)")
        }
        var plays: [Play] = []
        var at: Int64 = 1_700_000_000_000  // 2023-11-14
        let end: Int64 = 1_740_000_000_000  // 2025-02-19
        while at < end {
            // The next burst: mostly the next day or the one after, sometimes a week later.
            at += next(10) == 0 ? 7 * 86_400_000 : 8 * 3_600_000 + next(40 * 3_600_000)
            // Late evening often: across local midnight in Berlin and St John's.
            if next(3) == 0 { at = at - at % 86_400_000 + 22 * 3_600_000 + next(3 * 3_600_000) }
            for _ in 0..<(1 + next(12)) {
                let ms = next(8) == 0 ? next(30_000) : 30_000 + next(300_000)
                at += ms + (next(6) == 0 ? next(20 * 60_000) : next(90_000))
                plays.append(Play(playedAtMs: at, msPlayed: Int(ms), item: tracks[Int(next(Int64(tracks.count)))], source: .imported))
            }
        }
        // A play at noon UTC every day from 27 December 2024 to 4 January 2025: a streak across New Year.
        let noon: Int64 = 1_735_300_800_000  // 2024-12-27T12:00:00Z
        for day in 0..<9 {
            let at = noon + Int64(day) * 86_400_000 + 1
            if !plays.contains(where: { $0.playedAtMs == at }) {
                plays.append(Play(playedAtMs: at, msPlayed: 200_000, item: tracks[day], source: .imported))
            }
        }
        return plays.sorted { $0.playedAtMs < $1.playedAtMs }
    }

    /// Encore's figures, counted again from the plays with Foundation's calendar.
    struct Reference {
        let plays: [Play]
        let calendar: Calendar

        init(_ plays: [Play], zone: TimeZone) {
            self.plays = plays.sorted { $0.playedAtMs < $1.playedAtMs }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            self.calendar = calendar
        }

        func parts(_ ms: Int64) -> DateComponents {
            calendar.dateComponents([.year, .month, .day, .hour], from: Date(timeIntervalSince1970: Double(ms) / 1000))
        }

        /// "2024-03-09": the local day an entry ended on.
        func day(_ ms: Int64) -> String {
            let p = parts(ms)
            return String(format: "%04d-%02d-%02d", p.year ?? 0, p.month ?? 0, p.day ?? 0)
        }

        func month(_ ms: Int64) -> String { String(day(ms).prefix(7)) }

        func within(_ from: String, _ to: String) -> [Play] { plays.filter { (from...to).contains(day($0.playedAtMs)) } }

        /// DESIGN.md: sorted by start; joins while it starts at most 15 min after the latest end.
        static func sessions(_ plays: [Play]) -> [(start: Int64, end: Int64, entries: Int, plays: Int, ms: Int64)] {
            var sessions: [(start: Int64, end: Int64, entries: Int, plays: Int, ms: Int64)] = []
            for play in plays.sorted(by: { ($0.playedAtMs - Int64($0.msPlayed)) < ($1.playedAtMs - Int64($1.msPlayed)) }) {
                let start = play.playedAtMs - Int64(play.msPlayed), counted = play.msPlayed >= 30_000 ? 1 : 0
                if var last = sessions.last, start <= last.end + 15 * 60_000 {
                    last.end = max(last.end, play.playedAtMs)
                    last.entries += 1
                    last.plays += counted
                    last.ms += Int64(play.msPlayed)
                    sessions[sessions.count - 1] = last
                } else {
                    sessions.append((start, play.playedAtMs, 1, counted, Int64(play.msPlayed)))
                }
            }
            return sessions
        }

        /// The longest run of consecutive days with a play, and the run ending on `last` or the
        /// day before.
        func streaks(_ plays: [Play], last: String) -> (longest: Int, current: Int) {
            var utc = Calendar(identifier: .gregorian)
            utc.timeZone = TimeZone(identifier: "UTC") ?? .current
            let formatter = DateFormatter()
            formatter.calendar = utc
            formatter.timeZone = utc.timeZone
            formatter.dateFormat = "yyyy-MM-dd"
            func number(_ day: String) -> Int { Int((formatter.date(from: day)?.timeIntervalSince1970 ?? 0) / 86_400) }
            let days = Set(plays.filter { $0.msPlayed >= 30_000 }.map { number(day($0.playedAtMs)) }).sorted()
            var longest = 0, run = 0, previous = Int.min
            var runs: [(end: Int, length: Int)] = []
            for day in days {
                run = day == previous + 1 ? run + 1 : 1
                previous = day
                longest = max(longest, run)
                if runs.last?.end == day - 1 { runs[runs.count - 1] = (day, run) } else { runs.append((day, run)) }
            }
            let end = number(last)
            let current = runs.last.map { $0.end == end || $0.end == end - 1 ? $0.length : 0 } ?? 0
            return (longest, current)
        }
    }

    static func date(_ text: String) -> LocalDate { LocalDate(parsing: text) ?? LocalDate(dayNumber: 0) }

    static let periods = [
        ("2000-01-01", "2099-12-31"), ("2023-12-20", "2024-01-10"), ("2024-03-31", "2024-03-31"), ("2024-10-01", "2024-11-30"),
        ("2024-12-25", "2025-01-05"), ("2023-11-01", "2024-12-31"), ("2025-02-01", "2025-02-19"),
    ]

    @Test(
        "sessions and streaks, over every kind of period, in a summer-time zone and a half-hour one, are what the plays say",
        arguments: engines)
    func sessionsAndStreaks(location: DatabaseLocation) async throws {
        // One store: a test case per zone would write one SQLite file at once from two.
        try await StoreContractTests.withStore(location) { store in
            for zoneName in ["Europe/Berlin", "America/St_Johns"] { try await Self.sessionsAndStreaks(store, zoneName: zoneName) }
        }
    }

    static func sessionsAndStreaks(_ store: SQLEncoreStore, zoneName: String) async throws {
        do {
            let user = StoreContractTests.unique("sessions")
            let history = store.history
            try await history.ensureListener(userID: user, timeZone: zoneName, now: Date())
            let plays = Self.sessionPlays(seed: 11)
            for chunk in plays.chunked(997) { _ = try await history.record(Array(chunk), userID: user) }
            let listener = try #require(try await history.listener(userID: user))
            let reference = Reference(plays, zone: try #require(TimeZone(identifier: zoneName)))
            for (from, to) in Self.periods {
                let report = try await history.report(userID: user, from: Self.date(from), to: Self.date(to))
                let expected = Reference.sessions(reference.within(from, to))
                #expect(report.sessions == expected.count, "\(from) – \(to)")
                let lengths = expected.map { $0.end - $0.start }
                #expect(report.longestSessionMs == (lengths.max() ?? 0), "\(from) – \(to)")
                #expect(report.averageSessionMs == (lengths.isEmpty ? 0 : lengths.reduce(0, +) / Int64(lengths.count)), "\(from) – \(to)")
                if let longest = report.longestSession {
                    let match = expected.first { $0.end - $0.start == longest.lengthMs && $0.start == longest.start.unixMilliseconds }
                    #expect(match?.entries == longest.entries && match?.plays == longest.plays && match?.ms == longest.msPlayed)
                    // What was played in it: every entry of the session, by track.
                    #expect((longest.tracks ?? []).reduce(0) { $0 + $1.msPlayed } == longest.msPlayed || (longest.tracks?.count ?? 0) == 20)
                }
                let streaks = reference.streaks(reference.within(from, to), last: to)
                #expect(report.longestStreakDays == streaks.longest, "\(from) – \(to)")
                #expect(report.currentStreakDays == streaks.current, "\(from) – \(to)")
                // The list `encore history sessions` prints.
                let listed = try await history.sessions(for: listener, from: Self.date(from), to: Self.date(to))
                #expect(listed.map(\.start.unixMilliseconds) == expected.map(\.start).sorted(by: >), "\(from) – \(to)")
                #expect(listed.map(\.lengthMs).sorted() == lengths.sorted())
            }
            // The streak across New Year, at least the nine days of noon plays.
            let newYear = try await history.report(userID: user, from: Self.date("2024-12-20"), to: Self.date("2025-01-10"))
            #expect(newYear.longestStreakDays >= 9)
            #expect(newYear.longestStreakFrom.map { $0 <= Self.date("2024-12-27") } == true)
            #expect(newYear.longestStreakTo.map { $0 >= Self.date("2025-01-04") } == true)
        }
    }

    @Test("an artist's, album's and track's story from the rollups is the plays' own, and the same as counted from the plays", arguments: engines)
    func stories(location: DatabaseLocation) async throws {
        try await StoreContractTests.withStore(location) { store in
            let user = StoreContractTests.unique("story")
            let history = store.history
            try await history.ensureListener(userID: user, timeZone: "Europe/Berlin", now: Date())
            let plays = Self.sessionPlays(seed: 5)
            for chunk in plays.chunked(1_500) { _ = try await history.record(Array(chunk), userID: user) }
            let listener = try #require(try await history.listener(userID: user))
            let reference = Reference(plays, zone: try #require(TimeZone(identifier: "Europe/Berlin")))
            let allPlays = plays.filter { $0.msPlayed >= 30_000 }.count
            let allMs = plays.reduce(Int64(0)) { $0 + Int64($1.msPlayed) }
            let cases: [(HistoryItemKind, String, (Play) -> Bool)] = [
                (.artist, "artist 3", { $0.item.artist == "Artist 3" }),
                (.album, "ALBUM 4 OF 4", { $0.item.album == "Album 4 of 4" }),
                (.track, "song 17", { $0.item.name == "Song 17" }),
            ]
            for (kind, name, belongs) in cases {
                let id = try #require(try await history.findItem(kind, named: name, for: listener), "\(kind) \(name)")
                let story = try #require(try await history.story(of: kind, id: id, for: listener))
                let mine = reference.plays.filter(belongs)
                #expect(story.item.plays == mine.filter { $0.msPlayed >= 30_000 }.count, "\(kind)")
                #expect(story.shortPlays == mine.filter { $0.msPlayed < 30_000 }.count, "\(kind)")
                #expect(story.item.msPlayed == mine.reduce(0) { $0 + Int64($1.msPlayed) }, "\(kind)")
                #expect(story.item.firstPlayedAt?.unixMilliseconds == mine.first?.playedAtMs)
                #expect(story.item.lastPlayedAt?.unixMilliseconds == mine.last?.playedAtMs)
                #expect(abs(story.shareOfPlays - Double(story.item.plays) / Double(allPlays)) < 1e-9)
                #expect(abs(story.shareOfListening - Double(story.item.msPlayed) / Double(allMs)) < 1e-9)
                // Plays per month, every month from the first to the latest.
                let months = Dictionary(grouping: mine, by: { reference.month($0.playedAtMs) })
                #expect(story.months.first.map { "\($0.start)".prefix(7) } == mine.first.map { reference.month($0.playedAtMs) }.map { Substring($0) })
                for point in story.months {
                    let key = String("\(point.start)".prefix(7))
                    #expect(point.plays == (months[key] ?? []).filter { $0.msPlayed >= 30_000 }.count, "\(kind) \(key)")
                    #expect(point.msPlayed == (months[key] ?? []).reduce(0) { $0 + Int64($1.msPlayed) }, "\(kind) \(key)")
                }
                #expect(story.months.reduce(0) { $0 + $1.plays } == story.item.plays)
                // Hours of the day, local.
                for hour in 0..<24 {
                    let inHour = mine.filter { reference.parts($0.playedAtMs).hour == hour }
                    #expect(story.hours[hour] == inHour.filter { $0.msPlayed >= 30_000 }.count, "\(kind) \(hour)h")
                }
                // Its tracks, most played first.
                if kind != .track {
                    let byTrack = Dictionary(grouping: mine, by: \.item.name).mapValues { $0.filter { $0.msPlayed >= 30_000 }.count }
                    #expect(Dictionary(story.topTracks.map { ($0.name, $0.plays) }) { a, _ in a } == byTrack)
                    #expect(story.topTracks.map(\.plays) == story.topTracks.map(\.plays).sorted(by: >))
                }
                if kind == .artist {
                    #expect(Set(story.topAlbums.map(\.name)) == Set(mine.map(\.item.album)))
                }
                // Counted from the plays over the whole span: the same figures.
                let computed = try #require(
                    try await history.computedStory(of: kind, id: id, for: listener, from: Self.date("2000-01-01"), to: Self.date("2099-12-31")))
                #expect(computed.item == story.item && computed.months == story.months && computed.hours == story.hours)
                #expect(computed.topTracks == story.topTracks && computed.topAlbums == story.topAlbums && computed.shortPlays == story.shortPlays)
                // The JSON the page and the command line print.
                let json = try JSONSerialization.jsonObject(with: try HistoryReport.makeEncoder().encode(story)) as? [String: Any]
                #expect(json?["plays"] as? Int == story.item.plays && json?["ms_played"] as? Int == Int(story.item.msPlayed))
                #expect(json?["first_played"] as? String == story.item.firstPlayedAt?.formatted(Date.ISO8601FormatStyle()))
                #expect(((json?["top_tracks"] as? [[String: Any]])?.first?["name"] as? String) != nil || kind == .track)
            }
            #expect(try await history.findItem(.artist, named: "Artist 33", for: listener) == nil)
            #expect(try await history.story(of: .artist, id: "e0000000000000000", for: listener) == nil)
            #expect(try await history.story(of: .artist, id: "not an id", for: listener) == nil)
        }
    }

    @Test("every item of a period: each one, its figures, sorted every way, filtered and paged", arguments: engines)
    func tables(location: DatabaseLocation) async throws {
        try await StoreContractTests.withStore(location) { store in
            let user = StoreContractTests.unique("table")
            let history = store.history
            try await history.ensureListener(userID: user, timeZone: "America/St_Johns", now: Date())
            let plays = Self.sessionPlays(seed: 23)
            _ = try await history.record(plays, userID: user)
            let listener = try #require(try await history.listener(userID: user))
            let reference = Reference(plays, zone: try #require(TimeZone(identifier: "America/St_Johns")))
            let keys: [(HistoryItemKind, (Play) -> String)] = [(.track, \.item.name), (.artist, \.item.artist), (.album, \.item.album)]
            for (from, to) in [("2000-01-01", "2099-12-31"), ("2024-10-01", "2024-11-30"), ("2024-03-31", "2024-03-31")] {
                for (kind, key) in keys {
                    let mine = Dictionary(grouping: reference.within(from, to), by: key)
                    let ever = Dictionary(grouping: reference.plays, by: key)
                    for sort in HistoryItemTable.Sort.allCases {
                        for order in HistoryItemTable.Order.allCases {
                            var rows: [HistoryItemRow] = []
                            var page = 1
                            while true {
                                let table = try await history.table(
                                    of: kind, for: listener, from: Self.date(from), to: Self.date(to), sort: sort, order: order, page: page,
                                    pageSize: 7)
                                #expect(table.total == mine.count)
                                rows += table.rows
                                if page >= table.pages { break }
                                page += 1
                            }
                            #expect(rows.count == mine.count, "\(kind) \(from)")
                            for row in rows {
                                let entries = mine[row.name] ?? []
                                #expect(row.plays == entries.filter { $0.msPlayed >= 30_000 }.count, "\(kind) \(row.name)")
                                #expect(row.msPlayed == entries.reduce(0) { $0 + Int64($1.msPlayed) }, "\(kind) \(row.name)")
                                #expect(row.firstPlayedAt?.unixMilliseconds == ever[row.name]?.first?.playedAtMs)
                                #expect(row.lastPlayedAt?.unixMilliseconds == ever[row.name]?.last?.playedAtMs)
                            }
                            for (a, b) in zip(rows, rows.dropFirst()) {
                                let inOrder: Bool
                                switch sort {
                                case .plays: inOrder = order == .asc ? a.plays <= b.plays : a.plays >= b.plays
                                case .minutes: inOrder = order == .asc ? a.msPlayed <= b.msPlayed : a.msPlayed >= b.msPlayed
                                case .first: inOrder = order == .asc ? a.firstPlayedAt! <= b.firstPlayedAt! : a.firstPlayedAt! >= b.firstPlayedAt!
                                case .last: inOrder = order == .asc ? a.lastPlayedAt! <= b.lastPlayedAt! : a.lastPlayedAt! >= b.lastPlayedAt!
                                case .name:
                                    let (x, y) = (a.name.lowercased(), b.name.lowercased())
                                    inOrder = order == .asc ? x <= y : x >= y
                                }
                                #expect(inOrder, "\(kind) by \(sort) \(order): \(a.name) then \(b.name)")
                            }
                        }
                    }
                }
            }
            // The text filter: in the name, the artist's or the album's, any case.
            let filtered = try await history.table(
                of: .track, for: listener, from: Self.date("2000-01-01"), to: Self.date("2099-12-31"), query: "ARTIST 2", pageSize: 100)
            #expect(Set(filtered.rows.map(\.name)) == Set(plays.filter { $0.item.artist == "Artist 2" }.map(\.item.name)))
            // A page past the last shows the last.
            let far = try await history.table(of: .artist, for: listener, from: Self.date("2000-01-01"), to: Self.date("2099-12-31"), page: 99)
            #expect(far.page == far.pages && !far.rows.isEmpty)
        }
    }

    @Test("a year at a glance: minutes every day, what was new each month, the track played most in a day", arguments: engines)
    func yearAtAGlance(location: DatabaseLocation) async throws {
        try await StoreContractTests.withStore(location) { store in
            let user = StoreContractTests.unique("glance")
            let history = store.history
            try await history.ensureListener(userID: user, timeZone: "Europe/Berlin", now: Date())
            let plays = Self.sessionPlays(seed: 3)
            _ = try await history.record(plays, userID: user)
            let reference = Reference(plays, zone: try #require(TimeZone(identifier: "Europe/Berlin")))
            let recap = try await history.recap(userID: user, year: 2024)
            #expect(recap.days.count == 366)
            let byDay = Dictionary(grouping: reference.within("2024-01-01", "2024-12-31"), by: { reference.day($0.playedAtMs) })
            for day in recap.days {
                let entries = byDay["\(day.date)"] ?? []
                #expect(day.msPlayed == entries.reduce(0) { $0 + Int64($1.msPlayed) }, "\(day.date)")
                #expect(day.plays == entries.filter { $0.msPlayed >= 30_000 }.count, "\(day.date)")
            }
            // A year still going: the current streak runs up to today, not to 31 December.
            let early = try await history.recap(userID: user, year: 2025, now: Date(timeIntervalSince1970: 1_735_927_200))  // 3 Jan 2025, 18:00 UTC
            #expect(early.report.currentStreakDays == reference.streaks(reference.within("2025-01-01", "2025-01-03"), last: "2025-01-03").current)
            #expect(early.report.currentStreakDays == 3)
            #expect(try await history.recap(userID: user, year: 2025).report.currentStreakDays == 0)

            // New: the month of a track's (an artist's) first entry ever.
            let firstTrack = Dictionary(grouping: reference.plays, by: \.item.name).mapValues { reference.month($0[0].playedAtMs) }
            let firstArtist = Dictionary(grouping: reference.plays, by: \.item.artist).mapValues { reference.month($0[0].playedAtMs) }
            #expect(recap.newByMonth.count == 12)
            for month in recap.newByMonth {
                let key = String("\(month.month)".prefix(7))
                #expect(month.tracks == firstTrack.values.filter { $0 == key }.count, "\(key)")
                #expect(month.artists == firstArtist.values.filter { $0 == key }.count, "\(key)")
            }
            // The most plays of one track on one day.
            var most = 0
            for (_, entries) in byDay {
                for (_, same) in Dictionary(grouping: entries.filter { $0.msPlayed >= 30_000 }, by: \.item.name) { most = max(most, same.count) }
            }
            #expect(recap.mostInADay?.plays == most)
            if let top = recap.mostInADay {
                let that = (byDay["\(top.date)"] ?? []).filter { $0.item.name == top.track.name && $0.msPlayed >= 30_000 }
                #expect(that.count == most)
            }
        }
    }
}

extension HistoryInsightsTests {
    @Test(
        "each real export: sessions, streaks, its top artists' stories and every artist, as its raw entries say",
        .enabled(if: RealExports.available, RealExports.skipReason), arguments: StoreContractTests.engines)
    func realExports(location: DatabaseLocation) async throws {
        try await StoreContractTests.withStore(location) { store in
            let history = store.history
            for name in RealExports.names where !name.contains("Video") {
                let user = StoreContractTests.unique("insight")
                try await history.ensureListener(userID: user, timeZone: "UTC", now: Date())
                _ = try await StreamingHistoryImporter(store: history, userID: user).importFiles([RealExports.url(name).path])
                let listener = try #require(try await history.listener(userID: user))
                let reference = Reference(try RealExports.plays(name), zone: try #require(TimeZone(identifier: "UTC")))
                let (from, to) = ("2000-01-01", "2099-12-31")
                let report = try await history.report(userID: user, from: Self.date(from), to: Self.date(to))
                let sessions = Reference.sessions(reference.plays)
                #expect(report.sessions == sessions.count, "\(name)")
                #expect(report.longestSessionMs == sessions.map { $0.end - $0.start }.max(), "\(name)")
                #expect(report.longestStreakDays == reference.streaks(reference.plays, last: to).longest, "\(name)")

                let music = reference.plays.filter { $0.item.kind == .track }
                let byArtist = Dictionary(grouping: music, by: \.item.artist)
                let top = byArtist.sorted {
                    ($0.value.filter { $0.msPlayed >= 30_000 }.count, $0.key) > ($1.value.filter { $0.msPlayed >= 30_000 }.count, $1.key)
                }
                for (artist, entries) in top.prefix(3) {
                    let id = try #require(try await history.findItem(.artist, named: artist.uppercased(), for: listener), "\(name): \(artist)")
                    let story = try #require(try await history.story(of: .artist, id: id, for: listener))
                    #expect(story.item.name == artist)
                    #expect(story.item.plays == entries.filter { $0.msPlayed >= 30_000 }.count, "\(name): \(artist)")
                    #expect(story.item.msPlayed == entries.reduce(0) { $0 + Int64($1.msPlayed) }, "\(name): \(artist)")
                    #expect(story.item.firstPlayedAt?.unixMilliseconds == entries.first?.playedAtMs, "\(name): \(artist)")
                    #expect(story.item.lastPlayedAt?.unixMilliseconds == entries.last?.playedAtMs, "\(name): \(artist)")
                    #expect(story.topTracks.reduce(0) { $0 + $1.plays } == story.item.plays || story.topTracks.count == 20)
                }
                let table = try await history.table(
                    of: .artist, for: listener, from: Self.date(from), to: Self.date(to), sort: .name, order: .asc, pageSize: 100_000)
                #expect(table.total == byArtist.count, "\(name)")
                let rows = Dictionary(table.rows.map { ($0.name, ($0.plays, $0.msPlayed)) }) { a, _ in a }
                let wrong = byArtist.filter { artist, entries in
                    rows[artist].map {
                        $0.0 == entries.filter { $0.msPlayed >= 30_000 }.count && $0.1 == entries.reduce(0) { $0 + Int64($1.msPlayed) }
                    }
                        != true
                }
                #expect(wrong.isEmpty, "\(name): \(wrong.keys.sorted().prefix(5))")
            }
        }
    }
}

extension HistoryInsightsTests {
    @Test("what the drill-downs and the import keep in memory is bounded: catalogs, recaps' busiest days, remembered items, SQLite's cache")
    func memoryBounds() async throws {
        // Catalogs: the least recently used go first once the items pass the limit.
        func catalog(_ items: Int) -> HistoryCatalog {
            HistoryCatalog(
                generation: 0,
                items: (0..<items).map {
                    HistoryCatalog.Item(
                        id: Int64($0), kind: .track, uri: nil, name: "t\($0)", artist: "a", album: "b", artistID: 1, albumID: 2, artistURI: nil,
                        albumURI: nil)
                })
        }
        var cache = CatalogCache()
        cache.keep(catalog(400), for: 1, limit: 1_000)
        cache.keep(catalog(400), for: 2, limit: 1_000)
        #expect(cache.take(1) != nil)  // 1 is now the most recently used
        cache.keep(catalog(400), for: 3, limit: 1_000)
        #expect(cache.take(2) == nil && cache.take(1) != nil && cache.take(3) != nil)
        // One catalog larger than the limit is kept alone, the rest let go.
        cache.keep(catalog(1_500), for: 4, limit: 1_000)
        #expect(cache.take(1) == nil && cache.take(3) == nil && cache.take(4) != nil)

        // The parser's items by name: at most itemsRemembered.
        var parser = StreamingHistoryParser(now: Date())
        var read = 0
        let entries = (0..<(StreamingHistoryParser.itemsRemembered + 10)).map { number in
            #"{"ts": "2024-01-01T00:00:00Z", "ms_played": 1000, "master_metadata_track_name": "T\#(number)", "master_metadata_album_artist_name": "A"}"#
        }
        try parser.feed(Array(("[" + entries.joined(separator: ",") + "]").utf8)) { _ in read += 1 }
        try parser.finish { _ in read += 1 }
        #expect(read == entries.count)
        #expect(parser.rememberedItems <= StreamingHistoryParser.itemsRemembered)

        // SQLite's page cache is the bound's size.
        try await StoreContractTests.withStore(.sqliteFile(path: StoreContractTests.temporaryPath("cache"))) { store in
            let pages = try await store.engine.withDatabase(idempotent: true) { database in
                try await database.raw("PRAGMA cache_size").first()?.decode(column: "cache_size", as: Int.self)
            }
            #expect(pages == -SQLiteEngine.cacheKiB)
        }

        // Figures remembered per period (top lists, sessions, a recap's most in a day and new
        // items): at most periodMemoLimit periods each, however many revisions go by.
        try await StoreContractTests.withStore(.sqliteMemory) { store in
            let user = StoreContractTests.unique("bounded")
            let history = store.history
            try await history.ensureListener(userID: user, timeZone: "UTC", now: Date())
            _ = try await history.record(Array(Self.sessionPlays(seed: 2).prefix(200)), userID: user)
            var listener = try #require(try await history.listener(userID: user))
            let memos: [(String, () -> Int)] = [
                ("reports", { history.periodFigures.count }),
                ("most in a day", { history.busiestTrackDays.count }), ("new in months", { history.newInMonths.count }),
            ]
            for revision in 0..<Int64(HistoryStore.periodMemoLimit + 5) {
                listener.revision = revision
                _ = try await history.recap(for: listener, year: 2023)
                for (name, count) in memos {
                    #expect(count() <= HistoryStore.periodMemoLimit, "\(name)")
                    #expect(count() > 0, "\(name)")
                }
            }
        }
    }

    @Test("a period memo keeps at most its limit and answers what it keeps")
    func periodMemoBound() async throws {
        let memo = PeriodMemo<Int>(limit: 3)
        var listener = HistoryListener(userID: "u", timeZone: "UTC", generation: 0, recording: false)
        let day = Self.date("2024-01-01")
        var made = 0
        for revision in 0..<10 {
            listener.revision = Int64(revision)
            let key = PeriodMemoKey(listener, from: day, to: day)
            let value = await memo.value(for: key) {
                made += 1
                return revision
            }
            #expect(value == revision)
            #expect(memo.count <= 3)
            #expect(await memo.value(for: key) { -1 } == revision)
        }
        #expect(made == 10)
        // Every part of the key tells periods apart.
        listener.generation = 1
        #expect(memo[PeriodMemoKey(listener, from: day, to: day)] == nil)
    }

    @Test("a period's remembered top lists follow a merge that changes the track but no day's plays or minutes")
    func rememberedTopListsFollowMerges() async throws {
        for location in HistoryStoreTests.engines {
            try await StoreContractTests.withStore(location) { store in
                let user = StoreContractTests.unique("merged")
                let history = store.history
                try await history.ensureListener(userID: user, timeZone: "UTC", now: Date())
                let day = Self.date("2024-03-01")
                let at: Int64 = 1_709_280_000_000  // 2024-03-01T08:00:00Z
                let recorded = HistoryStoreTests.item("Song", artist: "A", album: "B")
                let named = PlayedItem(uri: nil, kind: .track, name: "Song", artist: "A", album: "B")
                _ = try await history.record([Play(playedAtMs: at, msPlayed: 200_000, item: recorded, source: .recorded)], userID: user)
                func top() async throws -> HistoryTopEntry? {
                    let stored = try await history.report(userID: user, from: day, to: day, timeZone: nil)
                    let counted = try await history.computedReport(userID: user, from: day, to: day, timeZone: .gmt)
                    #expect(stored.topTracks == counted.topTracks)
                    #expect(stored.plays == 1 && stored.msPlayed == 200_000)
                    return stored.topTracks.byPlays.first
                }
                #expect(try await top()?.uri == recorded.uri)
                #expect(try await top()?.uri == recorded.uri)  // remembered
                // The export's names-only entry of the same listening replaces the recorded play:
                // the same day, plays and minutes, another track.
                let outcome = try await history.record([Play(playedAtMs: at, msPlayed: 200_000, item: named, source: .imported)], userID: user)
                #expect(outcome.merged == 1)
                #expect(try await top()?.uri == nil)
            }
        }
    }

    @Test("a period's remembered sessions follow every write: an entry that joins two sessions, or one heard for longer, shows at once")
    func rememberedSessionsFollowWrites() async throws {
        try await StoreContractTests.withStore(.sqliteMemory) { store in
            let user = StoreContractTests.unique("fresh")
            let history = store.history
            try await history.ensureListener(userID: user, timeZone: "UTC", now: Date())
            let start = Self.date("2024-03-01")
            let base: Int64 = 1_709_280_000_000  // 2024-03-01T08:00:00Z
            func play(_ endMinutes: Int64, ms: Int, track: String) -> Play {
                Play(
                    playedAtMs: base + endMinutes * 60_000, msPlayed: ms, item: HistoryStoreTests.item(track, artist: "A", album: "B"),
                    source: .imported)
            }
            // Two sessions: one ending 08:03, the next starting 08:33 (30 min apart).
            _ = try await history.record([play(3, ms: 180_000, track: "One"), play(36, ms: 180_000, track: "Two")], userID: user)
            func figures() async throws -> (Int, Int, Int) {
                let stored = try await history.report(userID: user, from: start, to: start, timeZone: nil)
                let counted = try await history.computedReport(userID: user, from: start, to: start, timeZone: .gmt)
                #expect(stored.sessions == counted.sessions)
                #expect(stored.averageSessionMs == counted.averageSessionMs)
                #expect(stored.longestSessionMs == counted.longestSessionMs)
                return (stored.sessions, Int(stored.averageSessionMs), Int(stored.longestSessionMs))
            }
            #expect(try await figures() == (2, 180_000, 180_000))
            #expect(try await figures() == (2, 180_000, 180_000))  // the remembered figures
            // An entry between them, heard 08:09–08:19, joins both into one of 08:00–08:36.
            _ = try await history.record([play(19, ms: 600_000, track: "Three")], userID: user)
            #expect(try await figures() == (1, 2_160_000, 2_160_000))
        }
    }
}
