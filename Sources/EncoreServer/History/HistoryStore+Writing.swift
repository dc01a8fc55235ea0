import Foundation
import SQLKit

/// Writing plays: each entry once, the same listening from two sources once (the source that
/// knows most stays), and every rollup moved by exactly what changed, in one transaction.
extension HistoryStore {
    /// Who may write: checked against the listener's row, under its lock, in the transaction
    /// that writes.
    public enum WriteGuard: Sendable {
        /// Anyone (a listener's own command line).
        case none
        /// Only while the history is still the one the writer started with (an import).
        case generation(Int64)
        /// Only while the recorder's lease is this holder's; the poll's outcome is written too.
        case lease(holder: String, finish: PollFinish)
    }

    /// What a finished poll writes beside its plays.
    public struct PollFinish: Sendable {
        /// The newest `played_at` now stored, for the next poll's `after`.
        public var pollAfterMs: Int64?
        public var nextPollMs: Int64
        public var polledAtMs: Int64
        public var outcome: RecorderOutcome
    }

    /// The write was refused: the history was forgotten or re-zoned, or the lease passed on.
    public struct WriteRefused: Error, CustomStringConvertible {
        public var description: String
    }

    /// The write would take the history past the most entries one listener may keep
    /// (`ENCORE_HISTORY_MAX_PLAYS`); nothing of it was written.
    public struct HistoryFull: Error, CustomStringConvertible {
        public var limit: Int
        public var description: String {
            "your history would pass the \(limit.formatted(.number.grouping(.automatic))) plays Encore keeps for one person"
        }
    }

    /// Plays made ready to write: sorted, each entry once, and their rollup statements built as
    /// if every one of them is new (which is what an import into new ground finds). An importer
    /// prepares the next batch while the last one is written.
    public struct PreparedPlays: Sendable {
        let listenerID: Int64
        let plays: [Play]
        let received: Int
        let timeZone: String
        let rollups: [SQLQueryString]
        /// The plays' own sessions per local month, merged with the stored ones as they are written.
        let sessions: [Int64: [SessionSpan]]
    }

    /// Prepares plays for ``record(_:guard:maxEntries:)``; the listener must exist.
    public func prepare(_ plays: [Play], userID: String) async throws -> PreparedPlays {
        Self.prepare(plays, userID: userID, timeZone: try await listener(userID: userID)?.timeZone ?? "UTC", arrays: dialect.writesArrays)
    }

    /// Prepares plays for a listener whose time zone is known; no database work. Should the zone
    /// have changed by the time they are written, the rollups are worked out again then.
    ///
    /// - Parameter arrays: the engine's ``StorageDialect/writesArrays``.
    static func prepare(_ plays: [Play], userID: String, timeZone: String, arrays: Bool) -> PreparedPlays {
        let id = HistoryID.listener(userID)
        let batch = deduplicated(plays)
        let zone = LocalCalendar.zone(named: timeZone) ?? TimeZone(identifier: "UTC") ?? .current
        let delta = batch.isEmpty ? nil : RollupDelta(batch.map(RollupDelta.Entry.init), timeZone: zone)
        return PreparedPlays(
            listenerID: id, plays: batch, received: plays.count, timeZone: timeZone, rollups: delta?.statements(listener: id, arrays: arrays) ?? [],
            sessions: delta?.sessions ?? [:])
    }

    /// Stores plays once each and moves the rollups by exactly what changed, in one
    /// transaction. The listener must exist (``ensureListener(userID:timeZone:now:)``).
    public func record(
        _ plays: [Play], userID: String, guard writeGuard: WriteGuard = .none, maxEntries: Int? = nil
    ) async throws
        -> RecordOutcome
    {
        try await record(try await prepare(plays, userID: userID), guard: writeGuard, maxEntries: maxEntries)
    }

    /// Stores prepared plays; see ``record(_:userID:guard:maxEntries:)``.
    /// - Parameter maxEntries: the most entries the history may hold after the write; a write
    ///   that would pass it throws ``HistoryFull`` and writes nothing.
    public func record(_ prepared: PreparedPlays, guard writeGuard: WriteGuard = .none, maxEntries: Int? = nil) async throws -> RecordOutcome {
        let id = prepared.listenerID
        let generation = try await itemGeneration(id)
        // What was played is written first, in statements of its own and in one order, so
        // writers never wait on each other's transactions over a track they both played.
        let newItems = unknownItems(in: prepared.plays, listener: id, generation: generation).sorted { $0.id < $1.id }
        if !newItems.isEmpty {
            try await engine.withDatabase(idempotent: true, limit: HistoryStore.readLimit) { database in
                try await Self.insertItems(newItems, listener: id, on: database)
            }
        }
        let outcome = try await engine.withTransaction { database -> RecordOutcome in
            guard let listener = try await Self.selectListener(id, on: database, lock: self.dialect.lockRows) else {
                throw WriteRefused(description: "there is no history for this listener")
            }
            try await Self.check(writeGuard, listener: listener, id: id, on: database)
            var write = PlayWrite(listenerID: id, listener: listener, prepared: prepared, arrays: self.dialect.writesArrays)
            try await write.run(on: database, maxEntries: maxEntries)
            if case .lease(let holder, let finish) = writeGuard {
                try await Self.finishPoll(id, holder: holder, finish, on: database)
            }
            return write.outcome
        }
        rememberItems(newItems, listener: id, generation: generation)
        return outcome
    }

