import Foundation
import SQLKit

/// What inserted plays add to each rollup, summed per row before anything is written, then
/// added to the stored rows with one `INSERT … ON CONFLICT DO UPDATE` per table and chunk.
///
/// The rollups, all in the listener's local time:
/// - `encore_play_days`: totals, the chart (days, weeks, months) and weekdays;
/// - `encore_play_hour_months` and `encore_play_hours`: hours of the day (whole months from the
///   first, the days at a period's ends from the second);
/// - `encore_play_months` and `encore_play_tracks` (all time): per track, what the packs of top
///   lists (``PlayPack``) are built from; a track's artist and album are its stored item's, read
///   when a pack is built, so every pack groups a track the same way.
///
/// Years, and artists and albums, have no rollup of their own: a year's pack is its months'
/// packs summed, and artists and albums are summed from a period's tracks. Every rollup a play
/// touches makes writing slower, and writing is what an import of a million plays waits on.
struct RollupDelta {
    /// One play inserted (or, with `sign` −1, deleted), as the rollups need it.
    struct Entry {
        var at: Int64
        var track: Int64
        var ms: Int64
        var sign: Int64 = 1
        /// Whether `ms` is the recorder's estimate.
        var estimated = false

        init(_ play: Play) {
            at = play.playedAtMs
            track = play.item.id
            ms = Int64(play.msPlayed)
            estimated = play.isEstimated
        }

        init(at: Int64, track: Int64, ms: Int64, sign: Int64 = 1, estimated: Bool = false) {
            self.at = at
            self.track = track
            self.ms = ms
            self.sign = sign
            self.estimated = estimated
        }
    }

    /// A day's sums, with how much of them the recorder estimated.
    struct DaySums {
        var sums = Sums()
        var estimatedMs: Int64 = 0
        var estimatedEntries: Int64 = 0
    }

    struct Sums {
        var plays: Int64 = 0
        var shortPlays: Int64 = 0
        var ms: Int64 = 0

        mutating func add(_ heard: Int64, sign: Int64 = 1) {
            if heard >= Int64(Play.countedAfterMs) { plays += sign } else { shortPlays += sign }
            ms += heard * sign
        }
    }

    /// A track's sums, with its plays by local hour of the day (an item's story), kept in the
    /// track's own row as 24 columns. Measured over a million plays: a table keyed by track and
    /// hour cost the import 8 s of 24 (a row per track and hour, at random places); plays and
    /// time per hour as 48 columns about 5 s; plays alone about 1.5 s.
    struct TrackSums {
        var sums = Sums()
        var first = Int64.max
        var last = -Int64.max
        var hourPlays = [Int64](repeating: 0, count: 24)
    }

    /// The hour columns of `encore_play_tracks`: plays of 30 s or more (`hp0`…`hp23`).
    static let hourColumns = (0..<24).map { "hp\($0)" }

    struct Keyed: Hashable {
        var period: Int64
        var key: Int64
    }

    var hours: [Int64: Sums] = [:]
    var days: [Int64: (month: Int64, sums: DaySums)] = [:]
    var hourMonths: [Keyed: Sums] = [:]
    var months: [Keyed: Sums] = [:]
    var tracks: [Int64: TrackSums] = [:]
    /// The sessions of the inserted entries, per local month they ended in.
    var sessions: [Int64: [SessionSpan]] = [:]
    /// Months that lost entries: their sessions are counted again from the plays.
    var monthsLosingEntries: Set<Int64> = []

    init(_ plays: [Entry], timeZone: TimeZone) {
        var calendar = LocalCalendar(timeZone: timeZone)
        var cachedDay: Int64 = .min
        var cachedDate = LocalDate(dayNumber: 0)
        var sessionEntries: [Int64: [(endedAtMs: Int64, msPlayed: Int64)]] = [:]
        for play in plays {
            let hour = LocalCalendar.floorDiv(calendar.localMs(play.at), LocalCalendar.hourMs)
            let day = LocalCalendar.floorDiv(hour, 24)
            if day != cachedDay {
                cachedDay = day
                cachedDate = LocalDate(dayNumber: day)
            }
            let month = cachedDate.monthNumber
            hours[hour, default: Sums()].add(play.ms, sign: play.sign)
            days[day, default: (month, DaySums())].sums.sums.add(play.ms, sign: play.sign)
            if play.estimated {
                days[day]?.sums.estimatedMs += play.ms * play.sign
                days[day]?.sums.estimatedEntries += play.sign
            }
            hourMonths[Keyed(period: month, key: LocalCalendar.floorMod(hour, 24)), default: Sums()].add(play.ms, sign: play.sign)
            months[Keyed(period: month, key: play.track), default: Sums()].add(play.ms, sign: play.sign)
            if play.sign > 0 {
                sessionEntries[month, default: []].append((play.at, play.ms))
            } else {
                monthsLosingEntries.insert(month)
            }
            // A deleted play moves no first or latest play here: the writer reads them again.
            var entry = tracks[play.track] ?? TrackSums()
            entry.sums.add(play.ms, sign: play.sign)
            let hourOfDay = Int(LocalCalendar.floorMod(hour, 24))
            if play.ms >= Int64(Play.countedAfterMs) { entry.hourPlays[hourOfDay] += play.sign }
            if play.sign > 0 {
                entry.first = min(entry.first, play.at)
                entry.last = max(entry.last, play.at)
            }
            tracks[play.track] = entry
        }
        sessions = sessionEntries.mapValues(SessionSpans.of)
    }

