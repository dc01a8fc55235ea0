import Foundation
import Logging
import SQLKit
import Testing

@testable import EncoreServer

/// A database written by the previous schema (step 4: plays keyed by their moment, one catalog
/// for everyone) upgrades without loss, and an import afterwards restores what it dropped.
@Suite("Listening history: upgrading a stored history", .timeLimit(.minutes(5)))
struct HistoryMigrationTests {
    static var locations: [DatabaseLocation] {
        [.sqliteFile(path: StoreContractTests.temporaryPath("v4"))] + (ScratchPostgres.serverURL.map { [.postgres(url: $0)] } ?? [])
    }

    /// An export with what schema 4 dropped: entries sharing a second, a 0 ms skip beside a full
    /// play, a repeat within seconds.
    static let export = """
        [{"ts": "2025-05-01T10:00:00Z", "platform": "ios", "ms_played": 0, "master_metadata_track_name": "Skip", "master_metadata_album_artist_name": "A", \
        "master_metadata_album_album_name": "B", "spotify_track_uri": "spotify:track:0D5wENdkdwbqlrHoaJ9g29", "reason_start": "backbtn", "reason_end": "backbtn"},
        {"ts": "2025-05-01T10:00:00Z", "platform": "ios", "ms_played": 290136, "master_metadata_track_name": "Desi Girl", "master_metadata_album_artist_name": "A", \
        "master_metadata_album_album_name": "B", "spotify_track_uri": "spotify:track:4uLU6hMCjMI75M1A2tKUQC", "reason_start": "trackdone", "reason_end": "backbtn"},
        {"ts": "2025-05-01T10:04:00Z", "platform": "ios", "ms_played": 200000, "master_metadata_track_name": "Song", "master_metadata_album_artist_name": "A", \
        "master_metadata_album_album_name": "B", "spotify_track_uri": "spotify:track:512ojhOuo1ktJprKbVcKyQ", "reason_start": "trackdone", "reason_end": "trackdone"},
        {"ts": "2025-05-01T10:04:05Z", "platform": "ios", "ms_played": 5000, "master_metadata_track_name": "Song", "master_metadata_album_artist_name": "A", \
        "master_metadata_album_album_name": "B", "spotify_track_uri": "spotify:track:512ojhOuo1ktJprKbVcKyQ", "reason_start": "backbtn", "reason_end": "fwdbtn"},
        {"ts": "2025-05-02T21:30:00Z", "platform": "ios", "ms_played": 180000, "master_metadata_track_name": "Late", "master_metadata_album_artist_name": "C", \
        "master_metadata_album_album_name": "D", "spotify_track_uri": "spotify:track:7iHfbu1YPACw6oZPAFJtqe", "reason_start": "clickrow", "reason_end": "trackdone"},
        {"ts": "2025-05-02T21:30:00Z", "platform": "android", "ms_played": 180000, "master_metadata_track_name": "Late", "master_metadata_album_artist_name": "C", \
        "master_metadata_album_album_name": "D", "spotify_track_uri": "spotify:track:7iHfbu1YPACw6oZPAFJtqe", "reason_start": "clickrow", "reason_end": "trackdone"}]
        """

    /// What schema 4's importer kept: in time order, not a moment already kept, not the same
    /// track within 10 s of its last kept play.
    static func keptBySchema4(_ plays: [Play]) -> [Play] {
        var kept: [Play] = []
        var lastOfTrack: [Int64: Int64] = [:]
        for play in plays.sorted(by: { $0.playedAtMs < $1.playedAtMs }) {
            if kept.last?.playedAtMs == play.playedAtMs { continue }
            if let last = lastOfTrack[play.item.id], play.playedAtMs - last <= 10_000 { continue }
            kept.append(play)
            lastOfTrack[play.item.id] = play.playedAtMs
        }
        return kept
    }

