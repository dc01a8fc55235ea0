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
    /// Moves on with every write that adds or removes plays: what a figure remembered from the
    /// plays was worked out at.
    public var revision: Int64 = 0
    /// Whether the recorder polls their recently played.
    public var recording: Bool
    /// The newest `played_at` the recorder has stored (Unix ms): the next poll's `after`.
    public var pollAfterMs: Int64?
    /// When the recorder polls next (Unix ms).
    public var nextPollMs: Int64?
    /// When the recorder last polled, and how that went.
    public var lastPollMs: Int64?
    public var lastPollOutcome: RecorderOutcome?
    /// Entries stored: what ``HistoryStore/record(_:guard:maxEntries:)`` holds under the limit.
    public var entries: Int64 = 0
    /// Plays stored before entries had ids and not yet found again by an import.
    public var legacyEntries: Int64 = 0
    /// While a change of time zone is being worked through: the rollups hold exactly the plays
    /// that ended at or before this moment (`Int64.min` while the old ones are still being cleared).
    public var rezoneCursorMs: Int64?
    /// When the time zone last changed.
    public var rezonedAtMs: Int64?

    /// Whether the rollups are being recounted in a new time zone.
    public var isRezoning: Bool { rezoneCursorMs != nil }
}

/// What one write of plays did.
public struct RecordOutcome: Sendable, Equatable {
    /// Plays stored for the first time, naming what was played.
    public var added = 0
    /// Plays stored for the first time that name nothing (an unknown item; their time counts).
    public var addedWithoutMetadata = 0
    /// Plays stored that replaced stored plays of the same listening from a source that knows
    /// less (``PlayMerge``): an export entry replacing a recorded estimate.
    public var merged = 0
    /// Plays already there: the same entry, or the same listening from a source that knows more.
    public var duplicates = 0
    /// Stored plays the new ones replaced.
    public var replaced = 0
}

/// The listening history in SQL: plays, what was played, the rollups, the recorder's schedule.
///
/// Every write of plays happens in one transaction that holds the listener's row, inserts only
/// plays not yet stored, and moves every rollup by exactly the plays it inserted, so the rollups
/// always agree with the plays, whoever writes (the recorder on any instance, an import) and
/// whenever a process dies.
public final class HistoryStore: StoredPart {
    let engine: any SQLEngine

    /// How many entries one listener's history may hold unless configured
    /// (`ENCORE_HISTORY_MAX_PLAYS`): 90 a day for 60 years, above any real lifetime of
    /// listening, and under a gigabyte of rows.
    public static let defaultMaxEntries = 2_000_000
    /// Plays per transaction; a transaction holds SQLite's one connection, so this bounds how
    /// long an import keeps a page waiting.
    public static let batchSize = 2_000
    /// Binds per statement, under both engines' limits (SQLite 32,766, PostgreSQL 65,535).
    static let maxBinds = 30_000
    /// Rows per `INSERT` of numbers written as literals.
    static let rowsPerStatement = 2_000
    /// Every table computed from `encore_plays`, with the column its rows are cleared by in pieces.
    static let rollupTables = [
        ("encore_play_hours", "local_hour"), ("encore_play_days", "local_day"), ("encore_play_hour_months", "local_month"),
        ("encore_play_months", "local_month"), ("encore_play_tracks", "track_id"), ("encore_play_packs", "number"),
        ("encore_play_sessions", "local_month"),
    ]
    /// How long reading a report or a page of plays may take (a request's quick statements get 2 s).
    static let readLimit: Duration = .seconds(30)

    /// Items already written by this process, so an import does not write the same track again
    /// with every batch. Forgetting a history deletes its items and moves its generation on,
    /// which the key holds, so a stale entry is never trusted.
    let knownItems = Mutex(Set<KnownItem>())
    static let knownItemsLimit = 200_000

