import Foundation
import SQLKit

extension HistoryStore {
    /// The listening of `userID` from `from` to `to` (both included) in their time zone, read
    /// from the rollups; in another zone (`timeZone`), computed from the plays themselves.
    ///
    /// - Parameter limit: entries per top list.
    ///   - chartUnit: days, weeks or months; by default what suits the period's length.
    public func report(
        userID: String, from: LocalDate, to: LocalDate, timeZone: TimeZone? = nil, limit: Int = 10, chartUnit: HistoryChart.Unit? = nil
    ) async throws -> HistoryReport {
        let id = HistoryID.listener(userID)
        let listener = try await listener(userID: userID)
        let stored = listener.flatMap { LocalCalendar.zone(named: $0.timeZone) } ?? TimeZone(identifier: "UTC") ?? .current
        let zone = timeZone ?? stored
        let plan = PeriodPlan(from: from, to: to, calendar: LocalCalendar(timeZone: zone), chartUnit: chartUnit)
        guard listener != nil else { return plan.emptyReport() }
        if zone.identifier == stored.identifier {
            return try await engine.withDatabase(idempotent: true, limit: HistoryStore.readLimit) { database in
                try await Self.rollupReport(listener: id, plan: plan, limit: limit, on: database)
            }
        }
        return try await computedReport(userID: userID, from: from, to: to, timeZone: zone, limit: limit, chartUnit: chartUnit)
    }

    /// The report of a period as the listener sees it: presets counted from today in their zone,
    /// "all time" from their first to their latest play.
    public func report(userID: String, period: HistoryPeriod, timeZone: TimeZone? = nil, now: Date, limit: Int = 10) async throws -> HistoryReport {
        let stored = try await listener(userID: userID).flatMap { LocalCalendar.zone(named: $0.timeZone) }
        var calendar = LocalCalendar(timeZone: timeZone ?? stored ?? TimeZone(identifier: "UTC") ?? .current)
        let today = calendar.date(ofUTC: now.unixMilliseconds)
        let span = try await span(userID: userID).map {
            (calendar.date(ofUTC: $0.first.unixMilliseconds), calendar.date(ofUTC: $0.latest.unixMilliseconds))
        }
        let (from, to) = period.days(today: today, span: span)
        return try await report(userID: userID, from: from, to: to, timeZone: timeZone, limit: limit)
    }

    /// The same report computed from the plays themselves in any time zone: slower, and the
    /// reference the rollups are tested against.
    public func computedReport(
        userID: String, from: LocalDate, to: LocalDate, timeZone: TimeZone, limit: Int = 10, chartUnit: HistoryChart.Unit? = nil
    ) async throws -> HistoryReport {
        let id = HistoryID.listener(userID)
        let plan = PeriodPlan(from: from, to: to, calendar: LocalCalendar(timeZone: timeZone), chartUnit: chartUnit)
        return try await engine.withDatabase(idempotent: true, limit: HistoryStore.readLimit) { database in
            let rows = try await database.raw(
                """
                SELECT played_at_ms, track_id, ms_played FROM encore_plays
                WHERE listener_id = \(bind: id) AND played_at_ms >= \(bind: plan.startMs) AND played_at_ms < \(bind: plan.endMs)
                ORDER BY played_at_ms
                """
            ).all()
            var plays: [(at: Int64, track: Int64, ms: Int64)] = []
            plays.reserveCapacity(rows.count)
            for row in rows {
                plays.append(
                    (
                        try row.decode(column: "played_at_ms", as: Int64.self), try row.decode(column: "track_id", as: Int64.self),
                        try row.decode(column: "ms_played", as: Int64.self)
                    ))
            }
            let items = try await Self.items(Set(plays.map(\.track)), listener: id, on: database)
            return ComputedReport(plan: plan, plays: plays, items: items, limit: limit).report
        }
    }

