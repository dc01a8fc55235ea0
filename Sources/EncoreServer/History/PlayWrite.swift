import Foundation
import SQLKit

/// One write of plays, inside the transaction that holds the listener's row:
/// 1. an arriving entry finds a play stored before entries had ids (`legacy`) by its moment,
///    track and length, and gives it its id;
/// 2. the same listening from another source (``PlayMerge``): the arriving play is dropped, or
///    the stored one is deleted;
/// 3. the rest is inserted, each entry once (`ON CONFLICT … DO NOTHING`);
/// 4. the rollups move by what was inserted and deleted, first and latest plays and packs the
///    deletions touched are put right, and the listener's count of entries moves on, within
///    `maxEntries`.
struct PlayWrite {
    let listenerID: Int64
    let listener: HistoryListener
    let prepared: HistoryStore.PreparedPlays
    /// The engine's ``StorageDialect/writesArrays``.
    let arrays: Bool
    private(set) var outcome = RecordOutcome()

    init(listenerID: Int64, listener: HistoryListener, prepared: HistoryStore.PreparedPlays, arrays: Bool) {
        self.listenerID = listenerID
        self.listener = listener
        self.prepared = prepared
        self.arrays = arrays
    }

    /// A stored play another source describes too.
    struct Stored {
        var key: HistoryStore.PlayKey
        var side: PlayMerge.Side
    }

    mutating func run(on database: any SQLDatabase, maxEntries: Int?) async throws {
        var arriving = prepared.plays
        let claimed = try await claimLegacy(&arriving, on: database)
        let stored = try await otherSources(near: arriving, on: database)
        let decision = PlayMerge.resolve(arriving: arriving.map(PlayMerge.Side.init), stored: stored.map(\.side))
        let deleting = decision.deleted.map { stored[$0] }
        var toInsert: [Play] = []
        var replacing = Set<HistoryStore.PlayKey>()
        for (index, play) in arriving.enumerated() where !decision.dropped.contains(index) {
            toInsert.append(play)
            if decision.replacing.contains(index) { replacing.insert(HistoryStore.PlayKey(at: play.playedAtMs, entry: play.entryID)) }
        }
        let inserted = toInsert.isEmpty ? [] : try await Self.insertPlays(toInsert, listener: listenerID, arrays: arrays, on: database)
        if !deleting.isEmpty { try await Self.delete(deleting.map(\.key), listener: listenerID, on: database) }

        let change = Int64(inserted.count - deleting.count)
        if let maxEntries, change > 0, listener.entries + change > Int64(maxEntries) {
            throw HistoryStore.HistoryFull(limit: maxEntries)
        }
        try await moveRollups(inserted: inserted, deleted: deleting, on: database)
        if !inserted.isEmpty || !deleting.isEmpty || claimed > 0 {
            try await database.raw(
                """
                UPDATE encore_history_listeners SET entries = entries + \(literal: Int(change)), legacy_entries = legacy_entries - \(literal: claimed),
                    revision = revision + 1
                WHERE listener_id = \(bind: listenerID)
                """
            ).run()
        }
        for play in inserted {
            if replacing.contains(HistoryStore.PlayKey(at: play.playedAtMs, entry: play.entryID)) {
                outcome.merged += 1
            } else if play.item.kind == .unknown {
                outcome.addedWithoutMetadata += 1
            } else {
                outcome.added += 1
            }
        }
        outcome.replaced = deleting.count
        outcome.duplicates = prepared.received - inserted.count
    }

    // MARK: Plays stored before entries had ids

    /// Gives stored legacy plays the ids of the arriving entries they are (same moment, track and
    /// length), each once; those entries are then already there.
    /// - Returns: How many were claimed.
    private func claimLegacy(_ arriving: inout [Play], on database: any SQLDatabase) async throws -> Int {
        guard listener.legacyEntries > 0, let first = arriving.first?.playedAtMs, let last = arriving.last?.playedAtMs else { return 0 }
        let rows = try await database.raw(
            """
            SELECT played_at_ms, track_id, ms_played FROM encore_plays
            WHERE listener_id = \(bind: listenerID) AND entry_id = 0 AND played_at_ms >= \(bind: first) AND played_at_ms <= \(bind: last)
            """
        ).all()
        guard !rows.isEmpty else { return 0 }
        struct Legacy: Hashable {
            var at: Int64
            var track: Int64
            var ms: Int64
        }
        var legacy = Set<Legacy>()
        for row in rows {
            legacy.insert(
                Legacy(
                    at: try row.decode(column: "played_at_ms", as: Int64.self), track: try row.decode(column: "track_id", as: Int64.self),
                    ms: try row.decode(column: "ms_played", as: Int64.self)))
        }
        var claimed = 0
        var kept: [Play] = []
        for play in arriving {
            guard play.source != .recorded, legacy.remove(Legacy(at: play.playedAtMs, track: play.item.id, ms: Int64(play.msPlayed))) != nil else {
                kept.append(play)
                continue
            }
            try await database.raw(
                """
                UPDATE encore_plays SET entry_id = \(literal: play.entryID), source = \(literal: play.source.rawValue),
                    reason_start = \(bind: play.reasonStart?.code), reason_end = \(bind: play.reasonEnd?.code), skipped = \(bind: play.skipped.map { $0 ? 1 : 0 })
                WHERE listener_id = \(bind: listenerID) AND played_at_ms = \(bind: play.playedAtMs) AND entry_id = 0
                """
            ).run()
            claimed += 1
        }
        arriving = kept
        return claimed
    }

