import Foundation
import SQLKit
import Synchronization

/// A listener as the history keeps them.
public struct HistoryListener: Sendable, Equatable {
    public var userID: String
    /// The IANA name of the zone their days, hours and months are counted in.
    public var timeZone: String
    /// Moves on when the history is forgotten or re-zoned, so work started before stops.
    public var generation: Int64
    /// Whether the recorder polls their recently played.
    public var recording: Bool
    /// The newest `played_at` the recorder has stored (Unix ms): the next poll's `after`.
    public var pollAfterMs: Int64?
    /// When the recorder polls next (Unix ms).
    public var nextPollMs: Int64?
    /// When the recorder last polled, and how that went (`ok`, `rate_limited`, `signed_out`, …).
    public var lastPollMs: Int64?
    public var lastPollOutcome: String?
}

/// What one write of plays did.
public struct RecordOutcome: Sendable, Equatable {
    /// Plays stored for the first time.
    public var added: Int
    /// Plays already there (the same moment, or the same track within ``HistoryStore/samePlayTolerance``).
    public var duplicates: Int
}

/// The listening history in SQL: plays, what was played, the rollups, the recorder's schedule.
///
/// Every write of plays happens in one transaction that holds the listener's row, inserts only
/// plays not yet stored, and moves every rollup by exactly the plays it inserted, so the rollups
/// always agree with the plays, whoever writes (the recorder on any instance, an import) and
/// whenever a process dies.
public final class HistoryStore: Sendable {
    let engine: any SQLEngine

    /// The same track ending within this of a stored play is that play again: the recorder's
    /// `played_at` (milliseconds) and the export's `ts` (whole seconds) name one play a little
    /// differently.
    public static let samePlayTolerance: Int64 = 10_000
    /// Plays per transaction; a transaction holds SQLite's one connection, so this bounds how
    /// long an import keeps a page waiting.
    public static let batchSize = 2_000
    /// Binds per statement, under both engines' limits (SQLite 32,766, PostgreSQL 65,535).
    static let maxBinds = 30_000
    /// Rows per `INSERT` of numbers written as literals.
    static let rowsPerStatement = 2_000
    /// Every table computed from `encore_plays`.
    static let rollupTables = [
        "encore_play_hours", "encore_play_days", "encore_play_hour_months", "encore_play_months", "encore_play_tracks", "encore_play_packs",
    ]
    /// How long reading a report or a page of plays may take (a request's quick statements get 2 s).
    static let readLimit: Duration = .seconds(30)

    /// Items already written by this process, so an import does not write the same track again
    /// with every batch. Items are never deleted, so a stale entry cannot be wrong.
    private let knownItems = Mutex(Set<Int64>())
    private static let knownItemsLimit = 200_000

    init(engine: any SQLEngine) {
        self.engine = engine
    }

    private var dialect: StorageDialect { engine.dialect }

    // MARK: Listeners

    /// The listener, or `nil` when they have no history yet.
    public func listener(userID: String) async throws -> HistoryListener? {
        try await engine.withDatabase(idempotent: true) { database in
            try await Self.selectListener(HistoryID.listener(userID), on: database, lock: "")
        }
    }

    /// The listener, made with `timeZone` when they are new.
    @discardableResult
    public func ensureListener(userID: String, timeZone: String, now: Date) async throws -> HistoryListener {
        let id = HistoryID.listener(userID)
        return try await engine.withDatabase(idempotent: true) { database in
            try await database.raw(
                """
                INSERT INTO encore_history_listeners (listener_id, user_id, time_zone, generation, recording, created_at)
                VALUES (\(bind: id), \(bind: userID), \(bind: timeZone), 0, 0, \(bind: now.unixMilliseconds))
                ON CONFLICT (listener_id) DO NOTHING
                """
            ).run()
            guard let listener = try await Self.selectListener(id, on: database, lock: "") else {
                throw StorageError.failed("the history listener vanished as it was made")
            }
            return listener
        }
    }

    /// Starts the recorder for a listener (a first poll at `firstPollAt`), or stops it.
    public func setRecording(userID: String, _ on: Bool, firstPollAt: Date? = nil, outcome: String? = nil) async throws {
        let id = HistoryID.listener(userID)
        try await engine.withDatabase(idempotent: true) { database in
            if on {
                try await database.raw(
                    """
                    UPDATE encore_history_listeners SET recording = 1,
                        next_poll_ms = CASE WHEN recording = 1 AND next_poll_ms IS NOT NULL THEN next_poll_ms ELSE \(bind: firstPollAt?.unixMilliseconds ?? 0) END
                    WHERE listener_id = \(bind: id)
                    """
                ).run()
            } else {
                try await database.raw(
                    """
                    UPDATE encore_history_listeners SET recording = 0, next_poll_ms = NULL, lease_holder = NULL, lease_until_ms = NULL,
                        last_poll_outcome = COALESCE(\(bind: outcome), last_poll_outcome)
                    WHERE listener_id = \(bind: id)
                    """
                ).run()
            }
        }
    }

