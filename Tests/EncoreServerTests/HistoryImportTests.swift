import Foundation
import SpotifyEmulator
import Testing

@testable import EncoreServer

/// Importing Spotify's streaming-history export: idempotent, merged with recorded plays, tolerant
/// of bad entries, as JSON or as the ZIP Spotify sends.
@Suite("Listening history: import", .timeLimit(.minutes(5)))
struct HistoryImportTests {
    static let interval = DateInterval(start: Date(timeIntervalSince1970: 1_790_000_000), duration: 21 * 86_400)

    static func temporaryFile(_ name: String, _ text: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("encore-import-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }

    /// The emulator's generated export of maya's three weeks.
    static func export(_ emulator: SpotifyEmulator) throws -> (url: URL, count: Int) {
        var text = ""
        let count = try #require(emulator.writeStreamingHistory(of: "maya", in: interval) { text += $0 })
        return (try temporaryFile("Streaming_History_Audio_2026.json", text), count)
    }

    @Test(
        "the emulator's export imports every play; again, or as Spotify's ZIP, adds nothing; with recorded plays, nothing counts twice",
        arguments: StoreContractTests.engines)
    func idempotentAndMerged(location: DatabaseLocation) async throws {
        let emulator = SpotifyEmulator(configuration: .init(seed: 7))
        let (file, count) = try Self.export(emulator)
        #expect(count > 300)
        try await StoreContractTests.withStore(location) { store in
            let history = store.history
            let first = StoreContractTests.unique("import")
            try await history.ensureListener(userID: first, timeZone: "Europe/London", now: Date())
            let summary = try await StreamingHistoryImporter(store: history, userID: first).importFiles([file.path])
            #expect(summary.totals == ImportSummary(entries: count, added: count))
            #expect(summary.files.count == 1 && summary.files[0].addsUp && summary.files[0].name == "Streaming_History_Audio_2026.json")
            let again = try await StreamingHistoryImporter(store: history, userID: first).importFiles([file.path])
            #expect(again.totals == ImportSummary(entries: count, added: 0, duplicates: count))
            let all = (LocalDate(parsing: "2026-01-01") ?? LocalDate(dayNumber: 0), LocalDate(parsing: "2026-12-31") ?? LocalDate(dayNumber: 0))
            let report = try await history.report(userID: first, from: all.0, to: all.1)
            let simulated = emulator.simulatedPlays(of: "maya", in: Self.interval)
            #expect(report.plays == simulated.filter { $0.msPlayed >= 30_000 }.count)
            #expect(report.msPlayed == simulated.reduce(0) { $0 + Int64($1.msPlayed) })

            // Spotify's ZIP: the history inside a folder, beside files that are not plays.
            let zipURL = try TestZIP([
                .init(name: "Spotify Extended Streaming History/Streaming_History_Audio_2026.json", data: [UInt8](try Data(contentsOf: file))),
                .init(name: "Spotify Extended Streaming History/ReadMeFirst.json", data: Array(#"{"not": "plays"}"#.utf8)),
            ]).write(named: "my_spotify_data.zip")
            let zipped = StoreContractTests.unique("zip")
            try await history.ensureListener(userID: zipped, timeZone: "Europe/London", now: Date())
            let fromZIP = try await StreamingHistoryImporter(store: history, userID: zipped).importFiles([zipURL.path])
            #expect(fromZIP.totals == ImportSummary(entries: count, added: count))
            #expect(try await history.report(userID: zipped, from: all.0, to: all.1) == report)

            // Recorded first (recently played: plays of 30 s or more, with milliseconds), then the
            // export over the same weeks: each play once, the export's figures replacing the
            // recorded ones.
            let merged = StoreContractTests.unique("merged")
            try await history.ensureListener(userID: merged, timeZone: "Europe/London", now: Date())
            let recorded = simulated.prefix(count / 2).filter { $0.msPlayed >= 30_000 }.map { play in
                Play(
                    playedAtMs: Int64((play.playedAt.timeIntervalSince1970 * 1000).rounded(.down)), msPlayed: play.durationMs,
                    item: PlayedItem(
                        uri: "spotify:track:\(play.trackID)", kind: .track, name: play.trackName, artist: play.artistName, album: play.albumName,
                        artists: play.artistName, durationMs: play.durationMs), source: .recorded)
            }
            #expect(try await history.record(recorded, userID: merged).added == recorded.count)
            let mergedSummary = try await StreamingHistoryImporter(store: history, userID: merged).importFiles([file.path])
            #expect(mergedSummary.added == count - recorded.count)
            #expect(mergedSummary.merged == recorded.count)
            #expect(mergedSummary.duplicates == 0)
            let mergedReport = try await history.report(userID: merged, from: all.0, to: all.1)
            // The same as the export alone: its lengths, its first and latest plays, every figure.
            #expect(mergedReport == report)
            #expect(mergedReport.msPlayed == simulated.reduce(0) { $0 + Int64($1.msPlayed) })
        }
    }

    @Test("bad entries are counted, a file that is not an export is named, a file cut short keeps what came before")
    func badInput() async throws {
        let mixed = try Self.temporaryFile("Streaming_History_Audio_mixed.json", HistoryParserTests.export)
        let notes = try Self.temporaryFile("notes.json", #"{"this": "is not a history"}"#)
        let cut = try Self.temporaryFile("Streaming_History_Audio_cut.json", String(HistoryParserTests.export.prefix(900)))
        try await StoreContractTests.withStore(.sqliteMemory) { store in
            let user = StoreContractTests.unique("bad")
            try await store.history.ensureListener(userID: user, timeZone: "UTC", now: Date())
            let summary = try await StreamingHistoryImporter(store: store.history, userID: user, now: Date(timeIntervalSince1970: 1_800_000_000))
                .importFiles([mixed.path, notes.path, cut.path])
            // mixed: 6 plays, 1 unidentified, 6 malformed; cut: 1 play (a duplicate), 1 malformed.
            #expect(summary.entries == 15)
            #expect(summary.added == 6)
            #expect(summary.duplicates == 1)
            #expect(summary.malformed == 7)
            #expect(summary.withoutMetadata == 1)
            #expect(summary.problems.count == 2)
            #expect(summary.problems.contains { $0.hasPrefix("notes.json: it is not a JSON array") })
            #expect(summary.problems.contains { $0.hasPrefix("Streaming_History_Audio_cut.json: it ends in the middle") })
            await #expect(throws: StreamingHistoryImporter.Failure.self) {
                try await StreamingHistoryImporter(store: store.history, userID: user).importFiles(["/nonexistent/file.json"])
            }
        }
    }

    @Test("a file the size of one of Spotify's (12 MB, 25,000 plays over three years), read in pieces, every play counted once")
    func largeFile() async throws {
        var counted = 0
        var heard: Int64 = 0
        let start: Int64 = 1_700_000_000
        // Written in pieces, yielding between them: the suites run side by side on two cores,
        // and a long loop that never suspends would hold up every other test's deadlines.
        let file = try Self.temporaryFile("Streaming_History_Audio_large.json", "")
        let handle = try FileHandle(forWritingTo: file)
        var text = "[\n"
        for index in 0..<25_000 {
            let ms = (index * 7_919) % 360_000
            if ms >= 30_000 { counted += 1 }
            heard += Int64(ms)
            let seconds = start + Int64(index) * 3_790
            let day = LocalDate(dayNumber: seconds / 86_400)
            let time = seconds % 86_400
            let ts = "\(day)T\(time / 36_000)\(time / 3600 % 10):\(time % 3600 / 600)\(time % 600 / 60):\(time % 60 / 10)\(time % 10)Z"
            let track = index % 1_500
            let uri = "spotify:track:" + String(("\(track)x" + String(repeating: "0", count: 22)).prefix(22))
            text += index == 0 ? "" : ",\n"
            text +=
                #"{"ts": "\#(ts)", "platform": "linux", "ms_played": \#(ms), "conn_country": "SE", "master_metadata_track_name": "Track \#(track)", "master_metadata_album_artist_name": "Artist \#(track % 90)", "master_metadata_album_album_name": "Album \#(track % 300)", "spotify_track_uri": "\#(uri)", "reason_start": "trackdone", "reason_end": "trackdone", "shuffle": false, "skipped": false, "offline": false, "incognito_mode": false}"#
            if index % 1_000 == 999 {
                try handle.write(contentsOf: Data(text.utf8))
                text = ""
                await Task.yield()
            }
        }
        try handle.write(contentsOf: Data((text + "\n]\n").utf8))
        try handle.close()
        try await StoreContractTests.withStore(.sqliteFile(path: StoreContractTests.temporaryPath("large"))) { store in
            let user = StoreContractTests.unique("large")
            try await store.history.ensureListener(userID: user, timeZone: "Europe/Stockholm", now: Date())
            var reports = 0
            let summary = try await StreamingHistoryImporter(store: store.history, userID: user).importFiles([file.path]) { _ in reports += 1 }
            #expect(summary.totals == ImportSummary(entries: 25_000, added: 25_000))
            #expect(reports >= 12)
            let report = try await store.history.report(
                userID: user, from: LocalDate(parsing: "2023-01-01") ?? LocalDate(dayNumber: 0),
                to: LocalDate(parsing: "2027-01-01") ?? LocalDate(dayNumber: 0))
            #expect(report.plays == counted)
            #expect(report.msPlayed == heard)
            #expect(report.tracks == 1_500)
            #expect(report.artists == 90)
        }
    }
}

extension ImportSummary {
    /// The totals alone, to compare with a summary written out.
    var totals: ImportSummary {
        var totals = self
        totals.files = []
        return totals
    }
}