    // MARK: The same listening from another source

    /// Stored plays from sources other than the arriving ones' that could describe the same
    /// listening, with the names they are matched by.
    private func otherSources(near arriving: [Play], on database: any SQLDatabase) async throws -> [Stored] {
        guard let window = PlayMerge.window(of: arriving) else { return [] }
        let sources = Set(arriving.map(\.source))
        let otherSources = sources.count == 1 ? " AND p.source <> \(sources.first?.rawValue ?? 0)" : ""
        let rows = try await database.raw(
            """
            SELECT p.played_at_ms, p.entry_id, p.track_id, p.ms_played, p.source, i.name, i.artist
            FROM encore_plays p JOIN encore_history_items i ON i.listener_id = p.listener_id AND i.track_id = p.track_id
            WHERE p.listener_id = \(bind: listenerID) AND p.played_at_ms >= \(bind: window.lowerBound) AND p.played_at_ms <= \(bind: window.upperBound)\(unsafeRaw: otherSources)
            """
        ).all()
        return try rows.map { row in
            let at = try row.decode(column: "played_at_ms", as: Int64.self)
            return Stored(
                key: HistoryStore.PlayKey(at: at, entry: try row.decode(column: "entry_id", as: Int64.self)),
                side: PlayMerge.Side(
                    at: at, track: try row.decode(column: "track_id", as: Int64.self), ms: try row.decode(column: "ms_played", as: Int64.self),
                    source: PlaySource(rawValue: try row.decode(column: "source", as: Int.self)) ?? .imported,
                    name: try row.decode(column: "name", as: String.self), artist: try row.decode(column: "artist", as: String.self)))
        }
    }

    private static func delete(_ keys: [HistoryStore.PlayKey], listener: Int64, on database: any SQLDatabase) async throws {
        for chunk in keys.chunked(200) {
            let matches = chunk.map { "(played_at_ms = \($0.at) AND entry_id = \($0.entry))" }.joined(separator: " OR ")
            try await database.raw("DELETE FROM encore_plays WHERE listener_id = \(bind: listener) AND (\(unsafeRaw: matches))").run()
        }
    }

    // MARK: Inserting

    /// Inserts the plays not yet stored; returns those it inserted.
    ///
    /// The numbers are written into the statement as literals (Swift prints them; nothing else
    /// is): a million plays would otherwise be ten million binds, most of an import's time.
    static func insertPlays(_ plays: [Play], listener: Int64, arrays: Bool, on database: any SQLDatabase) async throws -> [Play] {
        var inserted: [Play] = []
        inserted.reserveCapacity(plays.count)
        if arrays { return try await insertPlaysAsArrays(plays, listener: listener, on: database) }
        for chunk in plays.chunked(HistoryStore.rowsPerStatement) {
            var query = SQLQueryString(
                "INSERT INTO encore_plays (listener_id, played_at_ms, entry_id, track_id, ms_played, source, reason_start, reason_end, skipped, context_uri) VALUES "
            )
            var byKey: [HistoryStore.PlayKey: Play] = [:]
            byKey.reserveCapacity(chunk.count)
            var values = ""
            values.reserveCapacity(chunk.count * 96)
            func number(_ value: Int?) -> String { value.map(String.init) ?? "NULL" }
            for (index, play) in chunk.enumerated() {
                values += index == 0 ? "(" : ", ("
                values += "\(listener), \(play.playedAtMs), \(play.entryID), \(play.item.id), \(play.msPlayed), \(play.source.rawValue), "
                values += "\(number(play.reasonStart?.code)), \(number(play.reasonEnd?.code)), \(number(play.skipped.map { $0 ? 1 : 0 })), "
                if let context = play.contextURI {
                    query.appendLiteral(values)
                    query.appendInterpolation(bind: context)
                    values = ")"
                } else {
                    values += "NULL)"
                }
                byKey[HistoryStore.PlayKey(at: play.playedAtMs, entry: play.entryID)] = play
            }
            query.appendLiteral(values)
            query.appendLiteral(" ON CONFLICT (listener_id, played_at_ms, entry_id) DO NOTHING RETURNING played_at_ms, entry_id")
            for row in try await database.raw(query).all() {
                let key = HistoryStore.PlayKey(
                    at: try row.decode(column: "played_at_ms", as: Int64.self), entry: try row.decode(column: "entry_id", as: Int64.self))
                if let play = byKey[key] { inserted.append(play) }
            }
        }
        return inserted
    }

