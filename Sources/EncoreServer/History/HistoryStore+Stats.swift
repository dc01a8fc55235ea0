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
                SELECT local_day AS day, ms_played AS ms, plays FROM encore_play_days
                WHERE listener_id = \(bind: id) AND local_day >= \(bind: from.dayNumber) AND local_day < \(bind: to.dayNumber + 1)
                ORDER BY ms_played DESC, local_day LIMIT 1
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
        let bounds = try await database.raw(
            """
            SELECT (SELECT MIN(played_at_ms) FROM encore_plays WHERE listener_id = \(bind: id) AND played_at_ms >= \(bind: plan.startMs)
                    AND played_at_ms < \(bind: plan.endMs)) AS first_ms,
                (SELECT MAX(played_at_ms) FROM encore_plays WHERE listener_id = \(bind: id) AND played_at_ms >= \(bind: plan.startMs)
                    AND played_at_ms < \(bind: plan.endMs)) AS last_ms,
                (SELECT MIN(played_at_ms) FROM encore_plays WHERE listener_id = \(bind: id)) AS all_first_ms,
                (SELECT MAX(played_at_ms) FROM encore_plays WHERE listener_id = \(bind: id)) AS all_last_ms
            """
        ).first()
        report.firstPlayAt = try bounds?.decode(column: "first_ms", as: Int64?.self).map(Date.init(unixMilliseconds:))
        report.latestPlayAt = try bounds?.decode(column: "last_ms", as: Int64?.self).map(Date.init(unixMilliseconds:))
        guard report.firstPlayAt != nil, let allFirst = try bounds?.decode(column: "all_first_ms", as: Int64?.self),
            let allLast = try bounds?.decode(column: "all_last_ms", as: Int64?.self)
        else { return report }
        try await readTimeline(listener: id, plan: plan, into: &report, on: database)
        let source = plan.topListSource(listener: id, firstPlayMs: allFirst, latestPlayMs: allLast)
        let lists = try await database.raw(topListsQuery(source, limit: limit)).all()
        var ranked: [(list: String, id: Int64, plays: Int, ms: Int64)] = []
        for row in lists {
            ranked.append(
                (
                    try row.decode(column: "list", as: String.self), try row.decode(column: "id", as: Int64.self),
                    try row.decode(column: "plays", as: Int.self), try row.decode(column: "ms", as: Int64.self)
                ))
        }
        // Every entry is named by a track: a track by itself, an artist or an album by its
        // first track (the one its tie-break picked).
        let items = try await Self.items(Set(ranked.filter { $0.list != "nt" && $0.list != "na" }.map(\.id)), listener: id, on: database)
        func entries(_ list: String) -> [HistoryTopEntry] {
            ranked.filter { $0.list == list }.compactMap { row in
                guard let item = items[row.id] else { return nil }
                switch list.first {
                case "t": return item.entry(plays: row.plays, ms: row.ms)
                case "a": return HistoryTopEntry(name: item.artist, artist: nil, album: nil, uri: nil, plays: row.plays, msPlayed: row.ms)
                default: return HistoryTopEntry(name: item.album, artist: item.artist, album: nil, uri: nil, plays: row.plays, msPlayed: row.ms)
                }
            }
        }
        report.topTracks = HistoryTopLists(byPlays: entries("tp"), byMinutes: entries("tm"))
        report.topArtists = HistoryTopLists(byPlays: entries("ap"), byMinutes: entries("am"))
        report.topAlbums = HistoryTopLists(byPlays: entries("lp"), byMinutes: entries("lm"))
        report.tracks = ranked.first { $0.list == "nt" }.map { Int($0.id) } ?? 0
        report.artists = ranked.first { $0.list == "na" }.map { Int($0.id) } ?? 0
        return report
    }

    /// Totals, the chart and weekdays from the daily rollup, hours of the day from the hourly
    /// ones, in one statement.
    private static func readTimeline(
        listener id: Int64, plan: PeriodPlan, into report: inout HistoryReport, on database: any SQLDatabase
    ) async throws {
        let bucket =
            switch report.chart.unit {
            case .day: "local_day"
            case .week: "(local_day + 3) / 7"
            case .month: "local_month"
            }
        let days = SQLQueryString(
            "listener_id = \(bind: id) AND local_day >= \(bind: plan.from.dayNumber) AND local_day < \(bind: plan.to.dayNumber + 1)")
        let sums = "CAST(SUM(plays) AS BIGINT) AS plays, CAST(SUM(short_plays) AS BIGINT) AS short_plays, CAST(SUM(ms_played) AS BIGINT) AS ms"
        let query: SQLQueryString =
            "SELECT 0 AS kind, \(unsafeRaw: bucket) AS k, \(unsafeRaw: sums) FROM encore_play_days WHERE \(days) GROUP BY \(unsafeRaw: bucket)"
            + " UNION ALL SELECT 2 AS kind, (local_day + 3) % 7 AS k, \(unsafeRaw: sums) FROM encore_play_days WHERE \(days) GROUP BY (local_day + 3) % 7"
            + " UNION ALL SELECT 1 AS kind, hour_of_day AS k, \(unsafeRaw: sums) FROM (\(plan.hourParts(listener: id))) AS hours GROUP BY hour_of_day"
        var chart: [Int64: HistoryAmount] = [:]
        for row in try await database.raw(query).all() {
            let kind = try row.decode(column: "kind", as: Int.self)
            let key = try row.decode(column: "k", as: Int64.self)
            let amount = HistoryAmount(plays: try row.decode(column: "plays", as: Int.self), msPlayed: try row.decode(column: "ms", as: Int64.self))
            switch kind {
            case 0: chart[key] = amount
            case 1 where (0..<24).contains(key): report.hours[Int(key)] = amount
            case 2 where (0..<7).contains(key):
                report.weekdays[Int(key)] = amount
                report.plays += amount.plays
                report.shortPlays += try row.decode(column: "short_plays", as: Int.self)
                report.msPlayed += amount.msPlayed
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

    /// Six top lists and two counts in one statement; a tie goes to the smaller track number, as
    /// in ``ComputedReport``.
    private static func topListsQuery(_ source: PeriodPlan.TopListSource, limit: Int) -> SQLQueryString {
        let limit = max(1, min(limit, 100))
        let named: SQLQueryString =
            source.tracksUnique
            ? "SELECT track_id, plays, ms_played AS ms FROM parts WHERE kind = 1"
            : "SELECT track_id, CAST(SUM(plays) AS BIGINT) AS plays, CAST(SUM(ms_played) AS BIGINT) AS ms FROM parts WHERE kind = 1 GROUP BY track_id"
        // Artists and albums: their rollups for the whole years (or all time), the rest summed from
        // the track rows of the months and days around them.
        func grouped(_ rollup: SQLQueryString?, _ key: String) -> SQLQueryString {
            if source.groupsUnique, let rollup { return "SELECT key, plays, ms_played AS ms, tie FROM (\(rollup)) AS rollup" }
            let fromTracks: SQLQueryString =
                "SELECT \(unsafeRaw: key) AS key, plays, ms_played, track_id AS tie FROM parts WHERE kind = 1 AND yearly = 0"
            let rows = rollup.map { fromTracks + " UNION ALL " + $0 } ?? fromTracks
            return
                "SELECT key, CAST(SUM(plays) AS BIGINT) AS plays, CAST(SUM(ms_played) AS BIGINT) AS ms, MIN(tie) AS tie FROM (\(rows)) AS rows GROUP BY key"
        }
        func list(_ name: String, _ from: String, _ id: String, byPlays: Bool) -> String {
            let order = byPlays ? "plays DESC, ms DESC" : "ms DESC, plays DESC"
            return
                "SELECT list, id, plays, ms FROM (SELECT '\(name)' AS list, \(id) AS id, plays, ms FROM \(from)\(byPlays ? " WHERE plays > 0" : "") ORDER BY \(order), \(id) LIMIT \(limit)) AS \(name)"
        }
        let lists = [
            list("tp", "named", "track_id", byPlays: true), list("tm", "named", "track_id", byPlays: false),
            list("ap", "artists", "tie", byPlays: true), list("am", "artists", "tie", byPlays: false),
            list("lp", "albums", "tie", byPlays: true), list("lm", "albums", "tie", byPlays: false),
            "SELECT 'nt' AS list, COUNT(*) AS id, 0 AS plays, 0 AS ms FROM named",
            "SELECT 'na' AS list, COUNT(*) AS id, 0 AS plays, 0 AS ms FROM artists",
        ].joined(separator: " UNION ALL ")
        return "WITH parts AS (\(source.tracks)), named AS (\(named)), artists AS (\(grouped(source.artists, "artist_id"))),"
            + " albums AS (\(grouped(source.albums, "album_id"))) " + SQLQueryString(lists)
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

    /// Where a period's top lists are read from: rows of (track_id, artist_id, album_id, kind,
    /// plays, ms_played, yearly) for tracks, and for music's artists and albums the yearly (or
    /// all-time) rollups of the years the period holds whole; with whether a row per key already.
    struct TopListSource {
        var tracks: SQLQueryString
        var tracksUnique: Bool
        /// Rows of (key, plays, ms_played, tie) from the artist and album rollups, if any.
        var artists: SQLQueryString?
        var albums: SQLQueryString?
        /// The artist and album rollups answer alone (all time, or one whole year).
        var groupsUnique: Bool
    }

    /// Whole local years from the yearly rollups, whole local months from the monthly one, the
    /// days left at either end from the plays; the all-time rollups when the period holds the
    /// whole history. A period reaching past the listener's latest play (or before their first)
    /// reads as if it went on for good: "this year" is then the year's rollups, not eleven months
    /// and some days.
    func topListSource(listener id: Int64, firstPlayMs: Int64, latestPlayMs: Int64) -> TopListSource {
        let openStart = startMs <= firstPlayMs, openEnd = endMs > latestPlayMs
        if openStart && openEnd {
            return TopListSource(
                tracks:
                    "SELECT track_id, artist_id, album_id, kind, plays, ms_played, 1 AS yearly FROM encore_play_tracks WHERE listener_id = \(bind: id)",
                tracksUnique: true,
                artists: "SELECT artist_id AS key, plays, ms_played, tie FROM encore_play_artists WHERE listener_id = \(bind: id)",
                albums: "SELECT album_id AS key, plays, ms_played, tie FROM encore_play_albums WHERE listener_id = \(bind: id)", groupsUnique: true)
        }
        var calendar = calendar
        // An open end reaches the end of the year of the play at that end, so whole years cover it.
        let from = openStart ? LocalDate(year: calendar.date(ofUTC: firstPlayMs).year, month: 1, day: 1) ?? self.from : self.from
        let end = openEnd ? LocalDate(year: calendar.date(ofUTC: latestPlayMs).year + 1, month: 1, day: 1) ?? to.adding(days: 1) : to.adding(days: 1)
        var tracks: [SQLQueryString] = []
        var artists: SQLQueryString?, albums: SQLQueryString?
        var rawParts = 0, monthParts = 0, yearSpan: Int64 = 0
        func raw(_ start: LocalDate, _ end: LocalDate) {
            guard start < end else { return }
            rawParts += 1
            tracks.append(
                """
                SELECT p.track_id AS track_id, t.artist_id AS artist_id, t.album_id AS album_id, t.kind AS kind,
                    CASE WHEN p.ms_played >= \(literal: Play.countedAfterMs) THEN 1 ELSE 0 END AS plays, p.ms_played AS ms_played, 0 AS yearly
                FROM encore_plays p JOIN encore_history_tracks t ON t.track_id = p.track_id
                WHERE p.listener_id = \(bind: id) AND p.played_at_ms >= \(bind: calendar.startMs(of: start)) AND p.played_at_ms < \(bind: calendar.startMs(of: end))
                """)
        }
        func months(_ lower: Int64, _ upper: Int64) {
            guard lower < upper else { return }
            monthParts += 1
            tracks.append(
                "SELECT track_id, artist_id, album_id, kind, plays, ms_played, 0 AS yearly FROM encore_play_months WHERE listener_id = \(bind: id) AND local_month >= \(bind: lower) AND local_month < \(bind: upper)"
            )
        }
        func years(_ lower: Int64, _ upper: Int64) {
            guard lower < upper else { return }
            yearSpan = upper - lower
            let range: SQLQueryString = "WHERE listener_id = \(bind: id) AND local_year >= \(bind: lower) AND local_year < \(bind: upper)"
            tracks.append("SELECT track_id, artist_id, album_id, kind, plays, ms_played, 1 AS yearly FROM encore_play_years " + range)
            artists = "SELECT artist_id AS key, plays, ms_played, tie FROM encore_play_artist_years " + range
            albums = "SELECT album_id AS key, plays, ms_played, tie FROM encore_play_album_years " + range
        }
        let (firstMonth, endMonth) = Self.wholeMonths(from: from, end: end)
        if firstMonth >= endMonth {
            raw(from, end)
        } else {
            raw(from, LocalDate.firstDay(ofMonthNumber: firstMonth))
            let firstYear = LocalCalendar.floorDiv(firstMonth + 11, 12)
            let endYear = LocalCalendar.floorDiv(endMonth, 12)
            if firstYear < endYear {
                months(firstMonth, firstYear * 12)
                years(firstYear, endYear)
                months(endYear * 12, endMonth)
            } else {
                months(firstMonth, endMonth)
            }
            raw(LocalDate.firstDay(ofMonthNumber: endMonth), end)
        }
        // One rollup part is a row per key: a single month for tracks, a single year for all three.
        let onlyOne = rawParts == 0 && tracks.count == 1
        return TopListSource(
            tracks: tracks.dropFirst().reduce(
                tracks.first ?? "SELECT track_id, artist_id, album_id, kind, plays, ms_played, 0 AS yearly FROM encore_play_tracks WHERE 1 = 0"
            ) { $0 + " UNION ALL " + $1 },
            tracksUnique: onlyOne && (monthParts == 1 || yearSpan == 1), artists: artists, albums: albums, groupsUnique: onlyOne && yearSpan == 1)
    }

    /// The period's hours of the day: whole local months from their rollup, the other days from
    /// the hourly one; rows of (hour_of_day, plays, short_plays, ms_played).
    func hourParts(listener id: Int64) -> SQLQueryString {
        let end = to.adding(days: 1)
        let (firstMonth, endMonth) = Self.wholeMonths(from: from, end: end)
        func hours(_ start: LocalDate, _ end: LocalDate) -> SQLQueryString? {
            guard start < end else { return nil }
            return
                "SELECT local_hour % 24 AS hour_of_day, plays, short_plays, ms_played FROM encore_play_hours WHERE listener_id = \(bind: id) AND local_hour >= \(bind: start.dayNumber * 24) AND local_hour < \(bind: end.dayNumber * 24)"
        }
        guard firstMonth < endMonth else { return hours(from, end) ?? "SELECT 0 AS hour_of_day, 0 AS plays, 0 AS short_plays, 0 AS ms_played" }
        let months: SQLQueryString =
            "SELECT hour_of_day, plays, short_plays, ms_played FROM encore_play_hour_months WHERE listener_id = \(bind: id) AND local_month >= \(bind: firstMonth) AND local_month < \(bind: endMonth)"
        let pieces = [hours(from, LocalDate.firstDay(ofMonthNumber: firstMonth)), months, hours(LocalDate.firstDay(ofMonthNumber: endMonth), end)]
            .compactMap { $0 }
        return pieces.dropFirst().reduce(pieces.first ?? months) { $0 + " UNION ALL " + $1 }
    }

    /// The first month starting on or after `from`, and the month after the last one ending by `end`.
    static func wholeMonths(from: LocalDate, end: LocalDate) -> (Int64, Int64) {
        (from.day == 1 ? from.monthNumber : from.monthNumber + 1, end.monthNumber)
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
