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
        try await report(
            userID: userID, listener: try await listener(userID: userID), from: from, to: to, timeZone: timeZone, limit: limit, chartUnit: chartUnit)
    }

    /// The same for a listener already read: a page reads them first, for their zone and span.
    public func report(for listener: HistoryListener, from: LocalDate, to: LocalDate, limit: Int = 10) async throws -> HistoryReport {
        try await report(userID: listener.userID, listener: listener, from: from, to: to, timeZone: nil, limit: limit, chartUnit: nil)
    }

    private func report(
        userID: String, listener: HistoryListener?, from: LocalDate, to: LocalDate, timeZone: TimeZone?, limit: Int, chartUnit: HistoryChart.Unit?
    ) async throws -> HistoryReport {
        let stored = listener.flatMap { LocalCalendar.zone(named: $0.timeZone) } ?? TimeZone(identifier: "UTC") ?? .current
        let zone = timeZone ?? stored
        let plan = PeriodPlan(from: from, to: to, calendar: LocalCalendar(timeZone: zone), chartUnit: chartUnit)
        guard let listener else { return plan.emptyReport() }
        if zone.identifier == stored.identifier {
            return try await storedReport(for: listener, plan: plan, limit: limit)
        }
        return try await computedReport(userID: userID, from: from, to: to, timeZone: zone, limit: limit, chartUnit: chartUnit)
    }

    /// A period's report from the rollups in the listener's own zone. Its figures are worked out
    /// once and remembered while the history stands as it was (``PeriodMemo``: every write of
    /// plays moves the key on); the names in its lists are read each time.
    private func storedReport(for listener: HistoryListener, plan: PeriodPlan, limit: Int) async throws -> HistoryReport {
        let id = HistoryID.listener(listener.userID)
        let limit = max(1, min(limit, 100))
        return try await engine.withDatabase(idempotent: true, limit: HistoryStore.readLimit) { database in
            let catalog = try await self.catalog(listener: id, generation: listener.generation, on: database)
            let figures = try await self.periodFigures.value(for: PeriodMemoKey(listener, from: plan.from, to: plan.to, detail: limit)) {
                try await self.countFigures(listener: listener, plan: plan, limit: limit, catalog: catalog, on: database)
            }
            var report = figures.report
            try await Self.name(&report, top: figures.top, listener: id, catalog: catalog, on: database)
            return report
        }
    }

    /// Everything a period's report counts, from the rollups: totals, chart, weekdays and hours,
    /// the ranked top lists (by track number), sessions and streaks.
    private func countFigures(
        listener: HistoryListener, plan: PeriodPlan, limit: Int, catalog: HistoryCatalog, on database: any SQLDatabase
    ) async throws -> PeriodFigures {
        let id = HistoryID.listener(listener.userID)
        let days = try await Self.listenedDays(listener: id, plan: plan, on: database)
        var figures = try await Self.rollupFigures(listener: id, plan: plan, days: days, limit: limit, on: database)
        // Sessions over the stored months and the odd days' plays; streaks from the days.
        let spans = try await Self.sessionSpans(listener: id, plan: plan, on: database)
        let longest = try await spans.longest.asyncMap { span in
            HistorySession(span, tracks: try await Self.sessionTracks(span, listener: id, plan: plan, catalog: catalog, on: database))
        }
        figures.report.setSessions(spans, longest: longest, streaks: Streaks(days: days.filter { $0.plays > 0 }.map(\.day), last: plan.to))
        return figures
    }

    /// The report of a period as the listener sees it: presets counted from today in their zone,
    /// "all time" from their first to their latest play.
    public func report(userID: String, period: HistoryPeriod, timeZone: TimeZone? = nil, now: Date, limit: Int = 10) async throws -> HistoryReport {
        let listener = try await listener(userID: userID)
        let days = try await self.days(
            for: listener ?? HistoryListener(userID: userID, timeZone: "UTC", generation: 0, recording: false), timeZone: timeZone, now: now)
        let (from, to) = days.days(of: period)
        return try await report(userID: userID, listener: listener, from: from, to: to, timeZone: timeZone, limit: limit, chartUnit: nil)
    }

    /// The same report computed from the plays themselves in any time zone: slower, and the
    /// reference the rollups are tested against.
    public func computedReport(
        userID: String, from: LocalDate, to: LocalDate, timeZone: TimeZone, limit: Int = 10, chartUnit: HistoryChart.Unit? = nil
    ) async throws -> HistoryReport {
        let id = HistoryID.listener(userID)
        let plan = PeriodPlan(from: from, to: to, calendar: LocalCalendar(timeZone: timeZone), chartUnit: chartUnit)
        let generation = try await listener(userID: userID)?.generation ?? 0
        return try await engine.withDatabase(idempotent: true, limit: HistoryStore.readLimit) { database in
            let catalog = try await self.catalog(listener: id, generation: generation, on: database)
            let rows = try await database.raw(
                """
                SELECT played_at_ms, track_id, ms_played, source FROM encore_plays
                WHERE listener_id = \(bind: id) AND played_at_ms >= \(bind: plan.startMs) AND played_at_ms < \(bind: plan.endMs)
                ORDER BY played_at_ms
                """
            ).all()
            var plays: [(at: Int64, track: Int64, ms: Int64, estimated: Bool)] = []
            plays.reserveCapacity(rows.count)
            for row in rows {
                plays.append(
                    (
                        try row.decode(column: "played_at_ms", as: Int64.self), try row.decode(column: "track_id", as: Int64.self),
                        try row.decode(column: "ms_played", as: Int64.self),
                        try row.decode(column: "source", as: Int.self) == PlaySource.recorded.rawValue
                    ))
            }
            let items = try await Self.items(Set(plays.map(\.track)), listener: id, on: database)
            return ComputedReport(plan: plan, plays: plays, items: items, catalog: catalog, limit: limit).report
        }
    }

    /// A year on one page: the year's report by month, its biggest day, and how many tracks
    /// were first heard that year.
    ///
    /// - Parameter now: the moment the current streak runs up to when the year is not over;
    ///   without it, the year's last day.
    public func recap(userID: String, year: Int, limit: Int = 5, now: Date? = nil) async throws -> HistoryRecap {
        try await recap(userID: userID, listener: try await listener(userID: userID), year: year, limit: limit, now: now)
    }

    /// The same for a listener already read.
    public func recap(for listener: HistoryListener, year: Int, limit: Int = 5, now: Date? = nil) async throws -> HistoryRecap {
        try await recap(userID: listener.userID, listener: listener, year: year, limit: limit, now: now)
    }

    private func recap(userID: String, listener: HistoryListener?, year: Int, limit: Int, now: Date?) async throws -> HistoryRecap {
        let from = LocalDate(year: year, month: 1, day: 1) ?? LocalDate(dayNumber: 0)
        let to = LocalDate(year: year, month: 12, day: 31) ?? LocalDate(dayNumber: 0)
        let zone = listener.flatMap { LocalCalendar.zone(named: $0.timeZone) } ?? TimeZone(identifier: "UTC") ?? .current
        let plan = PeriodPlan(from: from, to: to, calendar: LocalCalendar(timeZone: zone), chartUnit: .month)
        guard let listener else { return HistoryRecap(year: year, report: plan.emptyReport(), busiestDay: nil, newTracks: 0) }
        let report = try await storedReport(for: listener, plan: plan, limit: limit)
        var recap = HistoryRecap(year: year, report: report, busiestDay: nil, newTracks: 0)
        guard report.msPlayed > 0 || report.shortPlays > 0 else { return recap }
        recap = try await engine.withDatabase(idempotent: true, limit: HistoryStore.readLimit) { [recap] database in
            var recap = recap
            let days = try await Self.listenedDays(listener: HistoryID.listener(listener.userID), plan: plan, on: database)
            // The most listened day; of equal ones, the earliest.
            recap.busiestDay = days.max { ($0.msPlayed, -$0.day) < ($1.msPlayed, -$1.day) }.map {
                HistoryRecap.Day(date: LocalDate(dayNumber: $0.day), plays: Int($0.plays), msPlayed: $0.msPlayed)
            }
            guard report.msPlayed > 0 else { return recap }
            try await self.addYearAtAGlance(to: &recap, listener: listener, plan: plan, days: days, on: database)
            return recap
        }
        // Tracks first heard this year: the all-time pack's first plays, month by month.
        recap.newTracks = recap.newByMonth.reduce(0) { $0 + $1.tracks }
        // A year still going has its current streak up to today, not up to 31 December.
        var calendar = plan.calendar
        if let today = now.map({ calendar.date(ofUTC: $0.unixMilliseconds) }), today < to, today >= from {
            let played = recap.days.filter { $0.plays > 0 && $0.date <= today }.map(\.date.dayNumber)
            recap.report.currentStreakDays = Streaks(days: played, last: today).current
        }
        return recap
    }

    // MARK: From the rollups

    private static func rollupFigures(
        listener id: Int64, plan: PeriodPlan, days: [ListenedDay], limit: Int, on database: any SQLDatabase
    ) async throws -> PeriodFigures {
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
        else { return PeriodFigures(report: report, top: nil) }
        report.addDays(days)
        try await readHours(listener: id, plan: plan, into: &report, on: database)
        let keys = plan.packKeys(firstPlayMs: allFirst, latestPlayMs: allLast)
        let top = PeriodTop(PeriodTally(try await packs(keys, listener: id, calendar: plan.calendar, on: database)), limit: limit)
        report.tracks = top.trackCount
        report.artists = top.artistCount
        return PeriodFigures(report: report, top: top)
    }

    /// Fills the top lists from their ranked track numbers: every entry is named by a track, an
    /// artist or an album by its smallest track number.
    private static func name(
        _ report: inout HistoryReport, top: PeriodTop?, listener id: Int64, catalog: HistoryCatalog, on database: any SQLDatabase
    ) async throws {
        guard let top else { return }
        let named = [top.tracks, top.artists, top.albums]
        let items = try await Self.items(Set(named.flatMap { $0.byPlays + $0.byMinutes }.map(\.id)), listener: id, on: database)
        func entries(_ ranked: [PeriodTally.Ranked], _ entry: (StoredItem, PeriodTally.Ranked) -> HistoryTopEntry) -> [HistoryTopEntry] {
            ranked.compactMap { row in items[row.id].map { entry($0, row) } }
        }
        func lists(_ lists: PeriodTally.Lists, _ entry: (StoredItem, PeriodTally.Ranked) -> HistoryTopEntry) -> HistoryTopLists {
            HistoryTopLists(byPlays: entries(lists.byPlays, entry), byMinutes: entries(lists.byMinutes, entry))
        }
        report.topTracks = lists(top.tracks) { item, row in item.entry(plays: row.plays, ms: row.ms, catalog: catalog) }
        report.topArtists = lists(top.artists) { item, row in item.artistEntry(plays: row.plays, ms: row.ms, catalog: catalog) }
        report.topAlbums = lists(top.albums) { item, row in item.albumEntry(plays: row.plays, ms: row.ms, catalog: catalog) }
    }

    /// Hours of the day, from the hourly rollups (whole months from their own).
    private static func readHours(listener id: Int64, plan: PeriodPlan, into report: inout HistoryReport, on database: any SQLDatabase) async throws {
        let query: SQLQueryString =
            "SELECT hour_of_day AS k, CAST(SUM(plays) AS BIGINT) AS plays, CAST(SUM(ms_played) AS BIGINT) AS ms FROM (\(plan.hourParts(listener: id))) AS hours GROUP BY hour_of_day"
        for row in try await database.raw(query).all() {
            let hour = try row.decode(column: "k", as: Int64.self)
            guard (0..<24).contains(hour) else { continue }
            report.hours[Int(hour)] = HistoryAmount(
                plays: try row.decode(column: "plays", as: Int.self), msPlayed: try row.decode(column: "ms", as: Int64.self))
        }
    }

    /// What was played, with each track's first and latest play over the whole history.
    static func items(_ ids: Set<Int64>, listener: Int64, on database: any SQLDatabase) async throws -> [Int64: StoredItem] {
        var items: [Int64: StoredItem] = [:]
        for chunk in Array(ids).chunked(1_000) {
            let rows = try await database.raw(
                """
                SELECT \(unsafeRaw: HistoryCatalog.Item.columns(of: "t")), p.first_played_ms, p.last_played_ms
                FROM encore_history_items t LEFT JOIN encore_play_tracks p ON p.listener_id = t.listener_id AND p.track_id = t.track_id
                WHERE t.listener_id = \(bind: listener) AND t.track_id IN (\(binds: chunk.map { $0 }))
                """
            ).all()
            for row in rows {
                let item = try HistoryCatalog.Item(row: row)
                items[item.id] = StoredItem(
                    item: item, firstMs: try row.decode(column: "first_played_ms", as: Int64?.self),
                    lastMs: try row.decode(column: "last_played_ms", as: Int64?.self))
            }
        }
        return items
    }
}