    /// The same as one array per column (PostgreSQL): -1 and "" stand for the missing values
    /// an array of numbers or text cannot hold.
    private static func insertPlaysAsArrays(_ plays: [Play], listener: Int64, on database: any SQLDatabase) async throws -> [Play] {
        var at: [Int64] = [], entry: [Int64] = [], track: [Int64] = [], heard: [Int64] = [], source: [Int64] = []
        var reasonStart: [Int64] = [], reasonEnd: [Int64] = [], skipped: [Int64] = [], context: [String] = []
        for play in plays {
            at.append(play.playedAtMs)
            entry.append(play.entryID)
            track.append(play.item.id)
            heard.append(Int64(play.msPlayed))
            source.append(Int64(play.source.rawValue))
            reasonStart.append(Int64(play.reasonStart?.code ?? -1))
            reasonEnd.append(Int64(play.reasonEnd?.code ?? -1))
            skipped.append(play.skipped.map { $0 ? 1 : 0 } ?? -1)
            context.append(play.contextURI ?? "")
        }
        let rows = try await database.raw(
            """
            INSERT INTO encore_plays (listener_id, played_at_ms, entry_id, track_id, ms_played, source, reason_start, reason_end, skipped, context_uri)
            SELECT \(bind: listener), a, e, t, m, s, NULLIF(rs, -1), NULLIF(re, -1), NULLIF(sk, -1), NULLIF(c, '')
            FROM unnest(\(bind: at)::BIGINT[], \(bind: entry)::BIGINT[], \(bind: track)::BIGINT[], \(bind: heard)::BIGINT[],
                \(bind: source)::BIGINT[], \(bind: reasonStart)::BIGINT[], \(bind: reasonEnd)::BIGINT[], \(bind: skipped)::BIGINT[],
                \(bind: context)::TEXT[]) AS u(a, e, t, m, s, rs, re, sk, c)
            ON CONFLICT (listener_id, played_at_ms, entry_id) DO NOTHING RETURNING played_at_ms, entry_id
            """
        ).all()
        var returned = Set<HistoryStore.PlayKey>()
        for row in rows {
            returned.insert(
                HistoryStore.PlayKey(
                    at: try row.decode(column: "played_at_ms", as: Int64.self), entry: try row.decode(column: "entry_id", as: Int64.self)))
        }
        // In the order they came; each key once.
        return plays.filter { returned.remove(HistoryStore.PlayKey(at: $0.playedAtMs, entry: $0.entryID)) != nil }
    }

    // MARK: Rollups

    /// Moves the rollups by what was inserted and deleted. While the time zone changes, only
    /// plays the recount has passed move them; it counts the rest itself.
    private func moveRollups(inserted: [Play], deleted: [Stored], on database: any SQLDatabase) async throws {
        guard !inserted.isEmpty || !deleted.isEmpty else { return }
        let cursor = listener.rezoneCursorMs
        if deleted.isEmpty, cursor == nil, inserted.count == prepared.plays.count, listener.timeZone == prepared.timeZone {
            for statement in prepared.rollups { try await database.raw(statement).run() }
            try await HistoryStore.mergeSessions(prepared.sessions, listener: listenerID, on: database)
            return
        }
        let counted = { (at: Int64) in cursor.map { at <= $0 } ?? true }
        var entries = inserted.filter { counted($0.playedAtMs) }.map(RollupDelta.Entry.init)
        let removed = deleted.filter { counted($0.key.at) }
        entries += removed.map {
            RollupDelta.Entry(at: $0.key.at, track: $0.side.track, ms: $0.side.ms, sign: -1, estimated: $0.side.source == .recorded)
        }
        guard !entries.isEmpty else { return }
        let zone = LocalCalendar.zone(named: listener.timeZone) ?? TimeZone(identifier: "UTC") ?? .current
        let delta = RollupDelta(entries, timeZone: zone)
        try await delta.apply(listener: listenerID, calendar: LocalCalendar(timeZone: zone), cursor: cursor, arrays: arrays, on: database)
        guard !removed.isEmpty else { return }
        try await tidy(after: delta, removed: removed, zone: zone, on: database)
    }