    /// Deletes every play of a listener and everything computed from them, and stops the
    /// recorder for them; an import under way stops at its next batch.
    /// - Returns: How many plays went.
    @discardableResult
    public func forget(userID: String) async throws -> Int {
        let id = HistoryID.listener(userID)
        return try await engine.withTransaction { database in
            guard try await Self.selectListener(id, on: database, lock: self.dialect.lockRows) != nil else { return 0 }
            let plays =
                try await database.raw("SELECT COUNT(*) AS n FROM encore_plays WHERE listener_id = \(bind: id)").first()?
                .decode(column: "n", as: Int.self) ?? 0
            for table in ["encore_plays", "encore_history_imports"] + Self.rollupTables {
                try await database.raw("DELETE FROM \(unsafeRaw: table) WHERE listener_id = \(bind: id)").run()
            }
            try await database.raw(
                """
                UPDATE encore_history_listeners SET generation = generation + 1, recording = 0, poll_after_ms = NULL, next_poll_ms = NULL,
                    lease_holder = NULL, lease_until_ms = NULL, last_poll_outcome = 'forgotten'
                WHERE listener_id = \(bind: id)
                """
            ).run()
            return plays
        }
    }

    static func selectListener(_ id: Int64, on database: any SQLDatabase, lock: String) async throws -> HistoryListener? {
        guard
            let row = try await database.raw(
                """
                SELECT user_id, time_zone, generation, recording, poll_after_ms, next_poll_ms, last_poll_ms, last_poll_outcome
                FROM encore_history_listeners WHERE listener_id = \(bind: id)\(unsafeRaw: lock)
                """
            ).first()
        else { return nil }
        return HistoryListener(
            userID: try row.decode(column: "user_id", as: String.self),
            timeZone: try row.decode(column: "time_zone", as: String.self),
            generation: try row.decode(column: "generation", as: Int64.self),
            recording: try row.decode(column: "recording", as: Int.self) == 1,
            pollAfterMs: try row.decode(column: "poll_after_ms", as: Int64?.self),
            nextPollMs: try row.decode(column: "next_poll_ms", as: Int64?.self),
            lastPollMs: try row.decode(column: "last_poll_ms", as: Int64?.self),
            lastPollOutcome: try row.decode(column: "last_poll_outcome", as: String?.self)
        )
    }

