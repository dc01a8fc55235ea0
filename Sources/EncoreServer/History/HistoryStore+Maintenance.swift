import Foundation
import SQLKit

/// An upload being imported, or done: what every instance shows on `/history`.
public struct ImportStatus: Sendable, Codable, Equatable {
    public enum State: String, Sendable, Codable {
        case running, done, failed
        /// The instance importing it stopped; importing the file again adds only what is missing.
        case interrupted
    }

    public var id: String
    public var fileName: String
    public var state: State
    public var summary: ImportSummary
    public var message: String?
    public var startedAt: Date
    public var updatedAt: Date
}

/// A change the history cannot take now; try again after ``retryAfter``.
public struct HistoryBusy: Error, CustomStringConvertible {
    public var description: String
    public var retryAfter: Duration
}

/// How far a change of time zone has got.
public struct RezoneProgress: Sendable, Equatable {
    /// From 0 to 1.
    public var fraction: Double
    public var done: Bool
}

extension HistoryStore {
    /// A running import that has not reported for this long belonged to an instance that stopped.
    static let importHeartbeat: Int64 = 120_000

    // MARK: Time zone

    /// The least time between two changes of one listener's time zone: each recounts their
    /// whole history.
    public static let rezoneSpacing: Duration = .seconds(60)
    /// Plays recounted per transaction: a transaction holds SQLite's one connection, and 10,000
    /// plays take tens of milliseconds.
    public static let rezoneBatch = 10_000

    /// Counts the listener's days, hours and months in another zone from now on, and recounts
    /// the whole history before returning (the command line; the web app starts the change and
    /// lets ``HistoryMaintenance`` work through it).
    /// - Returns: Whether the zone changed.
    @discardableResult
    public func setTimeZone(userID: String, _ zone: String, now: Date = Date()) async throws -> Bool {
        guard try await startTimeZoneChange(userID: userID, zone, now: now, spacing: .zero) else { return false }
        while try await rezoneStep(listenerID: HistoryID.listener(userID)) != nil {}
        return true
    }

    /// Starts counting the listener's days, hours and months in another zone: the zone changes
    /// now, an import under way stops (the generation moves on), and the rollups are recounted
    /// in pieces by ``rezoneStep(listenerID:batch:)``, while pages show how far it has got.
    /// - Returns: Whether the zone changed.
    /// - Throws: ``HistoryBusy`` while a change is being worked through, or within `spacing` of the last.
    @discardableResult
    public func startTimeZoneChange(userID: String, _ zone: String, now: Date, spacing: Duration = rezoneSpacing) async throws -> Bool {
        guard LocalCalendar.zone(named: zone) != nil else {
            throw WriteRefused(description: "\(zone) is not a time zone name (such as Europe/Berlin)")
        }
        let id = HistoryID.listener(userID)
        let nowMs = now.unixMilliseconds
        return try await engine.withTransaction { database in
            guard let listener = try await Self.selectListener(id, on: database, lock: self.engine.dialect.lockRows) else {
                throw WriteRefused(description: "there is no history for this listener")
            }
            guard listener.timeZone != zone else { return false }
            if listener.isRezoning {
                throw HistoryBusy(description: "Encore is still recounting your history in the last time zone you chose.", retryAfter: .seconds(10))
            }
            let spacingMs = Int64(spacing.timeInterval * 1000)
            if let last = listener.rezonedAtMs, nowMs - last < spacingMs, nowMs >= last {
                throw HistoryBusy(
                    description: "Your time zone changed a moment ago; each change recounts your whole history, so wait a minute.",
                    retryAfter: .milliseconds(spacingMs - (nowMs - last)))
            }
            try await database.raw(
                """
                UPDATE encore_history_listeners SET time_zone = \(bind: zone), generation = generation + 1,
                    rezone_cursor_ms = \(bind: Int64.min), rezoned_at_ms = \(bind: nowMs)
                WHERE listener_id = \(bind: id)
                """
            ).run()
            return true
        }
    }