    /// A year on one page: the year's report by month, its biggest day, and how many tracks
    /// were first heard that year.
    public func recap(userID: String, year: Int, limit: Int = 5) async throws -> HistoryRecap {
        let from = LocalDate(year: year, month: 1, day: 1) ?? LocalDate(dayNumber: 0)
        let to = LocalDate(year: year, month: 12, day: 31) ?? LocalDate(dayNumber: 0)
        let report = try await report(userID: userID, from: from, to: to, limit: limit, chartUnit: .month)
        let id = HistoryID.listener(userID)
        let plan = PeriodPlan(
            from: from, to: to, calendar: LocalCalendar(timeZone: LocalCalendar.zone(named: report.timeZone) ?? TimeZone.current))
        return try await engine.withDatabase(idempotent: true, limit: HistoryStore.readLimit) { database in
            let busiest = try await database.raw(
                """
                SELECT local_hour / 24 AS day, CAST(SUM(ms_played) AS BIGINT) AS ms, CAST(SUM(plays) AS BIGINT) AS plays FROM encore_play_hours
                WHERE listener_id = \(bind: id) AND local_hour >= \(bind: from.dayNumber * 24) AND local_hour < \(bind: (to.dayNumber + 1) * 24)
                GROUP BY local_hour / 24 ORDER BY ms DESC, day LIMIT 1
                """
            ).first()
            let discovered = try await database.raw(
                """
                SELECT COUNT(*) AS n FROM encore_play_tracks t JOIN encore_history_tracks i ON i.track_id = t.track_id
                WHERE t.listener_id = \(bind: id) AND i.kind = 1 AND t.first_played_ms >= \(bind: plan.startMs) AND t.first_played_ms < \(bind: plan.endMs)
                """
            ).first()
            var busiestDay: HistoryRecap.Day?
            if let busiest {
                busiestDay = HistoryRecap.Day(
                    date: LocalDate(dayNumber: try busiest.decode(column: "day", as: Int64.self)),
                    plays: try busiest.decode(column: "plays", as: Int.self), msPlayed: try busiest.decode(column: "ms", as: Int64.self))
            }
            return HistoryRecap(
                year: year, report: report, busiestDay: busiestDay, newTracks: try discovered?.decode(column: "n", as: Int.self) ?? 0)
        }
    }

    // MARK: From the rollups

    private static func rollupReport(listener id: Int64, plan: PeriodPlan, limit: Int, on database: any SQLDatabase) async throws -> HistoryReport {
        var report = plan.emptyReport()
        try await readTimeline(listener: id, plan: plan, into: &report, on: database)
        let bounds = try await database.raw(
            """
            SELECT (SELECT MIN(played_at_ms) FROM encore_plays WHERE listener_id = \(bind: id) AND played_at_ms >= \(bind: plan.startMs)
                    AND played_at_ms < \(bind: plan.endMs)) AS first_ms,
                (SELECT MAX(played_at_ms) FROM encore_plays WHERE listener_id = \(bind: id) AND played_at_ms >= \(bind: plan.startMs)
                    AND played_at_ms < \(bind: plan.endMs)) AS last_ms
            """
        ).first()
        report.firstPlayAt = try bounds?.decode(column: "first_ms", as: Int64?.self).map(Date.init(unixMilliseconds:))
        report.latestPlayAt = try bounds?.decode(column: "last_ms", as: Int64?.self).map(Date.init(unixMilliseconds:))
        guard report.firstPlayAt != nil else { return report }
        let wholeHistory = try await coversWholeHistory(listener: id, plan: plan, first: report.firstPlayAt, on: database)
        let lists = try await database.raw(topListsQuery(listener: id, parts: plan.parts(listener: id, wholeHistory: wholeHistory), limit: limit))
            .all()
        var ranked: [(list: String, id: Int64, name: String, artist: String, plays: Int, ms: Int64)] = []
        for row in lists {
            ranked.append(
                (
                    try row.decode(column: "list", as: String.self), try row.decode(column: "id", as: Int64.self),
                    try row.decode(column: "name", as: String.self), try row.decode(column: "artist", as: String.self),
                    try row.decode(column: "plays", as: Int.self), try row.decode(column: "ms", as: Int64.self)
                ))
        }
        let items = try await Self.items(Set(ranked.filter { $0.list.hasPrefix("t") }.map(\.id)), listener: id, on: database)
        func entries(_ list: String) -> [HistoryTopEntry] {
            ranked.filter { $0.list == list }.map { row in
                if list.hasPrefix("t"), let item = items[row.id] {
                    return item.entry(plays: row.plays, ms: row.ms)
                }
                return HistoryTopEntry(
                    name: row.name, artist: list.hasPrefix("l") ? row.artist : nil, album: nil, uri: nil, plays: row.plays, msPlayed: row.ms)
            }
        }
        report.topTracks = HistoryTopLists(byPlays: entries("tp"), byMinutes: entries("tm"))
        report.topArtists = HistoryTopLists(byPlays: entries("ap"), byMinutes: entries("am"))
        report.topAlbums = HistoryTopLists(byPlays: entries("lp"), byMinutes: entries("lm"))
        report.tracks = ranked.first { $0.list == "nt" }.map { Int($0.id) } ?? 0
        report.artists = ranked.first { $0.list == "na" }.map { Int($0.id) } ?? 0
        return report
    }

