import Foundation
import SQLKit

/// The two bulk statements of a write: what was played, and the plays themselves.
extension HistoryStore {
    static func insertItems(_ items: [PlayedItem], on database: any SQLDatabase) async throws {
        for chunk in items.chunked(maxBinds / 8) {
            var query = SQLQueryString(
                "INSERT INTO encore_history_tracks (track_id, kind, uri, name, artist, album, artists, duration_ms, artist_id, album_id) VALUES ")
            for (index, item) in chunk.enumerated() {
                if index > 0 { query.appendLiteral(", ") }
                query.appendLiteral("(")
                query.appendInterpolation(bind: item.id)
                query.appendLiteral(", ")
                query.appendInterpolation(bind: item.kind.rawValue)
                query.appendLiteral(", ")
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
                query.appendLiteral(", \(item.artistID), \(item.albumID))")
            }
            query.appendLiteral(
                """
                 ON CONFLICT (track_id) DO UPDATE SET artists = COALESCE(excluded.artists, encore_history_tracks.artists),
                    duration_ms = COALESCE(excluded.duration_ms, encore_history_tracks.duration_ms)
                 WHERE excluded.duration_ms IS NOT NULL AND encore_history_tracks.duration_ms IS NULL
                """)
            try await database.raw(query).run()
        }
    }

    /// Inserts the plays not yet stored; returns those it inserted.
    ///
    /// The numbers are written into the statement as literals (Swift prints them; nothing else
    /// is): a million plays would otherwise be six million binds, most of an import's time.
    static func insertPlays(_ plays: [Play], listener: Int64, boundingChecks: Bool, on database: any SQLDatabase) async throws -> [Play] {
        var inserted: [Play] = []
        inserted.reserveCapacity(plays.count)
        // In time order, so each statement's plays span a short window the check below can name.
        for chunk in plays.sorted(by: { $0.playedAtMs < $1.playedAtMs }).chunked(rowsPerStatement) {
            guard let earliest = chunk.first?.playedAtMs, let latest = chunk.last?.playedAtMs else { continue }
            var query = SQLQueryString(
                "INSERT INTO encore_plays (listener_id, played_at_ms, track_id, ms_played, source, context_uri) SELECT v.column1, v.column2, v.column3, v.column4, v.column5, v.column6 FROM (VALUES "
            )
            var byMoment: [Int64: Play] = [:]
            byMoment.reserveCapacity(chunk.count)
            var values = ""
            values.reserveCapacity(chunk.count * 72)
            for (index, play) in chunk.enumerated() {
                values += index == 0 ? "(" : ", ("
                values += "\(listener), \(play.playedAtMs), \(play.item.id), \(play.msPlayed), \(play.source.rawValue), "
                if let context = play.contextURI {
                    query.appendLiteral(values)
                    query.appendInterpolation(bind: context)
                    values = ")"
                } else {
                    values += "NULL)"
                }
                byMoment[play.playedAtMs] = play
            }
            query.appendLiteral(values)
            // The same track ending within the tolerance of a stored play is that play, whichever
            // source stored it; the same moment is the same play. Where the engine gains by it,
            // the statement's window is named too (``StorageDialect/boundsPlayChecks``: 214 → 9 ms a
            // statement on PostgreSQL at a million plays).
            let window =
                boundingChecks
                ? "AND p.played_at_ms >= \(earliest - samePlayTolerance) AND p.played_at_ms <= \(latest + samePlayTolerance)" : ""
            query.appendLiteral(
                """
                ) AS v WHERE NOT EXISTS (
                    SELECT 1 FROM encore_plays p WHERE p.listener_id = \(listener) \(window)
                    AND p.played_at_ms >= v.column2 - \(samePlayTolerance) AND p.played_at_ms <= v.column2 + \(samePlayTolerance)
                    AND p.track_id = v.column3)
                ON CONFLICT (listener_id, played_at_ms) DO NOTHING RETURNING played_at_ms
                """)
            for row in try await database.raw(query).all() {
                if let play = byMoment[try row.decode(column: "played_at_ms", as: Int64.self)] { inserted.append(play) }
            }
        }
        return inserted
    }
}
