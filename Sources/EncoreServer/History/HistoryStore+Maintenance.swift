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

extension HistoryStore {
    /// A running import that has not reported for this long belonged to an instance that stopped.
    static let importHeartbeat: Int64 = 120_000

    // MARK: Time zone

    /// Counts the listener's days, hours and months in another zone from now on: the rollups are
    /// computed again from the plays, in one transaction, and an import under way stops.
    /// - Returns: Whether the zone changed.
    @discardableResult
    public func setTimeZone(userID: String, _ zone: String) async throws -> Bool {
        guard let timeZone = LocalCalendar.zone(named: zone) else {
            throw WriteRefused(description: "\(zone) is not a time zone name (such as Europe/Berlin)")
        }
        let id = HistoryID.listener(userID)
        // Rebuilding a large history is slow; it holds SQLite's one connection meanwhile.
        return try await engine.withTransaction(limit: .seconds(600)) { database in
            guard let listener = try await Self.selectListener(id, on: database, lock: self.engine.dialect.lockRows) else {
                throw WriteRefused(description: "there is no history for this listener")
            }
            guard listener.timeZone != zone else { return false }
            try await database.raw(
                "UPDATE encore_history_listeners SET time_zone = \(bind: zone), generation = generation + 1 WHERE listener_id = \(bind: id)"
            ).run()
            for table in HistoryStore.rollupTables {
                try await database.raw("DELETE FROM \(unsafeRaw: table) WHERE listener_id = \(bind: id)").run()
            }
            var after = Int64.min
            while true {
                let rows = try await database.raw(
                    """
                    SELECT played_at_ms, track_id, ms_played FROM encore_plays
                    WHERE listener_id = \(bind: id) AND played_at_ms > \(bind: after) ORDER BY played_at_ms LIMIT 20000
                    """
                ).all()
                guard !rows.isEmpty else { break }
                var plays: [RollupDelta.Entry] = []
                plays.reserveCapacity(rows.count)
                for row in rows {
                    plays.append(
                        RollupDelta.Entry(
                            at: try row.decode(column: "played_at_ms", as: Int64.self), track: try row.decode(column: "track_id", as: Int64.self),
                            ms: try row.decode(column: "ms_played", as: Int64.self)))
                }
                after = plays[plays.count - 1].at
                try await RollupDelta(plays, timeZone: timeZone).apply(listener: id, on: database)
            }
            return true
        }
    }

    // MARK: Reading every play

    /// Plays of a listener after `afterMs`, oldest first, at most `limit`: page through a whole
    /// history by passing the last one's time.
    public func plays(userID: String, afterMs: Int64, limit: Int) async throws -> [Play] {
        let id = HistoryID.listener(userID)
        return try await engine.withDatabase(idempotent: true, limit: HistoryStore.readLimit) { database in
            try await database.raw(
                """
                SELECT p.played_at_ms, p.ms_played, p.source, p.context_uri, t.kind, t.uri, t.name, t.artist, t.album, t.artists, t.duration_ms
                FROM encore_plays p JOIN encore_history_tracks t ON t.track_id = p.track_id
                WHERE p.listener_id = \(bind: id) AND p.played_at_ms > \(bind: afterMs) ORDER BY p.played_at_ms LIMIT \(bind: limit)
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
                    contextURI: try row.decode(column: "context_uri", as: String?.self))
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
                INSERT INTO encore_history_imports (import_id, listener_id, file_name, state, entries, added, duplicates, malformed, unidentified, started_at, updated_at)
                VALUES (\(bind: id), \(bind: HistoryID.listener(userID)), \(bind: String(fileName.prefix(200))), 'running', 0, 0, 0, 0, 0,
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
                    unidentified = \(bind: Int64(summary.unidentified)), message = \(bind: message), updated_at = \(bind: now.unixMilliseconds)
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
                SELECT import_id, file_name, state, entries, added, duplicates, malformed, unidentified, message, started_at, updated_at
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
                        duplicates: try row.decode(column: "duplicates", as: Int.self), malformed: try row.decode(column: "malformed", as: Int.self),
                        unidentified: try row.decode(column: "unidentified", as: Int.self)),
                    message: try row.decode(column: "message", as: String?.self),
                    startedAt: Date(unixMilliseconds: try row.decode(column: "started_at", as: Int64.self)),
                    updatedAt: Date(unixMilliseconds: updated))
            }
        }
    }
}