    /// Moves every rollup, sessions included (those of months that lost entries are counted
    /// again from their plays, up to `cursor` while the time zone changes).
    func apply(listener: Int64, calendar: LocalCalendar, cursor: Int64? = nil, arrays: Bool, on database: any SQLDatabase) async throws {
        for statement in statements(listener: listener, arrays: arrays) { try await database.raw(statement).run() }
        try await HistoryStore.mergeSessions(sessions.filter { !monthsLosingEntries.contains($0.key) }, listener: listener, on: database)
        try await HistoryStore.recountSessions(months: monthsLosingEntries, listener: listener, calendar: calendar, upTo: cursor, on: database)
    }

    /// The statements that add these sums to the stored rows.
    ///
    /// - Parameter arrays: bind each column as one array (PostgreSQL) instead of writing the
    ///   numbers into the statement (SQLite, where binds cost more than parsing).
    func statements(listener: Int64, arrays: Bool = false) -> [SQLQueryString] {
        func sums(_ sums: Sums) -> [Int64] { [sums.plays, sums.shortPlays, sums.ms] }
        var statements: [SQLQueryString] = []
        Self.upsert(
            arrays: arrays, "encore_play_hours", columns: "listener_id, local_hour", key: "listener_id, local_hour",
            rows: hours.map { [listener, $0.key] + sums($0.value) }, into: &statements)
        Self.upsert(
            arrays: arrays, "encore_play_days", columns: "listener_id, local_day, local_month", key: "listener_id, local_day",
            rows: days.map {
                [listener, $0.key, $0.value.month] + sums($0.value.sums.sums) + [$0.value.sums.estimatedMs, $0.value.sums.estimatedEntries]
            },
            into: &statements, extraColumns: ", estimated_ms, estimated_entries",
            extra: """
                , estimated_ms = encore_play_days.estimated_ms + excluded.estimated_ms,
                estimated_entries = encore_play_days.estimated_entries + excluded.estimated_entries
                """)
        Self.upsert(
            arrays: arrays, "encore_play_hour_months", columns: "listener_id, local_month, hour_of_day", key: "listener_id, local_month, hour_of_day",
            rows: hourMonths.map { [listener, $0.key.period, $0.key.key] + sums($0.value) }, into: &statements)
        Self.upsert(
            arrays: arrays, "encore_play_months", columns: "listener_id, local_month, track_id", key: "listener_id, local_month, track_id",
            rows: months.map { [listener, $0.key.period, $0.key.key] + sums($0.value) }, into: &statements)
        Self.upsert(
            arrays: arrays, "encore_play_tracks", columns: "listener_id, track_id", key: "listener_id, track_id",
            rows: tracks.map { [listener, $0.key] + sums($0.value.sums) + [$0.value.first, $0.value.last] + $0.value.hourPlays },
            into: &statements, extraColumns: ", first_played_ms, last_played_ms, " + Self.hourColumns.joined(separator: ", "),
            extra: """
                , first_played_ms = CASE WHEN excluded.first_played_ms < encore_play_tracks.first_played_ms THEN excluded.first_played_ms ELSE encore_play_tracks.first_played_ms END,
                last_played_ms = CASE WHEN excluded.last_played_ms > encore_play_tracks.last_played_ms THEN excluded.last_played_ms ELSE encore_play_tracks.last_played_ms END
                """ + Self.hourColumns.map { ", \($0) = encore_play_tracks.\($0) + excluded.\($0)" }.joined())
        return statements
    }

    /// `INSERT … ON CONFLICT DO UPDATE` adding the sums, numbers written as literals (they are
    /// only ever Swift's own integers), at most ``HistoryStore/rowsPerStatement`` rows a statement.
    private static func upsert(
        arrays: Bool, _ table: String, columns: String, key: String, rows: [[Int64]], into statements: inout [SQLQueryString],
        extraColumns: String = "", extra: String = ""
    ) {
        guard let width = rows.first?.count else { return }
        let update = """
             ON CONFLICT (\(key)) DO UPDATE SET plays = \(table).plays + excluded.plays,
                short_plays = \(table).short_plays + excluded.short_plays, ms_played = \(table).ms_played + excluded.ms_played\(extra)
            """
        if arrays {
            // One bind per column, however many rows: nothing to parse but the statement.
            var columnsOfRows = [[Int64]](repeating: [], count: width)
            for index in columnsOfRows.indices { columnsOfRows[index].reserveCapacity(rows.count) }
            for row in rows { for (index, value) in row.enumerated() { columnsOfRows[index].append(value) } }
            let head = "INSERT INTO \(table) (\(columns), plays, short_plays, ms_played\(extraColumns)) SELECT * FROM unnest("
            var query = SQLQueryString(head)
            for (index, column) in columnsOfRows.enumerated() {
                query.appendLiteral(index == 0 ? "" : ", ")
                query.appendInterpolation(bind: column)
                query.appendLiteral("::BIGINT[]")
            }
            query.appendLiteral(")" + update)
            statements.append(query)
            return
        }
        for chunk in rows.chunked(HistoryStore.rowsPerStatement) {
            var text = "INSERT INTO \(table) (\(columns), plays, short_plays, ms_played\(extraColumns)) VALUES "
            text.reserveCapacity(chunk.count * 16 * (chunk.first?.count ?? 8) + 512)
            for (index, row) in chunk.enumerated() {
                text += index == 0 ? "(" : ", ("
                for (column, value) in row.enumerated() {
                    if column > 0 { text += ", " }
                    text += String(value)
                }
                text += ")"
            }
            text += update
            statements.append(SQLQueryString(text))
        }
    }
}