    /// Totals, the chart, hours of day and weekdays, from the hourly rollup in one statement.
    private static func readTimeline(
        listener id: Int64, plan: PeriodPlan, into report: inout HistoryReport, on database: any SQLDatabase
    ) async throws {
        let bucket =
            switch report.chart.unit {
            case .day: "local_hour / 24"
            case .week: "(local_hour / 24 + 3) / 7"
            case .month: "local_month"
            }
        let range = SQLQueryString(
            "listener_id = \(bind: id) AND local_hour >= \(bind: plan.from.dayNumber * 24) AND local_hour < \(bind: (plan.to.dayNumber + 1) * 24)")
        let sums = "CAST(SUM(plays) AS BIGINT) AS plays, CAST(SUM(short_plays) AS BIGINT) AS short_plays, CAST(SUM(ms_played) AS BIGINT) AS ms"
        let query: SQLQueryString =
            "SELECT 0 AS kind, \(unsafeRaw: bucket) AS k, \(unsafeRaw: sums) FROM encore_play_hours WHERE \(range) GROUP BY \(unsafeRaw: bucket)"
            + " UNION ALL SELECT 1 AS kind, local_hour % 24 AS k, \(unsafeRaw: sums) FROM encore_play_hours WHERE \(range) GROUP BY local_hour % 24"
            + " UNION ALL SELECT 2 AS kind, (local_hour / 24 + 3) % 7 AS k, \(unsafeRaw: sums) FROM encore_play_hours WHERE \(range)"
            + " GROUP BY (local_hour / 24 + 3) % 7"
        var chart: [Int64: HistoryAmount] = [:]
        for row in try await database.raw(query).all() {
            let kind = try row.decode(column: "kind", as: Int.self)
            let key = try row.decode(column: "k", as: Int64.self)
            let amount = HistoryAmount(plays: try row.decode(column: "plays", as: Int.self), msPlayed: try row.decode(column: "ms", as: Int64.self))
            switch kind {
            case 0: chart[key] = amount
            case 1 where (0..<24).contains(key):
                report.hours[Int(key)] = amount
                report.plays += amount.plays
                report.shortPlays += try row.decode(column: "short_plays", as: Int.self)
                report.msPlayed += amount.msPlayed
            case 2 where (0..<7).contains(key): report.weekdays[Int(key)] = amount
            default: break
            }
        }
        report.minutes = report.msPlayed / 60_000
        report.chart.points = report.chart.points.map { point in
            let key =
                switch report.chart.unit {
                case .day: point.start.dayNumber
                case .week: LocalCalendar.floorDiv(point.start.dayNumber + 3, 7)
                case .month: point.start.monthNumber
                }
            let amount = chart[key] ?? HistoryAmount()
            return HistoryChart.Point(start: point.start, plays: amount.plays, msPlayed: amount.msPlayed)
        }
    }