/// A track, episode or chapter as stored, with its first and latest play, for the top lists.
@dynamicMemberLookup
struct StoredItem {
    var item: HistoryCatalog.Item
    var firstMs: Int64?
    var lastMs: Int64?

    subscript<T>(dynamicMember keyPath: KeyPath<HistoryCatalog.Item, T>) -> T { item[keyPath: keyPath] }

    func entry(plays: Int, ms: Int64, catalog: HistoryCatalog) -> HistoryTopEntry {
        HistoryTopEntry(
            name: item.name, artist: item.artist, album: item.album.isEmpty ? nil : item.album, uri: item.uri, id: catalog.link(.track, item.id),
            plays: plays, msPlayed: ms,
            firstPlayedAt: firstMs.map(Date.init(unixMilliseconds:)), latestPlayedAt: lastMs.map(Date.init(unixMilliseconds:)))
    }

    /// This track's artist, as a top list names them.
    func artistEntry(plays: Int, ms: Int64, catalog: HistoryCatalog) -> HistoryTopEntry {
        HistoryTopEntry(name: item.artist, artist: nil, album: nil, uri: nil, id: catalog.link(.artist, item.artistID), plays: plays, msPlayed: ms)
    }

    /// This track's album, as a top list names it.
    func albumEntry(plays: Int, ms: Int64, catalog: HistoryCatalog) -> HistoryTopEntry {
        HistoryTopEntry(
            name: item.album, artist: item.artist, album: nil, uri: nil, id: catalog.link(.album, item.albumID), plays: plays, msPlayed: ms)
    }
}

