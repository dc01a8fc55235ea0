import Foundation
import SQLKit

/// A listening session: a run of entries in which each starts at most ``SessionSpans/gapMs``
/// after the latest end seen so far in the run (DESIGN.md, "what counts"). It lasts from its
/// first start to that latest end.
public struct SessionSpan: Sendable, Equatable, Codable {
    /// When its first entry started (`ts − ms_played`), Unix ms.
    public var start: Int64
    /// The latest end of its entries, Unix ms.
    public var end: Int64
    /// Its entries, of any length.
    public var entries: Int64
    /// Its entries of 30 s or more.
    public var plays: Int64
    /// Everything heard in it.
    public var msPlayed: Int64

    public var lengthMs: Int64 { end - start }
}

/// Sessions as merged spans. Sorting entries by start and joining each to the run whose latest
/// end it starts within 15 minutes of is the union of the intervals `[start, end + 15 min]`; a
/// union can be taken in any order and in pieces, so each local month's sessions are kept merged
/// (`encore_play_sessions`), moved by every write as a rollup is, and any period's sessions are
/// its months' merged again with those of its odd days.
enum SessionSpans {
    /// How long a pause may last inside a session.
    static let gapMs: Int64 = 15 * 60_000

    /// The sessions of some entries, in any order: (when it ended, how long it was heard).
    static func of(_ entries: some Sequence<(endedAtMs: Int64, msPlayed: Int64)>) -> [SessionSpan] {
        let spans = entries.map { entry in
            SessionSpan(
                start: entry.endedAtMs - entry.msPlayed, end: entry.endedAtMs, entries: 1,
                plays: entry.msPlayed >= Int64(Play.countedAfterMs) ? 1 : 0,
                msPlayed: entry.msPlayed)
        }
        return merged(spans)
    }

    /// Spans of any order and overlap merged into sessions, by start.
    static func merged(_ spans: [SessionSpan]) -> [SessionSpan] {
        var result: [SessionSpan] = []
        result.reserveCapacity(spans.count / 4 + 1)
        for span in spans.sorted(by: { ($0.start, $0.end) < ($1.start, $1.end) }) {
            if let last = result.last, span.start <= last.end + gapMs {
                result[result.count - 1] = SessionSpan(
                    start: last.start, end: max(last.end, span.end), entries: last.entries + span.entries, plays: last.plays + span.plays,
                    msPlayed: last.msPlayed + span.msPlayed)
            } else {
                result.append(span)
            }
        }
        return result
    }

    /// Two merged lists as one (each is sorted, so this is a merge of sorted runs).
    static func merged(_ a: [SessionSpan], _ b: [SessionSpan]) -> [SessionSpan] {
        a.isEmpty ? b : b.isEmpty ? a : merged(a + b)
    }

    // MARK: Stored form

    private static let version: UInt8 = 1
    private static let spanSize = 40

    static func encoded(_ spans: [SessionSpan]) -> Data {
        var data = Data(capacity: 1 + spans.count * spanSize)
        data.append(version)
        for span in spans {
            for value in [span.start, span.end, span.entries, span.plays, span.msPlayed] {
                withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
            }
        }
        return data
    }

    /// The spans of a stored value, or `nil` for one this version does not read.
    static func decoded(_ data: Data) -> [SessionSpan]? {
        guard data.first == version, (data.count - 1) % spanSize == 0 else { return nil }
        return data.withUnsafeBytes { raw in
            (0..<(data.count - 1) / spanSize).map { index in
                let base = 1 + index * spanSize
                func value(_ field: Int) -> Int64 { Int64(littleEndian: raw.loadUnaligned(fromByteOffset: base + field * 8, as: Int64.self)) }
                return SessionSpan(start: value(0), end: value(1), entries: value(2), plays: value(3), msPlayed: value(4))
            }
        }
    }
}

extension HistoryStore {
    /// Adds new sessions' spans to the months' stored sessions (read, merged, written back).
    static func mergeSessions(_ byMonth: [Int64: [SessionSpan]], listener id: Int64, on database: any SQLDatabase) async throws {
        guard !byMonth.isEmpty else { return }
        var stored: [Int64: [SessionSpan]] = [:]
        for row in try await database.raw(
            """
            SELECT local_month, body FROM encore_play_sessions
            WHERE listener_id = \(bind: id) AND local_month IN (\(unsafeRaw: byMonth.keys.map(String.init).joined(separator: ", ")))
            """
        ).all() {
            stored[try row.decode(column: "local_month", as: Int64.self)] = SessionSpans.decoded(try row.decode(column: "body", as: Data.self))
        }
        for (month, spans) in byMonth {
            try await storeSessions(SessionSpans.merged(stored[month] ?? [], spans), month: month, listener: id, on: database)
        }
    }

    /// Counts the months' sessions again from their plays (after plays were deleted: a union
    /// cannot be taken apart). While the time zone changes, only plays up to the cursor count.
    static func recountSessions(
        months: Set<Int64>, listener id: Int64, calendar: LocalCalendar, upTo cursor: Int64?, on database: any SQLDatabase
    ) async throws {
        let calendar = calendar
        for month in months {
            let start = calendar.startMs(of: LocalDate.firstDay(ofMonthNumber: month))
            let end = min(calendar.startMs(of: LocalDate.firstDay(ofMonthNumber: month + 1)), (cursor ?? .max - 1) + 1)
            let rows = try await database.raw(
                """
                SELECT played_at_ms, ms_played FROM encore_plays
                WHERE listener_id = \(bind: id) AND played_at_ms >= \(bind: start) AND played_at_ms < \(bind: end)
                """
            ).all()
            let spans = SessionSpans.of(
                try rows.map { (try $0.decode(column: "played_at_ms", as: Int64.self), try $0.decode(column: "ms_played", as: Int64.self)) })
            try await storeSessions(spans, month: month, listener: id, on: database)
        }
    }

    private static func storeSessions(_ spans: [SessionSpan], month: Int64, listener id: Int64, on database: any SQLDatabase) async throws {
        guard !spans.isEmpty else {
            try await database.raw("DELETE FROM encore_play_sessions WHERE listener_id = \(bind: id) AND local_month = \(bind: month)").run()
            return
        }
        try await database.raw(
            """
            INSERT INTO encore_play_sessions (listener_id, local_month, body) VALUES (\(bind: id), \(bind: month), \(bind: SessionSpans.encoded(spans)))
            ON CONFLICT (listener_id, local_month) DO UPDATE SET body = excluded.body
            """
        ).run()
    }
}
