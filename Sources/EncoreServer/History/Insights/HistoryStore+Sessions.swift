import Foundation
import SQLKit

/// Consecutive local days with a play (DESIGN.md: "a streak").
struct Streaks: Equatable {
    var longest = 0
    var longestFrom: LocalDate?
    var longestTo: LocalDate?
    /// The run that ends on the period's last day, or on the day before when the last day has no
    /// play yet (a listener who has not played today keeps yesterday's streak).
    var current = 0

    /// Streaks over days (day numbers with at least one play) within a period ending on `last`.
    init(days: [Int64], last: LocalDate) {
        var runStart: Int64?
        var previous: Int64?
        var runs: [(start: Int64, end: Int64)] = []
        for day in Set(days).sorted() {
            if let previous, day == previous + 1 {
                // The run goes on.
            } else {
                if let start = runStart, let previous { runs.append((start, previous)) }
                runStart = day
            }
            previous = day
        }
        if let start = runStart, let previous { runs.append((start, previous)) }
        if let best = runs.max(by: { ($0.end - $0.start, -$0.start) < ($1.end - $1.start, -$1.start) }) {
            longest = Int(best.end - best.start + 1)
            longestFrom = LocalDate(dayNumber: best.start)
            longestTo = LocalDate(dayNumber: best.end)
        }
        if let run = runs.last, run.end == last.dayNumber || run.end == last.dayNumber - 1 {
            current = Int(run.end - run.start + 1)
        }
    }
}

extension HistoryReport {
    /// Fills the sessions and streaks figures.
    mutating func setSessions(_ spans: [SessionSpan], longest: HistorySession?, streaks: Streaks) {
        sessions = spans.count
        averageSessionMs = spans.isEmpty ? 0 : spans.reduce(Int64(0)) { $0 + $1.lengthMs } / Int64(spans.count)
        longestSessionMs = longest?.lengthMs ?? 0
        longestSession = longest
        longestStreakDays = streaks.longest
        longestStreakFrom = streaks.longestFrom
        longestStreakTo = streaks.longestTo
        currentStreakDays = streaks.current
    }
}

/// A local day's totals, as the daily rollup keeps them.
struct ListenedDay: Equatable {
    var day: Int64
    var plays: Int64
    var shortPlays: Int64
    var msPlayed: Int64
    /// The part of `msPlayed` the recorder estimated.
    var estimatedMs: Int64 = 0
}

extension [SessionSpan] {
    /// The longest session; of equal ones, the earliest.
    var longest: SessionSpan? { self.max { ($0.lengthMs, -$0.start) < ($1.lengthMs, -$1.start) } }
}

extension HistoryStore {
    /// The sessions of the entries that ended in a period, from the stored sessions of the local
    /// months it touches: those inside the period are its own; the one running over each end (a
    /// session holds each moment at most once) is counted again from its plays in the period.
    /// So a period reads a row per month and at most two short runs of plays, however long it is.
    static func sessionSpans(listener id: Int64, plan: PeriodPlan, on database: any SQLDatabase) async throws -> [SessionSpan] {
        var stored: [SessionSpan] = []
        for row in try await database.raw(
            """
            SELECT body FROM encore_play_sessions
            WHERE listener_id = \(bind: id) AND local_month >= \(bind: plan.from.monthNumber) AND local_month <= \(bind: plan.to.monthNumber)
            """
        ).all() {
            stored += SessionSpans.decoded(try row.decode(column: "body", as: Data.self)) ?? []
        }
        var spans: [SessionSpan] = []
        for span in SessionSpans.merged(stored) {
            // An entry ended at or after its session's start and at or before its end.
            if span.end < plan.startMs || span.start >= plan.endMs { continue }
            if span.start >= plan.startMs && span.end < plan.endMs {
                spans.append(span)
                continue
            }
            let rows = try await database.raw(
                """
                SELECT played_at_ms, ms_played FROM encore_plays
                WHERE listener_id = \(bind: id) AND played_at_ms >= \(bind: max(plan.startMs, span.start))
                    AND played_at_ms < \(bind: min(plan.endMs, span.end + 1))
                """
            ).all()
            spans += SessionSpans.of(
                try rows.map { (try $0.decode(column: "played_at_ms", as: Int64.self), try $0.decode(column: "ms_played", as: Int64.self)) })
        }
        return spans.sorted { $0.start < $1.start }
    }