    // MARK: Writing plays

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
        public var outcome: String
    }

    /// The write was refused: the history was forgotten or re-zoned, or the lease passed on.
    public struct WriteRefused: Error, CustomStringConvertible {
        public var description: String
    }

    /// Plays made ready to write: sorted, each given once, and their rollup statements built as
    /// if every one of them is new (which is what an import into new ground finds). An importer
    /// prepares the next batch while the last one is written.
    public struct PreparedPlays: Sendable {
        let listenerID: Int64
        let plays: [Play]
        let received: Int
        let timeZone: String
        let rollups: [String]
    }

    /// Prepares plays for ``record(_:guard:)``; the listener must exist.
    public func prepare(_ plays: [Play], userID: String) async throws -> PreparedPlays {
        Self.prepare(plays, userID: userID, timeZone: try await listener(userID: userID)?.timeZone ?? "UTC")
    }

    /// Prepares plays for a listener whose time zone is known; no database work. Should the zone
    /// have changed by the time they are written, the rollups are worked out again then.
    public static func prepare(_ plays: [Play], userID: String, timeZone: String) -> PreparedPlays {
        let id = HistoryID.listener(userID)
        let batch = deduplicated(plays)
        let zone = LocalCalendar.zone(named: timeZone) ?? TimeZone(identifier: "UTC") ?? .current
        let rollups = batch.isEmpty ? [] : RollupDelta(batch.map(RollupDelta.Entry.init), timeZone: zone).statements(listener: id)
        return PreparedPlays(listenerID: id, plays: batch, received: plays.count, timeZone: timeZone, rollups: rollups)
    }

    /// Stores plays once each and moves the rollups by exactly the plays stored, in one
    /// transaction. The listener must exist (``ensureListener(userID:timeZone:now:)``).
    public func record(_ plays: [Play], userID: String, guard writeGuard: WriteGuard = .none) async throws -> RecordOutcome {
        try await record(try await prepare(plays, userID: userID), guard: writeGuard)
    }

    /// Stores prepared plays; see ``record(_:userID:guard:)``.
    public func record(_ prepared: PreparedPlays, guard writeGuard: WriteGuard = .none) async throws -> RecordOutcome {
        let id = prepared.listenerID, batch = prepared.plays
        // What was played is shared by every listener and never deleted: it is written first, in
        // statements of its own and in one order, so writers of different listeners never wait
        // on each other's transactions (or deadlock) over a track they both played.
        let newItems = unknownItems(in: batch).sorted { $0.id < $1.id }
        if !newItems.isEmpty {
            try await engine.withDatabase(idempotent: true, limit: HistoryStore.readLimit) { database in
                try await Self.insertItems(newItems, on: database)
            }
        }
        let outcome = try await engine.withTransaction { database -> RecordOutcome in
            guard let listener = try await Self.selectListener(id, on: database, lock: self.dialect.lockRows) else {
                throw WriteRefused(description: "there is no history for this listener")
            }
            try await Self.check(writeGuard, listener: listener, id: id, on: database)
            let inserted =
                batch.isEmpty ? [] : try await Self.insertPlays(batch, listener: id, boundingChecks: self.dialect.boundsPlayChecks, on: database)
            if inserted.count == batch.count && listener.timeZone == prepared.timeZone {
                for statement in prepared.rollups { try await database.raw(SQLQueryString(statement)).run() }
            } else if !inserted.isEmpty {
                // Some were there already (or the zone changed): the rollups move by what was inserted.
                let zone = LocalCalendar.zone(named: listener.timeZone) ?? TimeZone(identifier: "UTC") ?? .current
                try await RollupDelta(inserted.map(RollupDelta.Entry.init), timeZone: zone).apply(listener: id, on: database)
            }
            if case .lease(let holder, let finish) = writeGuard {
                try await Self.finishPoll(id, holder: holder, finish, on: database)
            }
            return RecordOutcome(added: inserted.count, duplicates: prepared.received - inserted.count)
        }
        rememberItems(newItems)
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

    /// Sorted by time, with a play given twice (the same moment, or the same track within the
    /// tolerance) kept once: the database compares with what it holds, not within a statement.
    static func deduplicated(_ plays: [Play]) -> [Play] {
        var sorted = plays.sorted { $0.playedAtMs < $1.playedAtMs }
        var lastEnd: [Int64: Int64] = [:]
        var previous: Int64?
        sorted.removeAll { play in
            let item = play.item.id
            if play.playedAtMs == previous { return true }
            if let last = lastEnd[item], play.playedAtMs - last <= samePlayTolerance { return true }
            previous = play.playedAtMs
            lastEnd[item] = play.playedAtMs
            return false
        }
        return sorted
    }

    private func unknownItems(in plays: [Play]) -> [PlayedItem] {
        var seen = Set<Int64>()
        let known = knownItems.withLock { $0 }
        return plays.compactMap { play in
            let id = play.item.id
            // The recorder knows more than an import (every artist, the length): its items are
            // written each time, so a track first seen in an export gets them.
            guard play.item.durationMs != nil || !known.contains(id), seen.insert(id).inserted else { return nil }
            return play.item
        }
    }

    private func rememberItems(_ items: [PlayedItem]) {
        knownItems.withLock { known in
            if known.count + items.count > Self.knownItemsLimit { known.removeAll(keepingCapacity: true) }
            for item in items { known.insert(item.id) }
        }
    }

    private static func finishPoll(_ id: Int64, holder: String, _ finish: PollFinish, on database: any SQLDatabase) async throws {
        try await database.raw(
            """
            UPDATE encore_history_listeners SET poll_after_ms = COALESCE(\(bind: finish.pollAfterMs), poll_after_ms),
                next_poll_ms = CASE WHEN recording = 1 THEN \(bind: finish.nextPollMs) ELSE NULL END,
                last_poll_ms = \(bind: finish.polledAtMs), last_poll_outcome = \(bind: finish.outcome),
                lease_holder = NULL, lease_until_ms = NULL
            WHERE listener_id = \(bind: id) AND lease_holder = \(bind: holder)
            """
        ).run()
    }
}

extension Array {
    /// The array in consecutive pieces of at most `size` elements.
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        let size = Swift.max(1, size)
        return stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