    /// Listeners whose time zone change is under way, on any instance.
    public func rezoningListeners(limit: Int = 100) async throws -> [Int64] {
        try await engine.withDatabase(idempotent: true) { database in
            try await database.raw(
                "SELECT listener_id FROM encore_history_listeners WHERE rezone_cursor_ms IS NOT NULL LIMIT \(literal: limit)"
            ).all().map { try $0.decode(column: "listener_id", as: Int64.self) }
        }
    }

    /// One short transaction of a time-zone change: clears the next piece of the old rollups,
    /// or counts the next `batch` plays into the new ones.
    /// - Returns: How far the change has got, or `nil` when there is nothing (left) to do.
    @discardableResult
    public func rezoneStep(listenerID id: Int64, batch: Int = rezoneBatch) async throws -> RezoneProgress? {
        try await engine.withTransaction(limit: HistoryStore.readLimit) { database -> RezoneProgress? in
            guard let listener = try await Self.selectListener(id, on: database, lock: self.engine.dialect.lockRows),
                let cursor = listener.rezoneCursorMs
            else { return nil }
            if cursor == Int64.min {
                for (table, column) in HistoryStore.rollupTables {
                    let rows = try await database.raw(
                        """
                        SELECT \(unsafeRaw: column) AS k FROM \(unsafeRaw: table) WHERE listener_id = \(bind: id)
                        ORDER BY \(unsafeRaw: column) LIMIT \(literal: max(1, batch / 10))
                        """
                    ).all()
                    guard !rows.isEmpty else { continue }
                    let keys = Set(try rows.map { try $0.decode(column: "k", as: Int64.self) }).map(String.init).joined(separator: ", ")
                    try await database.raw(
                        "DELETE FROM \(unsafeRaw: table) WHERE listener_id = \(bind: id) AND \(unsafeRaw: column) IN (\(unsafeRaw: keys))"
                    ).run()
                    return RezoneProgress(fraction: 0, done: false)
                }
                // Cleared: from here the rollups hold the plays up to the cursor, none so far.
                try await database.raw(
                    "UPDATE encore_history_listeners SET rezone_cursor_ms = \(bind: Int64.min + 1) WHERE listener_id = \(bind: id)"
                )
                .run()
                return RezoneProgress(fraction: 0, done: false)
            }
            var plays = try await Self.rollupEntries(listener: id, after: cursor, limit: batch, on: database)
            guard let last = plays.last?.at else {
                try await database.raw("UPDATE encore_history_listeners SET rezone_cursor_ms = NULL WHERE listener_id = \(bind: id)").run()
                return RezoneProgress(fraction: 1, done: true)
            }
            // Plays of one moment are counted in one step, so the cursor never splits them.
            var upTo = last
            if plays.count == batch {
                if plays.first?.at == last {
                    plays = try await Self.rollupEntries(listener: id, after: last - 1, through: last, on: database)
                } else {
                    upTo = last - 1
                    plays.removeAll { $0.at == last }
                }
            }
            let zone = LocalCalendar.zone(named: listener.timeZone) ?? TimeZone(identifier: "UTC") ?? .current
            try await RollupDelta(plays, timeZone: zone).apply(
                listener: id, calendar: LocalCalendar(timeZone: zone), cursor: upTo, arrays: self.dialect.writesArrays, on: database)
            try await database.raw("UPDATE encore_history_listeners SET rezone_cursor_ms = \(bind: upTo) WHERE listener_id = \(bind: id)").run()
            let bounds = try await database.raw(
                """
                SELECT MIN(played_at_ms) AS first_ms, MAX(played_at_ms) AS last_ms FROM encore_plays WHERE listener_id = \(bind: id)
                """
            ).first()
            let first = try bounds?.decode(column: "first_ms", as: Int64?.self) ?? upTo
            let latest = try bounds?.decode(column: "last_ms", as: Int64?.self) ?? upTo
            let fraction = latest > first ? Double(upTo - first) / Double(latest - first) : 1
            return RezoneProgress(fraction: min(1, max(0, fraction)), done: false)
        }
    }