    /// Whether the period holds every play of the listener, so the all-time rollup answers.
    private static func coversWholeHistory(listener id: Int64, plan: PeriodPlan, first: Date?, on database: any SQLDatabase) async throws -> Bool {
        let row = try await database.raw(
            """
            SELECT (SELECT MIN(played_at_ms) FROM encore_plays WHERE listener_id = \(bind: id)) AS first_ms,
                (SELECT MAX(played_at_ms) FROM encore_plays WHERE listener_id = \(bind: id)) AS last_ms
            """
        ).first()
        guard let firstMs = try row?.decode(column: "first_ms", as: Int64?.self), let lastMs = try row?.decode(column: "last_ms", as: Int64?.self)
        else { return false }
        return firstMs >= plan.startMs && lastMs < plan.endMs
    }

    /// Six top lists and two counts in one statement over one aggregate of the period.
    private static func topListsQuery(listener id: Int64, parts: SQLQueryString, limit: Int) -> SQLQueryString {
        let limit = max(1, min(limit, 100))
        return """
            WITH parts AS (\(parts)),
            agg AS (SELECT track_id, CAST(SUM(plays) AS BIGINT) AS plays, CAST(SUM(ms_played) AS BIGINT) AS ms FROM parts GROUP BY track_id),
            named AS (SELECT agg.track_id, agg.plays, agg.ms, t.artist, t.album FROM agg JOIN encore_history_tracks t ON t.track_id = agg.track_id WHERE t.kind = 1),
            artists AS (SELECT artist, CAST(SUM(plays) AS BIGINT) AS plays, CAST(SUM(ms) AS BIGINT) AS ms, MIN(track_id) AS tie FROM named GROUP BY artist),
            albums AS (SELECT album, artist, CAST(SUM(plays) AS BIGINT) AS plays, CAST(SUM(ms) AS BIGINT) AS ms, MIN(track_id) AS tie FROM named GROUP BY album, artist)
            SELECT list, id, name, artist, plays, ms FROM (SELECT 'tp' AS list, track_id AS id, '' AS name, '' AS artist, plays, ms FROM named WHERE plays > 0 ORDER BY plays DESC, ms DESC, track_id LIMIT \(literal: limit)) AS tp
            UNION ALL SELECT list, id, name, artist, plays, ms FROM (SELECT 'tm' AS list, track_id AS id, '' AS name, '' AS artist, plays, ms FROM named ORDER BY ms DESC, plays DESC, track_id LIMIT \(literal: limit)) AS tm
            UNION ALL SELECT list, id, name, artist, plays, ms FROM (SELECT 'ap' AS list, tie AS id, artist AS name, '' AS artist, plays, ms FROM artists WHERE plays > 0 ORDER BY plays DESC, ms DESC, tie LIMIT \(literal: limit)) AS ap
            UNION ALL SELECT list, id, name, artist, plays, ms FROM (SELECT 'am' AS list, tie AS id, artist AS name, '' AS artist, plays, ms FROM artists ORDER BY ms DESC, plays DESC, tie LIMIT \(literal: limit)) AS am
            UNION ALL SELECT list, id, name, artist, plays, ms FROM (SELECT 'lp' AS list, tie AS id, album AS name, artist, plays, ms FROM albums WHERE plays > 0 ORDER BY plays DESC, ms DESC, tie LIMIT \(literal: limit)) AS lp
            UNION ALL SELECT list, id, name, artist, plays, ms FROM (SELECT 'lm' AS list, tie AS id, album AS name, artist, plays, ms FROM albums ORDER BY ms DESC, plays DESC, tie LIMIT \(literal: limit)) AS lm
            UNION ALL SELECT 'nt' AS list, COUNT(*) AS id, '' AS name, '' AS artist, 0 AS plays, 0 AS ms FROM named
            UNION ALL SELECT 'na' AS list, COUNT(*) AS id, '' AS name, '' AS artist, 0 AS plays, 0 AS ms FROM artists
            """
    }

