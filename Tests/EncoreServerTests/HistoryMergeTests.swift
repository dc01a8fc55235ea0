import Foundation
import SpotifyEmulator
import SpotifyWebAPI
import SpotifyWebAPITesting
import Testing

@testable import EncoreServer

/// The recorder and the export together: the recorder's lengths are honest estimates, and when
/// both describe a play, the export's figures stay, whichever came first.
@Suite("Listening history: recorded and imported", .timeLimit(.minutes(5)))
struct HistoryMergeTests {
    static let everything = HistoryRecorderTests.everything

    /// The export of `user`'s simulated plays in `interval`, as a file.
    static func export(_ emulator: SpotifyEmulator, _ user: String, _ interval: DateInterval) throws -> URL {
        var text = ""
        _ = emulator.writeStreamingHistory(of: user, in: interval) { text += $0 }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("encore-merge-\(UUID().uuidString)-Streaming_History_Audio.json")
        try Data(text.utf8).write(to: url)
        return url
    }

    @Test(
        "four weeks recorded: minutes within 10 % and plays within 2 % of what was really played; recorded then imported, or imported then recorded, the history is the export's"
    )
    func recordedThenImportedAndTheOtherWay() async throws {
        let emulator = SpotifyEmulator(configuration: .init(seed: 11, simulatesListening: true))
        let clock = VirtualClock(start: emulator.now)
        try await AppHarness.run(HistoryRecorderTests.options(emulator: emulator, clock: clock)) { app in
            let start = emulator.now
            // jonas's export of the whole month is imported before anything is recorded.
            let whole = DateInterval(start: start.addingTimeInterval(-3 * 86_400), duration: 32 * 86_400)
            for user in ["jonas", "maya"] {
                emulator.setAutoApprove(user: user)
                try await app.signIn(app.browser(), as: user)
            }
            let maya = try await app.stableID("maya"), jonas = try await app.stableID("jonas")
            let history = app.store.history
            _ = try await StreamingHistoryImporter(store: history, userID: jonas, now: whole.end).importFiles([
                try Self.export(emulator, "jonas", whole).path
            ])

            // Four weeks, polled every two hours (recently played keeps 50 plays).
            var lastPoll = emulator.now
            for _ in 0..<(28 * 12) {
                _ = await app.recorder.runOnce()
                lastPoll = emulator.now
                emulator.advanceClock(by: .seconds(7_200))
                clock.advance(by: .seconds(7_200))
            }
            let recorded = try await history.plays(userID: maya, limit: 100_000)
            let first = try #require(recorded.first?.playedAtMs)
            let truth = emulator.simulatedPlays(
                of: "maya", in: DateInterval(start: Date(unixMilliseconds: first), end: lastPoll.addingTimeInterval(0.001)))
            let truthMs = truth.reduce(Int64(0)) { $0 + Int64($1.msPlayed) }
            let recordedMs = recorded.reduce(Int64(0)) { $0 + Int64($1.msPlayed) }
            let truthPlays = truth.filter { $0.msPlayed >= 30_000 }.count
            #expect(recorded.allSatisfy { $0.isEstimated })
            #expect(Double(abs(recordedMs - truthMs)) / Double(truthMs) < 0.10, "recorded \(recordedMs / 60_000) min, played \(truthMs / 60_000) min")
            #expect(Double(abs(recorded.count - truthPlays)) / Double(truthPlays) < 0.02, "recorded \(recorded.count) plays, played \(truthPlays)")
            // The full length, which the recorder used to count, is far off: the estimate is what closes the gap.
            let fullLengths = recorded.reduce(Int64(0)) { $0 + Int64($1.item.durationMs ?? 0) }
            #expect(Double(fullLengths - truthMs) / Double(truthMs) > Double(recordedMs - truthMs) / Double(truthMs))

            // maya's export arrives after the recording.
            let mayaImport = try await StreamingHistoryImporter(store: history, userID: maya, now: whole.end).importFiles([
                try Self.export(emulator, "maya", whole).path
            ])
            #expect(mayaImport.merged == recorded.count, "each recorded play replaced by its export entry")

            // Both histories are now exactly their exports, as a listener who only imported sees it.
            for (user, seeded) in [(maya, "maya"), (jonas, "jonas")] {
                let reference = StoreContractTests.unique("reference")
                let zone = try #require(try await history.listener(userID: user)?.timeZone)
                try await history.ensureListener(userID: reference, timeZone: zone, now: Date())
                _ = try await StreamingHistoryImporter(store: history, userID: reference, now: whole.end).importFiles([
                    try Self.export(emulator, seeded, whole).path
                ])
                let merged = try await history.report(userID: user, from: Self.everything.0, to: Self.everything.1)
                let alone = try await history.report(userID: reference, from: Self.everything.0, to: Self.everything.1)
                // The same, but for links: the recorder saw Spotify's artist and album ids, an export names them only.
                #expect(merged.withoutArtistAndAlbumLinks == alone.withoutArtistAndAlbumLinks, "\(seeded)")
                #expect(merged.topArtists.byPlays.allSatisfy { $0.id?.count == 22 })
                #expect(merged.estimatedMs == 0)
                let plays = try await history.plays(userID: user, limit: 100_000)
                #expect(plays.allSatisfy { $0.source == .imported }, "\(seeded)")
                #expect(try await history.listener(userID: user)?.entries == Int64(plays.count))
            }
        }
    }

    @Test("a recorded play's length is the time since the play before it, within 30 s and the track's length")
    func estimates() throws {
        func entry(_ endedMs: Int64, length: Int) throws -> PlayHistory {
            let json = """
                {"track": {"id": "4uLU6hMCjMI75M1A2tKUQC", "uri": "spotify:track:4uLU6hMCjMI75M1A2tKUQC", "name": "T", "duration_ms": \(length),
                 "artists": [{"id": "0OdUWJ0sBjDrqHygGUXeCF", "name": "A", "uri": "spotify:artist:0OdUWJ0sBjDrqHygGUXeCF"}],
                 "album": {"id": "0sNOF9WDwhWunNAHPD3Baj", "name": "B", "artists": [{"id": "0OdUWJ0sBjDrqHygGUXeCF", "name": "A"}]}},
                 "played_at": "\(Date(unixMilliseconds: endedMs).formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))"}
                """
            return try SpotifyJSON.makeDecoder().decode(PlayHistory.self, from: Data(json.utf8))
        }
        let start: Int64 = 1_790_000_000_000
        let plays = HistoryRecorder.plays(
            [
                try entry(start + 240_000, length: 240_000), try entry(start + 280_000, length: 240_000),
                try entry(start + 290_000, length: 240_000), try entry(start + 9_000_000, length: 200_000),
            ],
            after: start)
        #expect(plays.map(\.msPlayed) == [240_000, 40_000, 30_000, 200_000])
        #expect(HistoryRecorder.plays([try entry(start, length: 180_000)], after: nil).map(\.msPlayed) == [180_000])
    }
}

extension HistoryReport {
    /// The report with its artists' and albums' link ids left out.
    var withoutArtistAndAlbumLinks: HistoryReport {
        var report = self
        for index in report.topArtists.byPlays.indices { report.topArtists.byPlays[index].id = nil }
        for index in report.topArtists.byMinutes.indices { report.topArtists.byMinutes[index].id = nil }
        for index in report.topAlbums.byPlays.indices { report.topAlbums.byPlays[index].id = nil }
        for index in report.topAlbums.byMinutes.indices { report.topAlbums.byMinutes[index].id = nil }
        return report
    }
}