    /// A listener's plays after `after` (through `through`), oldest first, as the rollups need them.
    private static func rollupEntries(
        listener id: Int64, after: Int64, through: Int64 = .max, limit: Int? = nil, on database: any SQLDatabase
    ) async throws -> [RollupDelta.Entry] {
        let limitClause = limit.map { " LIMIT \($0)" } ?? ""
        let rows = try await database.raw(
            """
            SELECT played_at_ms, track_id, ms_played, source FROM encore_plays
            WHERE listener_id = \(bind: id) AND played_at_ms > \(bind: after) AND played_at_ms <= \(bind: through)
            ORDER BY played_at_ms\(unsafeRaw: limitClause)
            """
        ).all()
        var plays: [RollupDelta.Entry] = []
        plays.reserveCapacity(rows.count)
        for row in rows {
            plays.append(
                RollupDelta.Entry(
                    at: try row.decode(column: "played_at_ms", as: Int64.self), track: try row.decode(column: "track_id", as: Int64.self),
                    ms: try row.decode(column: "ms_played", as: Int64.self),
                    estimated: try row.decode(column: "source", as: Int.self) == PlaySource.recorded.rawValue))
        }
        return plays
    }

    // MARK: Reading every play

    /// Where a page of plays ends: the next page starts after it.
    public struct PlayCursor: Sendable, Hashable {
        public var playedAtMs: Int64
        public var entryID: Int64

        public static let start = PlayCursor(playedAtMs: .min, entryID: .min)

        public init(playedAtMs: Int64, entryID: Int64) {
            self.playedAtMs = playedAtMs
            self.entryID = entryID
        }
    }

    /// Plays of a listener after `cursor`, oldest first, at most `limit`: page through a whole
    /// history by passing the last one's ``Play/cursor``.
    public func plays(userID: String, after cursor: PlayCursor = .start, limit: Int) async throws -> [Play] {
        let id = HistoryID.listener(userID)
        return try await engine.withDatabase(idempotent: true, limit: HistoryStore.readLimit) { database in
            try await database.raw(
                """
                SELECT p.played_at_ms, p.entry_id, p.ms_played, p.source, p.context_uri, p.reason_start, p.reason_end, p.skipped,
                    t.kind, t.uri, t.name, t.artist, t.album, t.artists, t.duration_ms
                FROM encore_plays p JOIN encore_history_items t ON t.listener_id = p.listener_id AND t.track_id = p.track_id
                WHERE p.listener_id = \(bind: id) AND (p.played_at_ms > \(bind: cursor.playedAtMs)
                    OR (p.played_at_ms = \(bind: cursor.playedAtMs) AND p.entry_id > \(bind: cursor.entryID)))
                ORDER BY p.played_at_ms, p.entry_id LIMIT \(bind: limit)
                """
            ).all().map { row in
                let item = PlayedItem(
                    uri: try row.decode(column: "uri", as: String?.self),
                    kind: PlayedKind(rawValue: try row.decode(column: "kind", as: Int.self)) ?? .track,
                    name: try row.decode(column: "name", as: String.self), artist: try row.decode(column: "artist", as: String.self),
                    album: try row.decode(column: "album", as: String.self), artists: try row.decode(column: "artists", as: String?.self),
                    durationMs: try row.decode(column: "duration_ms", as: Int64?.self).map { Int($0) })
                return Play(
                    playedAtMs: try row.decode(column: "played_at_ms", as: Int64.self),
                    msPlayed: Int(try row.decode(column: "ms_played", as: Int64.self)),
                    item: item, source: PlaySource(rawValue: try row.decode(column: "source", as: Int.self)) ?? .imported,
                    contextURI: try row.decode(column: "context_uri", as: String?.self),
                    entryID: try row.decode(column: "entry_id", as: Int64.self),
                    reasonStart: try row.decode(column: "reason_start", as: Int?.self).map(PlayReason.init(code:)),
                    reasonEnd: try row.decode(column: "reason_end", as: Int?.self).map(PlayReason.init(code:)),
                    skipped: try row.decode(column: "skipped", as: Int?.self).map { $0 != 0 })
            }
        }
    }