    /// Writes plays as schema 4 stored them, with rollups summed here in UTC.
    static func writeSchema4(_ plays: [Play], listener: Int64, user: String, on database: any SQLDatabase) async throws {
        try await database.raw(
            """
            INSERT INTO encore_history_listeners (listener_id, user_id, time_zone, generation, recording, created_at)
            VALUES (\(bind: listener), \(bind: user), 'UTC', 0, 0, 0)
            """
        ).run()
        var items: [Int64: PlayedItem] = [:]
        for play in plays { items[play.item.id] = play.item }
        for item in items.values {
            try await database.raw(
                """
                INSERT INTO encore_history_tracks (track_id, kind, uri, name, artist, album, artists, duration_ms, artist_id, album_id)
                VALUES (\(bind: item.id), \(bind: item.kind.rawValue), \(bind: item.uri), \(bind: item.name), \(bind: item.artist), \(bind: item.album),
                    NULL, NULL, \(bind: item.artistID), \(bind: item.albumID))
                """
            ).run()
        }
        struct Sums {
            var plays: Int64 = 0, short: Int64 = 0, ms: Int64 = 0
            mutating func add(_ ms: Int) {
                if ms >= 30_000 { plays += 1 } else { short += 1 }
                self.ms += Int64(ms)
            }
        }
        var hours: [Int64: Sums] = [:], days: [Int64: Sums] = [:], hourMonths: [[Int64]: Sums] = [:], months: [[Int64]: Sums] = [:]
        var tracks: [Int64: (Sums, Int64, Int64)] = [:]
        for play in plays {
            try await database.raw(
                """
                INSERT INTO encore_plays (listener_id, played_at_ms, track_id, ms_played, source, context_uri)
                VALUES (\(bind: listener), \(bind: play.playedAtMs), \(bind: play.item.id), \(bind: Int64(play.msPlayed)), \(bind: play.source.rawValue), NULL)
                """
            ).run()
            let hour = play.playedAtMs / 3_600_000, day = hour / 24, month = LocalDate(dayNumber: day).monthNumber
            hours[hour, default: Sums()].add(play.msPlayed)
            days[day, default: Sums()].add(play.msPlayed)
            hourMonths[[month, hour % 24], default: Sums()].add(play.msPlayed)
            months[[month, play.item.id], default: Sums()].add(play.msPlayed)
            var track = tracks[play.item.id] ?? (Sums(), play.playedAtMs, play.playedAtMs)
            track.0.add(play.msPlayed)
            track.1 = min(track.1, play.playedAtMs)
            track.2 = max(track.2, play.playedAtMs)
            tracks[play.item.id] = track
        }
        for (hour, sums) in hours {
            try await database.raw(
                "INSERT INTO encore_play_hours VALUES (\(bind: listener), \(bind: hour), \(bind: sums.plays), \(bind: sums.short), \(bind: sums.ms))"
            ).run()
        }
        for (day, sums) in days {
            try await database.raw(
                """
                INSERT INTO encore_play_days VALUES (\(bind: listener), \(bind: day), \(bind: LocalDate(dayNumber: day).monthNumber), \(bind: sums.plays),
                    \(bind: sums.short), \(bind: sums.ms))
                """
            ).run()
        }
        for (key, sums) in hourMonths {
            try await database.raw(
                "INSERT INTO encore_play_hour_months VALUES (\(bind: listener), \(bind: key[0]), \(bind: key[1]), \(bind: sums.plays), \(bind: sums.short), \(bind: sums.ms))"
            ).run()
        }
        for (key, sums) in months {
            try await database.raw(
                "INSERT INTO encore_play_months VALUES (\(bind: listener), \(bind: key[0]), \(bind: key[1]), \(bind: sums.plays), \(bind: sums.short), \(bind: sums.ms))"
            ).run()
        }
        for (track, value) in tracks {
            try await database.raw(
                """
                INSERT INTO encore_play_tracks VALUES (\(bind: listener), \(bind: track), \(bind: value.0.plays), \(bind: value.0.short), \(bind: value.0.ms),
                    \(bind: value.1), \(bind: value.2))
                """
            ).run()
        }
    }

