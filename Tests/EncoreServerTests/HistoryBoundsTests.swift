import Foundation
import SpotifyEmulator
import Testing

@testable import EncoreServer

/// What one person's history may cost everyone else: a time-zone change in short steps, their own
/// names, and a most number of plays.
@Suite("Listening history: what one person may cost", .timeLimit(.minutes(5)))
struct HistoryBoundsTests {
    static let days = (LocalDate(dayNumber: 20_000), LocalDate(dayNumber: 20_100))

    static func plays(_ count: Int, startingAt start: Int64 = 1_728_000_000_000, track: String = "4uLU6hMCjMI75M1A2tKUQC") -> [Play] {
        (0..<count).map { index in
            let uri =
                index % 3 == 0 ? "spotify:track:\(track)" : "spotify:track:" + String("\(index % 17)x\(String(repeating: "0", count: 22))".prefix(22))
            return Play(
                playedAtMs: start + Int64(index) * 1_000_003, msPlayed: 20_000 + (index * 7_919) % 300_000,
                item: PlayedItem(uri: uri, kind: .track, name: "Track \(index % 17)", artist: "Artist \(index % 5)", album: "Album \(index % 7)"),
                source: .imported, entryID: Int64(index + 1))
        }
    }

    @Test(
        "a time-zone change recounts in short steps; plays written between steps count once; another person's page answers between them",
        arguments: StoreContractTests.engines)
    func rezoneInSteps(location: DatabaseLocation) async throws {
        try await StoreContractTests.withStore(location) { store in
            let history = store.history
            let user = StoreContractTests.unique("rezone"), neighbour = StoreContractTests.unique("neighbour")
            for person in [user, neighbour] {
                try await history.ensureListener(userID: person, timeZone: "UTC", now: Date())
                _ = try await history.record(Self.plays(2_500), userID: person)
            }
            let now = Date()
            #expect(try await history.startTimeZoneChange(userID: user, "Asia/Kolkata", now: now))
            // Changing again at once is refused: a change is being worked through.
            await #expect(throws: HistoryBusy.self) { try await history.startTimeZoneChange(userID: user, "Europe/Berlin", now: now) }
            var steps = 0
            var late = Self.plays(40, startingAt: 1_728_000_000_000 + 2_600 * 1_000_003)
            for (index, _) in late.enumerated() { late[index].entryID += 100_000 }
            while let progress = try await history.rezoneStep(listenerID: HistoryID.listener(user), batch: 300) {
                steps += 1
                // Between steps: new plays for the person (before and after the cursor), and the
                // neighbour's page.
                if steps % 4 == 0, !late.isEmpty {
                    _ = try await history.record(Array(late.prefix(10)), userID: user)
                    late.removeFirst(min(10, late.count))
                    _ = try await history.record([Self.plays(2_500)[steps % 2_500]], userID: user)
                }
                #expect(try await history.report(userID: neighbour, from: Self.days.0, to: Self.days.1).plays > 0)
                if progress.done { #expect(progress.fraction == 1) }
            }
            #expect(steps > 10, "recounted in \(steps) steps of 300 plays")
            let listener = try #require(try await history.listener(userID: user))
            #expect(!listener.isRezoning && listener.timeZone == "Asia/Kolkata")
            #expect(listener.entries == 2_540)
            let kolkata = try #require(TimeZone(identifier: "Asia/Kolkata"))
            #expect(
                try await history.report(userID: user, from: Self.days.0, to: Self.days.1)
                    == (try await history.computedReport(userID: user, from: Self.days.0, to: Self.days.1, timeZone: kolkata)))
            // A minute after the change, the next one is taken.
            await #expect(throws: HistoryBusy.self) {
                try await history.startTimeZoneChange(userID: user, "Europe/Berlin", now: now.addingTimeInterval(30))
            }
            #expect(try await history.startTimeZoneChange(userID: user, "Europe/Berlin", now: now.addingTimeInterval(61)))
        }
    }

    @Test(
        "names from one person's upload are theirs alone; deleting a history deletes what only it referenced", arguments: StoreContractTests.engines)
    func namesStayWithTheirUploader(location: DatabaseLocation) async throws {
        try await StoreContractTests.withStore(location) { store in
            let history = store.history
            let spoofer = StoreContractTests.unique("spoofer"), listener = StoreContractTests.unique("listener")
            let uri = "spotify:track:4uLU6hMCjMI75M1A2tKUQC"
            func play(_ name: String, at: Int64) -> Play {
                Play(
                    playedAtMs: at, msPlayed: 200_000, item: PlayedItem(uri: uri, kind: .track, name: name, artist: "Band", album: "Album"),
                    source: .imported, entryID: at)
            }
            for person in [spoofer, listener] { try await history.ensureListener(userID: person, timeZone: "UTC", now: Date()) }
            _ = try await history.record([play("Visit evil.example for free Premium", at: 1_728_000_000_000)], userID: spoofer)
            _ = try await history.record([play("Real Name", at: 1_728_000_500_000)], userID: listener)
            let theirs = try await history.report(userID: listener, from: Self.days.0, to: Self.days.1)
            #expect(theirs.topTracks.byPlays.map(\.name) == ["Real Name"])
            let spoofed = try await history.report(userID: spoofer, from: Self.days.0, to: Self.days.1)
            #expect(spoofed.topTracks.byPlays.map(\.name) == ["Visit evil.example for free Premium"])
            try await history.forget(userID: spoofer)
            let left = try await store.engine.withDatabase { database in
                try await database.raw("SELECT COUNT(*) AS n FROM encore_history_items WHERE listener_id = \(bind: HistoryID.listener(spoofer))")
                    .first()?
                    .decode(column: "n", as: Int.self)
            }
            #expect(left == 0)
            #expect(try await history.report(userID: listener, from: Self.days.0, to: Self.days.1).topTracks.byPlays.map(\.name) == ["Real Name"])
        }
    }

    @Test("a history holds at most ENCORE_HISTORY_MAX_PLAYS entries: the batch that would pass it is refused whole, with the limit named")
    func mostPlays() async throws {
        try await StoreContractTests.withStore(.sqliteMemory) { store in
            let history = store.history
            let user = StoreContractTests.unique("full")
            try await history.ensureListener(userID: user, timeZone: "UTC", now: Date())
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("encore-full-\(UUID().uuidString)-Streaming_History_Audio.json")
            let entries = Self.plays(1_500).map { play in
                let ts = Date(unixMilliseconds: play.playedAtMs).formatted(Date.ISO8601FormatStyle())
                return
                    #"{"ts": "\#(ts)", "ms_played": \#(play.msPlayed), "master_metadata_track_name": "\#(play.item.name)", "spotify_track_uri": "\#(play.item.uri ?? "")"}"#
            }
            try Data(("[" + entries.joined(separator: ",") + "]").utf8).write(to: file)
            let importer = StreamingHistoryImporter(store: history, userID: user, batchSize: 500, limits: .init(maxEntries: 1_200))
            let full = await #expect(throws: HistoryStore.HistoryFull.self) { try await importer.importFiles([file.path]) }
            #expect(full?.description == "your history would pass the 1,200 plays Encore keeps for one person")
            #expect(try await history.listener(userID: user)?.entries == 1_000, "two batches of 500 kept, the third refused whole")
            // Importing the same file again passes no limit: what is there is not counted twice.
            let again = StreamingHistoryImporter(store: history, userID: user, batchSize: 500, limits: .init(maxEntries: 1_000))
            await #expect(throws: HistoryStore.HistoryFull.self) { try await again.importFiles([file.path]) }
            #expect(try await history.listener(userID: user)?.entries == 1_000)
        }
    }

    #if os(Linux)
        @Test("an import's work runs on its own thread at a lower priority than the server's, so requests go first on a busy machine")
        func importsYieldToRequests() async throws {
            let thread = ImportThread(name: "encore-import-test")
            defer { thread.shutdown() }
            let server = ImportThread.currentNiceness()
            // Only the import's thread has the lower priority: the test's own stays as it was.
            let niceness = await Task(executorPreference: thread) { ImportThread.currentNiceness() }.value
            #expect(niceness == server + ImportThread.niceness)
            #expect(ImportThread.currentNiceness() == server)
        }
    #endif
}