    /// What was played, with each track's first and latest play over the whole history.
    static func items(_ ids: Set<Int64>, listener: Int64, on database: any SQLDatabase) async throws -> [Int64: StoredItem] {
        var items: [Int64: StoredItem] = [:]
        for chunk in Array(ids).chunked(1_000) {
            let rows = try await database.raw(
                """
                SELECT t.track_id, t.kind, t.uri, t.name, t.artist, t.album, p.first_played_ms, p.last_played_ms
                FROM encore_history_tracks t LEFT JOIN encore_play_tracks p ON p.listener_id = \(bind: listener) AND p.track_id = t.track_id
                WHERE t.track_id IN (\(binds: chunk.map { $0 }))
                """
            ).all()
            for row in rows {
                let id = try row.decode(column: "track_id", as: Int64.self)
                items[id] = StoredItem(
                    id: id, kind: try row.decode(column: "kind", as: Int.self), uri: try row.decode(column: "uri", as: String?.self),
                    name: try row.decode(column: "name", as: String.self), artist: try row.decode(column: "artist", as: String.self),
                    album: try row.decode(column: "album", as: String.self),
                    firstMs: try row.decode(column: "first_played_ms", as: Int64?.self),
                    lastMs: try row.decode(column: "last_played_ms", as: Int64?.self))
            }
        }
        return items
    }
}

/// A track, episode or chapter as stored, for the top lists.
struct StoredItem {
    var id: Int64
    var kind: Int
    var uri: String?
    var name: String
    var artist: String
    var album: String
    var firstMs: Int64?
    var lastMs: Int64?

    func entry(plays: Int, ms: Int64) -> HistoryTopEntry {
        HistoryTopEntry(
            name: name, artist: artist, album: album.isEmpty ? nil : album, uri: uri, plays: plays, msPlayed: ms,
            firstPlayedAt: firstMs.map(Date.init(unixMilliseconds:)), latestPlayedAt: lastMs.map(Date.init(unixMilliseconds:)))
    }
}

/// A period of local days and how to read it: its UTC bounds, its chart, and which rollup
/// answers which part of it.
struct PeriodPlan {
    let from: LocalDate
    let to: LocalDate
    let calendar: LocalCalendar
    /// The UTC moments the period starts and ends (exclusive).
    let startMs: Int64
    let endMs: Int64
    let chartUnit: HistoryChart.Unit

    init(from: LocalDate, to: LocalDate, calendar: LocalCalendar, chartUnit: HistoryChart.Unit? = nil) {
        self.from = from
        self.to = to
        self.calendar = calendar
        startMs = calendar.startMs(of: from)
        endMs = calendar.startMs(of: to.adding(days: 1))
        self.chartUnit = chartUnit ?? HistoryChart.unit(forDays: to.dayNumber - from.dayNumber + 1)
    }

    func emptyReport() -> HistoryReport {
        let unit = chartUnit
        return HistoryReport(
            from: from, to: to, timeZone: calendar.timeZone.identifier, plays: 0, shortPlays: 0, msPlayed: 0, minutes: 0, tracks: 0, artists: 0,
            chart: HistoryChart(unit: unit, points: chartStarts(unit).map { HistoryChart.Point(start: $0, plays: 0, msPlayed: 0) }),
            hours: Array(repeating: HistoryAmount(), count: 24), weekdays: Array(repeating: HistoryAmount(), count: 7),
            topTracks: HistoryTopLists(byPlays: [], byMinutes: []), topArtists: HistoryTopLists(byPlays: [], byMinutes: []),
            topAlbums: HistoryTopLists(byPlays: [], byMinutes: []))
    }

    /// The first day of every chart bucket that overlaps the period.
    func chartStarts(_ unit: HistoryChart.Unit) -> [LocalDate] {
        switch unit {
        case .day:
            return (from.dayNumber...to.dayNumber).map(LocalDate.init(dayNumber:))
        case .week:
            let first = from.dayNumber - Int64(from.weekday)
            return stride(from: first, through: to.dayNumber, by: 7).map(LocalDate.init(dayNumber:))
        case .month:
            return (from.monthNumber...to.monthNumber).map(LocalDate.firstDay(ofMonthNumber:))
        }
    }