    /// The first and the latest play of a listener, if any.
    public func span(userID: String) async throws -> (first: Date, latest: Date)? {
        let id = HistoryID.listener(userID)
        return try await engine.withDatabase(idempotent: true, limit: HistoryStore.readLimit) { database in
            let row = try await database.raw(
                """
                SELECT (SELECT MIN(played_at_ms) FROM encore_plays WHERE listener_id = \(bind: id)) AS first_ms,
                    (SELECT MAX(played_at_ms) FROM encore_plays WHERE listener_id = \(bind: id)) AS last_ms
                """
            ).first()
            guard let first = try row?.decode(column: "first_ms", as: Int64?.self), let last = try row?.decode(column: "last_ms", as: Int64?.self)
            else { return nil }
            return (Date(unixMilliseconds: first), Date(unixMilliseconds: last))
        }
    }

    // MARK: Uploads

    /// Notes an import that starts now.
    public func startImport(id: String, userID: String, fileName: String, now: Date) async throws {
        try await engine.withDatabase { database in
            try await database.raw(
                """
                INSERT INTO encore_history_imports (import_id, listener_id, file_name, state, entries, added, duplicates, malformed, unidentified, merged, video, started_at, updated_at)
                VALUES (\(bind: id), \(bind: HistoryID.listener(userID)), \(bind: String(fileName.prefix(200))), 'running', 0, 0, 0, 0, 0, 0, 0,
                    \(bind: now.unixMilliseconds), \(bind: now.unixMilliseconds))
                """
            ).run()
        }
    }

    /// Records an import's progress, or its end.
    public func updateImport(id: String, summary: ImportSummary, state: ImportStatus.State, message: String? = nil, now: Date) async throws {
        try await engine.withDatabase(idempotent: true, limit: HistoryStore.readLimit) { database in
            try await database.raw(
                """
                UPDATE encore_history_imports SET state = \(bind: state.rawValue), entries = \(bind: Int64(summary.entries)),
                    added = \(bind: Int64(summary.added)), duplicates = \(bind: Int64(summary.duplicates)), malformed = \(bind: Int64(summary.malformed)),
                    unidentified = \(bind: Int64(summary.withoutMetadata)), merged = \(bind: Int64(summary.merged)), video = \(bind: Int64(summary.video)),
                    files = \(bind: summary.encodedFiles), message = \(bind: message), updated_at = \(bind: now.unixMilliseconds)
                WHERE import_id = \(bind: id)
                """
            ).run()
        }
    }

    /// The listener's latest imports, newest first; one whose instance stopped reads as interrupted.
    public func imports(userID: String, now: Date, limit: Int = 5) async throws -> [ImportStatus] {
        let id = HistoryID.listener(userID)
        return try await engine.withDatabase(idempotent: true, limit: HistoryStore.readLimit) { database in
            try await database.raw(
                """
                SELECT import_id, file_name, state, entries, added, duplicates, malformed, unidentified, merged, video, files, message, started_at,
                    updated_at
                FROM encore_history_imports WHERE listener_id = \(bind: id) ORDER BY started_at DESC LIMIT \(bind: limit)
                """
            ).all().map { row in
                let updated = try row.decode(column: "updated_at", as: Int64.self)
                var state = ImportStatus.State(rawValue: try row.decode(column: "state", as: String.self)) ?? .failed
                if state == .running, now.unixMilliseconds - updated > Self.importHeartbeat { state = .interrupted }
                return ImportStatus(
                    id: try row.decode(column: "import_id", as: String.self), fileName: try row.decode(column: "file_name", as: String.self),
                    state: state,
                    summary: ImportSummary(
                        entries: try row.decode(column: "entries", as: Int.self), added: try row.decode(column: "added", as: Int.self),
                        duplicates: try row.decode(column: "duplicates", as: Int.self), merged: try row.decode(column: "merged", as: Int.self),
                        withoutMetadata: try row.decode(column: "unidentified", as: Int.self), video: try row.decode(column: "video", as: Int.self),
                        malformed: try row.decode(column: "malformed", as: Int.self),
                        files: ImportSummary.decodeFiles(try row.decode(column: "files", as: String?.self))),
                    message: try row.decode(column: "message", as: String?.self),
                    startedAt: Date(unixMilliseconds: try row.decode(column: "started_at", as: Int64.self)),
                    updatedAt: Date(unixMilliseconds: updated))
            }
        }
    }
}