    /// After deletions: rollup rows left with no entries go, a track's first or latest play that
    /// was deleted is read again, and the packs of the periods that lost plays are dropped (a
    /// pack is trusted while its period's count is unchanged, and a replacement keeps the count).
    private func tidy(after delta: RollupDelta, removed: [Stored], zone: TimeZone, on database: any SQLDatabase) async throws {
        let id = listenerID
        func list(_ numbers: some Sequence<Int64>) -> String { Set(numbers).map(String.init).joined(separator: ", ") }
        let empty = "plays = 0 AND short_plays = 0"
        let cleanups: [(String, String, String)] = [
            ("encore_play_hours", "local_hour", list(delta.hours.keys)),
            ("encore_play_days", "local_day", list(delta.days.keys)),
            ("encore_play_hour_months", "local_month", list(delta.hourMonths.keys.map(\.period))),
            ("encore_play_months", "local_month", list(delta.months.keys.map(\.period))),
            ("encore_play_tracks", "track_id", list(delta.tracks.keys)),
        ]
        for (table, column, keys) in cleanups where !keys.isEmpty {
            try await database.raw(
                "DELETE FROM \(unsafeRaw: table) WHERE listener_id = \(bind: id) AND \(unsafeRaw: column) IN (\(unsafeRaw: keys)) AND \(unsafeRaw: empty)"
            ).run()
        }
        try await rereadFirstAndLatest(removed, on: database)
        var calendar = LocalCalendar(timeZone: zone)
        let dates = removed.map { calendar.date(ofUTC: $0.key.at) }
        try await database.raw(
            """
            DELETE FROM encore_play_packs WHERE listener_id = \(bind: id) AND (unit = \(literal: PlayPack.Unit.allTime.rawValue)
                OR (unit = \(literal: PlayPack.Unit.day.rawValue) AND number IN (\(unsafeRaw: list(dates.map(\.dayNumber)))))
                OR (unit = \(literal: PlayPack.Unit.month.rawValue) AND number IN (\(unsafeRaw: list(dates.map(\.monthNumber)))))
                OR (unit = \(literal: PlayPack.Unit.year.rawValue) AND number IN (\(unsafeRaw: list(dates.map { Int64($0.year) })))))
            """
        ).run()
    }

    /// A deleted play that was its track's first or latest: the next one of the track from there
    /// on (its replacement is seconds away, so the scan is short).
    private func rereadFirstAndLatest(_ removed: [Stored], on database: any SQLDatabase) async throws {
        let id = listenerID
        let removedByTrack = Dictionary(grouping: removed, by: \.side.track)
        let rows = try await database.raw(
            """
            SELECT track_id, first_played_ms, last_played_ms FROM encore_play_tracks
            WHERE listener_id = \(bind: id) AND track_id IN (\(unsafeRaw: Set(removedByTrack.keys).map(String.init).joined(separator: ", ")))
            """
        ).all()
        for row in rows {
            let track = try row.decode(column: "track_id", as: Int64.self)
            let moments = Set(removedByTrack[track]?.map(\.key.at) ?? [])
            let first = try row.decode(column: "first_played_ms", as: Int64.self), last = try row.decode(column: "last_played_ms", as: Int64.self)
            if moments.contains(first) {
                let next = try await database.raw(
                    """
                    SELECT played_at_ms FROM encore_plays WHERE listener_id = \(bind: id) AND played_at_ms >= \(bind: first) AND track_id = \(bind: track)
                    ORDER BY played_at_ms LIMIT 1
                    """
                ).first()?.decode(column: "played_at_ms", as: Int64.self)
                if let next {
                    try await database.raw(
                        "UPDATE encore_play_tracks SET first_played_ms = \(bind: next) WHERE listener_id = \(bind: id) AND track_id = \(bind: track)"
                    ).run()
                }
            }
            if moments.contains(last) {
                let previous = try await database.raw(
                    """
                    SELECT played_at_ms FROM encore_plays WHERE listener_id = \(bind: id) AND played_at_ms <= \(bind: last) AND track_id = \(bind: track)
                    ORDER BY played_at_ms DESC LIMIT 1
                    """
                ).first()?.decode(column: "played_at_ms", as: Int64.self)
                if let previous {
                    try await database.raw(
                        "UPDATE encore_play_tracks SET last_played_ms = \(bind: previous) WHERE listener_id = \(bind: id) AND track_id = \(bind: track)"
                    ).run()
                }
            }
        }
    }
}