    /// The period as rows of (track_id, plays, ms_played): whole local years from the yearly
    /// rollup, whole local months from the monthly one, the days left at either end from the
    /// plays; or the all-time rollup when the period holds the whole history.
    func parts(listener id: Int64, wholeHistory: Bool) -> SQLQueryString {
        if wholeHistory {
            return "SELECT track_id, plays, ms_played FROM encore_play_tracks WHERE listener_id = \(bind: id)"
        }
        var parts: [SQLQueryString] = []
        func raw(_ start: LocalDate, _ end: LocalDate) {
            guard start < end else { return }
            let startMs = calendar.startMs(of: start), endMs = calendar.startMs(of: end)
            parts.append(
                """
                SELECT track_id, CASE WHEN ms_played >= \(literal: Play.countedAfterMs) THEN 1 ELSE 0 END AS plays, ms_played FROM encore_plays
                WHERE listener_id = \(bind: id) AND played_at_ms >= \(bind: startMs) AND played_at_ms < \(bind: endMs)
                """)
        }
        func rollup(_ table: String, _ column: String, _ lower: Int64, _ upper: Int64) {
            guard lower < upper else { return }
            parts.append(
                "SELECT track_id, plays, ms_played FROM \(unsafeRaw: table) WHERE listener_id = \(bind: id) AND \(unsafeRaw: column) >= \(bind: lower) AND \(unsafeRaw: column) < \(bind: upper)"
            )
        }
        let end = to.adding(days: 1)
        // Whole months: from the first month starting on or after `from` to the last ending by `end`.
        let firstMonth = from.day == 1 ? from.monthNumber : from.monthNumber + 1
        let endMonth = end.monthNumber
        if firstMonth >= endMonth {
            raw(from, end)
        } else {
            raw(from, LocalDate.firstDay(ofMonthNumber: firstMonth))
            let firstYear = LocalCalendar.floorDiv(firstMonth + 11, 12)
            let endYear = LocalCalendar.floorDiv(endMonth, 12)
            if firstYear < endYear {
                rollup("encore_play_months", "local_month", firstMonth, firstYear * 12)
                rollup("encore_play_years", "local_year", firstYear, endYear)
                rollup("encore_play_months", "local_month", endYear * 12, endMonth)
            } else {
                rollup("encore_play_months", "local_month", firstMonth, endMonth)
            }
            raw(LocalDate.firstDay(ofMonthNumber: endMonth), end)
        }
        return parts.dropFirst().reduce(parts.first ?? "SELECT track_id, plays, ms_played FROM encore_play_tracks WHERE 1 = 0") {
            $0 + " UNION ALL " + $1
        }
    }
}

/// The report computed in Swift from the plays of the period.
struct ComputedReport {
    let report: HistoryReport