    private static func check(_ writeGuard: WriteGuard, listener: HistoryListener, id: Int64, on database: any SQLDatabase) async throws {
        switch writeGuard {
        case .none:
            return
        case .generation(let generation):
            guard listener.generation == generation else {
                throw WriteRefused(description: "the history was deleted or its time zone changed while the import ran")
            }
        case .lease(let holder, _):
            let row = try await database.raw("SELECT lease_holder FROM encore_history_listeners WHERE listener_id = \(bind: id)").first()
            guard try row?.decode(column: "lease_holder", as: String?.self) == holder else {
                throw WriteRefused(description: "the recorder's lease passed to another instance")
            }
        }
    }

    /// Sorted by time, with an entry given twice kept once: the database compares with what it
    /// holds, not within a statement.
    static func deduplicated(_ plays: [Play]) -> [Play] {
        var seen = Set<PlayKey>()
        return plays.sorted { $0.playedAtMs < $1.playedAtMs }.filter { seen.insert(PlayKey(at: $0.playedAtMs, entry: $0.entryID)).inserted }
    }

    /// A stored play's key.
    struct PlayKey: Hashable {
        var at: Int64
        var entry: Int64
    }

    // MARK: Items

    /// The listener's generation, which keys the cache of items written (0 for a listener not
    /// yet made: the write is refused anyway).
    private func itemGeneration(_ id: Int64) async throws -> Int64 {
        try await engine.withDatabase(idempotent: true) { database in
            try await database.raw("SELECT generation FROM encore_history_listeners WHERE listener_id = \(bind: id)").first()?
                .decode(column: "generation", as: Int64.self) ?? 0
        }
    }

    private func unknownItems(in plays: [Play], listener: Int64, generation: Int64) -> [PlayedItem] {
        var seen = Set<Int64>()
        let known = knownItems.withLock { $0 }
        return plays.compactMap { play in
            let id = play.item.id
            // The recorder knows more than an import (every artist, the length): its items are
            // written each time, so a track first seen in an export gets them.
            guard play.item.durationMs != nil || !known.contains(KnownItem(listener: listener, generation: generation, track: id)),
                seen.insert(id).inserted
            else { return nil }
            return play.item
        }
    }

    private func rememberItems(_ items: [PlayedItem], listener: Int64, generation: Int64) {
        knownItems.withLock { known in
            if known.count + items.count > Self.knownItemsLimit { known.removeAll(keepingCapacity: true) }
            for item in items { known.insert(KnownItem(listener: listener, generation: generation, track: item.id)) }
        }
    }

    static func insertItems(_ items: [PlayedItem], listener: Int64, on database: any SQLDatabase) async throws {
        for chunk in items.chunked(maxBinds / 10) {
            var query = SQLQueryString(
                "INSERT INTO encore_history_items (listener_id, track_id, kind, uri, name, artist, album, artists, duration_ms, artist_id, album_id, artist_uri, album_uri) VALUES "
            )
            for (index, item) in chunk.enumerated() {
                query.appendLiteral(
                    index > 0 ? ", (\(listener), \(item.id), \(item.kind.rawValue), " : "(\(listener), \(item.id), \(item.kind.rawValue), ")
                query.appendInterpolation(bind: item.uri)
                query.appendLiteral(", ")
                query.appendInterpolation(bind: item.name)
                query.appendLiteral(", ")
                query.appendInterpolation(bind: item.artist)
                query.appendLiteral(", ")
                query.appendInterpolation(bind: item.album)
                query.appendLiteral(", ")
                query.appendInterpolation(bind: item.artists)
                query.appendLiteral(", ")
                query.appendInterpolation(bind: item.durationMs.map(Int64.init))
                query.appendLiteral(", \(item.artistID), \(item.albumID), ")
                query.appendInterpolation(bind: item.artistURI)
                query.appendLiteral(", ")
                query.appendInterpolation(bind: item.albumURI)
                query.appendLiteral(")")
            }
            query.appendLiteral(
                """
                 ON CONFLICT (listener_id, track_id) DO UPDATE SET artists = COALESCE(excluded.artists, encore_history_items.artists),
                    duration_ms = COALESCE(excluded.duration_ms, encore_history_items.duration_ms),
                    artist_uri = COALESCE(excluded.artist_uri, encore_history_items.artist_uri),
                    album_uri = COALESCE(excluded.album_uri, encore_history_items.album_uri)
                 WHERE excluded.duration_ms IS NOT NULL AND encore_history_items.duration_ms IS NULL
                """)
            try await database.raw(query).run()
        }
    }

    static func finishPoll(_ id: Int64, holder: String, _ finish: PollFinish, on database: any SQLDatabase) async throws {
        try await database.raw(
            """
            UPDATE encore_history_listeners SET poll_after_ms = COALESCE(\(bind: finish.pollAfterMs), poll_after_ms),
                next_poll_ms = CASE WHEN recording = 1 THEN \(bind: finish.nextPollMs) ELSE NULL END,
                last_poll_ms = \(bind: finish.polledAtMs), last_poll_outcome = \(bind: finish.outcome.rawValue),
                lease_holder = NULL, lease_until_ms = NULL
            WHERE listener_id = \(bind: id) AND lease_holder = \(bind: holder)
            """
        ).run()
    }
}