    /// The period's days with any listening, from the daily rollup: a report's totals, chart and
    /// weekdays are summed from them, and streaks count those with a play.
    static func listenedDays(listener id: Int64, plan: PeriodPlan, on database: any SQLDatabase) async throws -> [ListenedDay] {
        try await database.raw(
            """
            SELECT local_day, plays, short_plays, ms_played, estimated_ms FROM encore_play_days
            WHERE listener_id = \(bind: id) AND local_day >= \(bind: plan.from.dayNumber) AND local_day <= \(bind: plan.to.dayNumber)
                AND (plays > 0 OR short_plays > 0)
            """
        ).all().map { row in
            ListenedDay(
                day: try row.decode(column: "local_day", as: Int64.self), plays: try row.decode(column: "plays", as: Int64.self),
                shortPlays: try row.decode(column: "short_plays", as: Int64.self), msPlayed: try row.decode(column: "ms_played", as: Int64.self),
                estimatedMs: try row.decode(column: "estimated_ms", as: Int64.self))
        }
    }

    /// What was played in a session of a period, most first: its entries that ended in the period.
    static func sessionTracks(
        _ span: SessionSpan, listener id: Int64, plan: PeriodPlan, catalog: HistoryCatalog, on database: any SQLDatabase
    ) async throws -> [HistoryItemRow] {
        let rows = try await database.raw(
            """
            SELECT played_at_ms, track_id, ms_played FROM encore_plays
            WHERE listener_id = \(bind: id) AND played_at_ms >= \(bind: max(span.start, plan.startMs)) AND played_at_ms <= \(bind: span.end)
                AND played_at_ms < \(bind: plan.endMs)
            """
        ).all()
        var plays: [(at: Int64, track: Int64, ms: Int64)] = []
        for row in rows {
            let at = try row.decode(column: "played_at_ms", as: Int64.self), ms = try row.decode(column: "ms_played", as: Int64.self)
            guard at - ms >= span.start else { continue }
            plays.append((at, try row.decode(column: "track_id", as: Int64.self), ms))
        }
        return sessionTracks(plays, catalog: catalog)
    }

    /// The tracks of a session's entries, most played first.
    static func sessionTracks(_ plays: [(at: Int64, track: Int64, ms: Int64)], catalog: HistoryCatalog) -> [HistoryItemRow] {
        var sums: [Int64: (plays: Int, ms: Int64)] = [:]
        for play in plays {
            var sum = sums[play.track] ?? (0, 0)
            sum.plays += play.ms >= Int64(Play.countedAfterMs) ? 1 : 0
            sum.ms += play.ms
            sums[play.track] = sum
        }
        return sums.sorted { ($0.value.plays, $0.value.ms, -$0.key) > ($1.value.plays, $1.value.ms, -$1.key) }.prefix(20).map { track, sum in
            let item = catalog.items[track]
            return HistoryItemRow(
                kind: .track, id: catalog.link(.track, track), name: item?.name ?? "Unknown", artist: item?.artist, album: item?.album,
                uri: item?.uri, plays: sum.plays, msPlayed: sum.ms, firstPlayedAt: nil, lastPlayedAt: nil)
        }
    }
}

extension HistoryStore {
    /// Every session of a period, latest first (the command line's `history sessions`).
    public func sessions(for listener: HistoryListener, from: LocalDate, to: LocalDate) async throws -> [HistorySession] {
        let id = HistoryID.listener(listener.userID)
        let zone = LocalCalendar.zone(named: listener.timeZone) ?? TimeZone(identifier: "UTC") ?? .current
        let plan = PeriodPlan(from: from, to: to, calendar: LocalCalendar(timeZone: zone))
        let spans = try await engine.withDatabase(idempotent: true, limit: HistoryStore.readLimit) { database in
            try await Self.sessionSpans(listener: id, plan: plan, on: database)
        }
        return spans.sorted { $0.start > $1.start }.map { HistorySession($0) }
    }
}