    init(plan: PeriodPlan, plays: [(at: Int64, track: Int64, ms: Int64)], items: [Int64: StoredItem], limit: Int) {
        var report = plan.emptyReport()
        var calendar = plan.calendar
        var chart: [LocalDate: HistoryAmount] = [:]
        var tracks: [Int64: HistoryAmount] = [:]
        for play in plays {
            let counted = play.ms >= Int64(Play.countedAfterMs)
            let local = calendar.localMs(play.at)
            let date = LocalDate(dayNumber: LocalCalendar.floorDiv(local, LocalCalendar.dayMs))
            let hour = Int(LocalCalendar.floorMod(LocalCalendar.floorDiv(local, LocalCalendar.hourMs), 24))
            let key: LocalDate =
                switch report.chart.unit {
                case .day: date
                case .week: date.adding(days: -Int64(date.weekday))
                case .month: date.firstOfMonth
                }
            for index in [0, 1, 2] {
                var amount =
                    switch index {
                    case 0: chart[key] ?? HistoryAmount()
                    case 1: report.hours[hour]
                    default: report.weekdays[date.weekday]
                    }
                amount.plays += counted ? 1 : 0
                amount.msPlayed += play.ms
                switch index {
                case 0: chart[key] = amount
                case 1: report.hours[hour] = amount
                default: report.weekdays[date.weekday] = amount
                }
            }
            report.plays += counted ? 1 : 0
            report.shortPlays += counted ? 0 : 1
            report.msPlayed += play.ms
            tracks[play.track, default: HistoryAmount()].plays += counted ? 1 : 0
            tracks[play.track, default: HistoryAmount()].msPlayed += play.ms
        }
        report.minutes = report.msPlayed / 60_000
        report.chart.points = report.chart.points.map { point in
            let amount = chart[point.start] ?? HistoryAmount()
            return HistoryChart.Point(start: point.start, plays: amount.plays, msPlayed: amount.msPlayed)
        }
        report.firstPlayAt = plays.first.map { Date(unixMilliseconds: $0.at) }
        report.latestPlayAt = plays.last.map { Date(unixMilliseconds: $0.at) }
        let music = tracks.filter { items[$0.key]?.kind == PlayedKind.track.rawValue }
        report.tracks = music.count
        report.topTracks = Self.top(music.map { (id: $0.key, amount: $0.value) }, limit: limit) { id, amount in
            items[id]?.entry(plays: amount.plays, ms: amount.msPlayed)
                ?? HistoryTopEntry(name: "", artist: nil, album: nil, uri: nil, plays: amount.plays, msPlayed: amount.msPlayed)
        }
        var artists: [String: (tie: Int64, amount: HistoryAmount)] = [:]
        var albums: [[String]: (tie: Int64, amount: HistoryAmount)] = [:]
        for (id, amount) in music {
            guard let item = items[id] else { continue }
            for (key, isArtist) in [([item.artist], true), ([item.album, item.artist], false)] {
                var entry = (isArtist ? artists[key[0]] : albums[key]) ?? (id, HistoryAmount())
                entry.tie = min(entry.tie, id)
                entry.amount.plays += amount.plays
                entry.amount.msPlayed += amount.msPlayed
                if isArtist { artists[key[0]] = entry } else { albums[key] = entry }
            }
        }
        report.artists = artists.count
        report.topArtists = Self.top(artists.map { (id: $0.value.tie, amount: $0.value.amount, name: $0.key) }, limit: limit)
        report.topAlbums = Self.top(albums.map { (id: $0.value.tie, amount: $0.value.amount, name: $0.key[0], artist: $0.key[1]) }, limit: limit)
        self.report = report
    }

    private static func top(
        _ entries: [(id: Int64, amount: HistoryAmount)], limit: Int, _ make: (Int64, HistoryAmount) -> HistoryTopEntry
    )
        -> HistoryTopLists
    {
        let byPlays = entries.filter { $0.amount.plays > 0 }.sorted {
            ($0.amount.plays, $0.amount.msPlayed, -$0.id) > ($1.amount.plays, $1.amount.msPlayed, -$1.id)
        }
        let byMinutes = entries.sorted { ($0.amount.msPlayed, $0.amount.plays, -$0.id) > ($1.amount.msPlayed, $1.amount.plays, -$1.id) }
        return HistoryTopLists(
            byPlays: byPlays.prefix(limit).map { make($0.id, $0.amount) }, byMinutes: byMinutes.prefix(limit).map { make($0.id, $0.amount) })
    }

    private static func top(_ entries: [(id: Int64, amount: HistoryAmount, name: String)], limit: Int) -> HistoryTopLists {
        let named = Dictionary(entries.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        return top(entries.map { ($0.id, $0.amount) }, limit: limit) { id, amount in
            HistoryTopEntry(name: named[id] ?? "", artist: nil, album: nil, uri: nil, plays: amount.plays, msPlayed: amount.msPlayed)
        }
    }

    private static func top(_ entries: [(id: Int64, amount: HistoryAmount, name: String, artist: String)], limit: Int) -> HistoryTopLists {
        let named = Dictionary(entries.map { ($0.id, ($0.name, $0.artist)) }, uniquingKeysWith: { first, _ in first })
        return top(entries.map { ($0.id, $0.amount) }, limit: limit) { id, amount in
            HistoryTopEntry(name: named[id]?.0 ?? "", artist: named[id]?.1, album: nil, uri: nil, plays: amount.plays, msPlayed: amount.msPlayed)
        }
    }
}

extension Date {
    init(unixMilliseconds: Int64) {
        self.init(timeIntervalSince1970: TimeInterval(unixMilliseconds) / 1000)
    }
}