    @Test(
        "schema 4's plays, recorded and imported, upgrade with every figure kept; the next import restores the entries it dropped, and no more",
        arguments: Self.locations)
    func upgrade(location: DatabaseLocation) async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("encore-v4-\(UUID().uuidString)-Streaming_History_Audio_2025.json")
        try Data(Self.export.utf8).write(to: file)
        var parser = StreamingHistoryParser(now: Date())
        var parsed: [Play] = []
        try parser.feed(Array(Self.export.utf8)) { if let play = $0.play { parsed.append(play) } }
        try parser.finish { _ in }
        let entries = parsed
        #expect(entries.count == 6)
        // Recorded too: one play the export has (schema 4 kept whichever came first, here the
        // recorded one, at its full length), and one it does not.
        let recorded = [
            Play(playedAtMs: 1_746_093_840_400, msPlayed: 240_000, item: entries[2].item, source: .recorded),
            Play(playedAtMs: 1_746_300_000_000, msPlayed: 200_000, item: entries[4].item, source: .recorded),
        ]
        let imported = Self.keptBySchema4(entries).filter { $0.item.id != entries[2].item.id || $0.playedAtMs != entries[2].playedAtMs }
        let stored = (imported + recorded).sorted { $0.playedAtMs < $1.playedAtMs }
        #expect(
            imported.count == 2, "schema 4 dropped one of two plays of one second, the repeat, the second device's play, and the recorded one's entry"
        )

        @Sendable func run(_ store: SQLEncoreStore) async throws {
            let user = StoreContractTests.unique("v4")
            try await Migrations.run(on: store.engine, parts: HistorySchema.steps, now: Date(), upTo: 4)
            try await store.engine.withTransaction { database in
                try await Self.writeSchema4(stored, listener: HistoryID.listener(user), user: user, on: database)
            }
            try await store.migrate()
            let history = store.history
            // The listener had recorded plays: their rollups are counted again, estimates and all.
            #expect(try await history.listener(userID: user)?.isRezoning == true)
            while try await history.rezoneStep(listenerID: HistoryID.listener(user)) != nil {}
            let listener = try #require(try await history.listener(userID: user))
            #expect(listener.entries == Int64(stored.count))
            #expect(listener.legacyEntries == Int64(imported.count))
            let days = (LocalDate(dayNumber: 20_200), LocalDate(dayNumber: 20_250))
            let upgraded = try await history.report(userID: user, from: days.0, to: days.1)
            #expect(upgraded == (try await history.computedReport(userID: user, from: days.0, to: days.1, timeZone: .gmt)))
            #expect(upgraded.msPlayed == stored.reduce(0) { $0 + Int64($1.msPlayed) })
            #expect(upgraded.estimatedMs == 440_000)
            #expect(try await history.plays(userID: user, limit: 100).map(\.playedAtMs) == stored.map(\.playedAtMs))

            // The file again: its three dropped entries come back, the stored ones are found
            // again by their moment, track and length, the recorded play it covers gives way.
            let again = try await StreamingHistoryImporter(store: history, userID: user).importFiles([file.path])
            #expect(again.duplicates == 2, "the two legacy plays found again (the third is the recorded one's)")
            #expect(again.merged == 1)
            #expect(again.added == 3)
            let after = try #require(try await history.listener(userID: user))
            #expect(after.legacyEntries == 0)
            let plays = try await history.plays(userID: user, limit: 100)
            #expect(plays.count == entries.count + 1, "every entry, and the recorded play the export does not have")
            let report = try await history.report(userID: user, from: days.0, to: days.1)
            #expect(report == (try await history.computedReport(userID: user, from: days.0, to: days.1, timeZone: .gmt)))
            #expect(report.msPlayed == entries.reduce(0) { $0 + Int64($1.msPlayed) } + 200_000)
            let third = try await StreamingHistoryImporter(store: history, userID: user).importFiles([file.path])
            #expect(third.added == 0 && third.merged == 0 && third.duplicates == entries.count)
        }

        switch location {
        case .postgres:
            try await ScratchPostgres.with { url, _ in try await StoreContractTests.withUnmigratedStore(.postgres(url: url), run) }
        default:
            try await StoreContractTests.withUnmigratedStore(location, run)
        }
    }
}

extension StoreContractTests {
    /// A store as it opens, before any migration.
    static func withUnmigratedStore<T>(_ location: DatabaseLocation, _ body: (SQLEncoreStore) async throws -> T) async throws -> T {
        var logger = Logger(label: "unmigrated")
        logger.logLevel = .critical
        let store = try await SQLEncoreStore.open(location, parts: [HistoryStore.self], logger: logger)
        let runner = Task { await store.run() }
        defer { runner.cancel() }
        do {
            let result = try await body(store)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }
}