    /// Listeners' catalogs in memory (``catalog(listener:generation:on:)``).
    let catalogs = Mutex(CatalogCache())
    /// Figures of periods remembered while the history stands as it was (``PeriodMemo``), each
    /// bounded at ``periodMemoLimit`` periods across listeners: a period's report (its numbers,
    /// ranked lists, sessions and streaks), and a recap's track played most in a day and new
    /// items of each month.
    let periodFigures = PeriodMemo<PeriodFigures>(limit: periodMemoLimit)
    let busiestTrackDays = PeriodMemo<BusiestTrackDay?>(limit: periodMemoLimit)
    let newInMonths = PeriodMemo<[HistoryRecap.NewInMonth]>(limit: periodMemoLimit)
    /// Periods each memo keeps at most: a household's five listeners opening two hundred
    /// different periods each. The largest values (a recap's new items, 12 months of five rows)
    /// are a few kilobytes, so all four stay within a few megabytes.
    static let periodMemoLimit = 1_000

    struct KnownItem: Hashable {
        var listener: Int64
        var generation: Int64
        var track: Int64
    }

    init(engine: any SQLEngine) {
        self.engine = engine
    }

    /// The history in a store's database; the store must be opened with it among its parts, so
    /// that its tables are made (``SQLEncoreStore/history``).
    public convenience init(store: SQLEncoreStore) {
        self.init(engine: store.engine)
    }

    public static var schemaSteps: [SchemaStep] { HistorySchema.steps }

    var dialect: StorageDialect { engine.dialect }

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
    public func setRecording(userID: String, _ on: Bool, firstPollAt: Date? = nil, outcome: RecorderOutcome? = nil) async throws {
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
                        last_poll_outcome = COALESCE(\(bind: outcome?.rawValue), last_poll_outcome)
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
            for table in ["encore_plays", "encore_history_imports", "encore_history_items"] + Self.rollupTables.map(\.0) {
                try await database.raw("DELETE FROM \(unsafeRaw: table) WHERE listener_id = \(bind: id)").run()
            }
            try await database.raw(
                """
                UPDATE encore_history_listeners SET generation = generation + 1, recording = 0, poll_after_ms = NULL, next_poll_ms = NULL,
                    lease_holder = NULL, lease_until_ms = NULL, last_poll_outcome = \(bind: RecorderOutcome.forgotten.rawValue),
                    entries = 0, legacy_entries = 0, rezone_cursor_ms = NULL
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
                SELECT user_id, time_zone, generation, revision, recording, poll_after_ms, next_poll_ms, last_poll_ms, last_poll_outcome, entries,
                    legacy_entries, rezone_cursor_ms, rezoned_at_ms
                FROM encore_history_listeners WHERE listener_id = \(bind: id)\(unsafeRaw: lock)
                """
            ).first()
        else { return nil }
        return HistoryListener(
            userID: try row.decode(column: "user_id", as: String.self),
            timeZone: try row.decode(column: "time_zone", as: String.self),
            generation: try row.decode(column: "generation", as: Int64.self),
            revision: try row.decode(column: "revision", as: Int64.self),
            recording: try row.decode(column: "recording", as: Int.self) == 1,
            pollAfterMs: try row.decode(column: "poll_after_ms", as: Int64?.self),
            nextPollMs: try row.decode(column: "next_poll_ms", as: Int64?.self),
            lastPollMs: try row.decode(column: "last_poll_ms", as: Int64?.self),
            lastPollOutcome: try row.decode(column: "last_poll_outcome", as: String?.self).flatMap(RecorderOutcome.init(rawValue:)),
            entries: try row.decode(column: "entries", as: Int64.self),
            legacyEntries: try row.decode(column: "legacy_entries", as: Int64.self),
            rezoneCursorMs: try row.decode(column: "rezone_cursor_ms", as: Int64?.self),
            rezonedAtMs: try row.decode(column: "rezoned_at_ms", as: Int64?.self)
        )
    }
}

extension Array {
    /// The array in consecutive pieces of at most `size` elements.
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        let size = Swift.max(1, size)
        return stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}

extension SQLEncoreStore {
    /// The listening history in this store's database: the same instance every time, so what it
    /// remembers is shared by everything that reads it.
    public var history: HistoryStore { part(HistoryStore.self) }
}