extension Optional {
    /// The wrapped value transformed by an async function.
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}

extension Date {
    init(unixMilliseconds: Int64) {
        self.init(timeIntervalSince1970: TimeInterval(unixMilliseconds) / 1000)
    }
}

extension HistoryReport {
    /// Totals, the chart and weekdays, summed from the period's days.
    mutating func addDays(_ days: [ListenedDay]) {
        var chartSums: [Int64: HistoryAmount] = [:]
        for day in days {
            let key =
                switch chart.unit {
                case .day: day.day
                case .week: LocalCalendar.floorDiv(day.day + 3, 7)
                case .month: LocalDate(dayNumber: day.day).monthNumber
                }
            chartSums[key, default: HistoryAmount()].plays += Int(day.plays)
            chartSums[key, default: HistoryAmount()].msPlayed += day.msPlayed
            let weekday = Int(LocalCalendar.floorMod(day.day + 3, 7))
            weekdays[weekday].plays += Int(day.plays)
            weekdays[weekday].msPlayed += day.msPlayed
            plays += Int(day.plays)
            shortPlays += Int(day.shortPlays)
            msPlayed += day.msPlayed
            estimatedMs += day.estimatedMs
        }
        minutes = msPlayed / 60_000
        let unit = chart.unit
        chart.points = chart.points.map { point in
            let key =
                switch unit {
                case .day: point.start.dayNumber
                case .week: LocalCalendar.floorDiv(point.start.dayNumber + 3, 7)
                case .month: point.start.monthNumber
                }
            let amount = chartSums[key] ?? HistoryAmount()
            return HistoryChart.Point(start: point.start, plays: amount.plays, msPlayed: amount.msPlayed)
        }
    }
}

/// What a period's page counts, kept by ``PeriodMemo``: the report without the names in its
/// lists (those are read each time, so a renamed item shows at once), and the lists ranked by
/// track number. A few kilobytes, where the tally it was ranked from holds every track.
struct PeriodFigures: Sendable {
    var report: HistoryReport
    var top: PeriodTop?
}

/// A period's tally ranked: its lists by track number, and how many tracks and artists it holds.
struct PeriodTop: Sendable {
    var tracks: PeriodTally.Lists
    var artists: PeriodTally.Lists
    var albums: PeriodTally.Lists
    var trackCount: Int
    var artistCount: Int

    init(_ tally: PeriodTally, limit: Int) {
        tracks = tally.topTracks(limit: limit)
        let artistGroups = tally.grouped(byAlbum: false)
        artists = PeriodTally.ranked(artistGroups, limit: limit)
        albums = PeriodTally.ranked(tally.grouped(byAlbum: true), limit: limit)
        trackCount = tally.trackCount
        artistCount = artistGroups.count
    }
}
