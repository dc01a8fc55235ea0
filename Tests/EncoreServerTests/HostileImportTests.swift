import Foundation
import Logging
import PropertyBased
import SpotifyWebAPI
import Synchronization
import Testing

@testable import EncoreServer

/// Uploads built to hurt: each ends in bounded time with a counted, named problem, and nothing
/// of it outlives the import.
@Suite("History import: hostile uploads", .timeLimit(.minutes(3)))
struct HostileImportTests {
    static let entry =
        #"{"ts": "2024-03-01T08:15:42Z", "ms_played": 215000, "master_metadata_track_name": "T", "#
        + #""master_metadata_album_artist_name": "A", "master_metadata_album_album_name": "B", "spotify_track_uri": "spotify:track:4uLU6hMCjMI75M1A2tKUQC"}"#
    static let history = Array("[\(entry)]".utf8)
    static let name = "Spotify Extended Streaming History/Streaming_History_Audio_2024.json"

    /// Imports `files` for a new listener on a fresh in-memory store; how it ended and how long it took.
    static func importing(
        _ files: [URL], limits: StreamingHistoryImporter.Limits = .init(), into shared: SQLEncoreStore? = nil
    ) async throws -> (result: Result<ImportSummary, any Error>, seconds: Double) {
        if let shared { return try await importing(files, limits: limits, store: shared) }
        return try await StoreContractTests.withStore(.sqliteMemory) { store in try await importing(files, limits: limits, store: store) }
    }

    private static func importing(
        _ files: [URL], limits: StreamingHistoryImporter.Limits, store: SQLEncoreStore
    ) async throws -> (result: Result<ImportSummary, any Error>, seconds: Double) {
        do {
            let user = StoreContractTests.unique("hostile")
            try await store.history.ensureListener(userID: user, timeZone: "UTC", now: Date())
            let started = ContinuousClock.now
            let result: Result<ImportSummary, any Error>
            do {
                result = .success(
                    try await StreamingHistoryImporter(store: store.history, userID: user, limits: limits).importFiles(files.map(\.path)))
            } catch {
                result = .failure(error)
            }
            let elapsed = ContinuousClock.now - started
            return (result, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
    }

    static func problems(_ outcome: (result: Result<ImportSummary, any Error>, seconds: Double)) -> [String] {
        switch outcome.result {
        case .success(let summary): summary.problems
        case .failure(let error): [String(describing: error)]
        }
    }

    @Test("the 169-byte ZIP that spun ZIPFoundation forever: its unfinished block is a damaged file, said at once")
    func unfinishedStoredBlock() async throws {
        // One deflated entry whose data is a stored block announcing 65,535 bytes and giving none.
        let zip = TestZIP([
            .init(
                name: "Streaming_History_Audio_2024.json", data: [UInt8](repeating: 0x20, count: 65_535), storedBytes: [0x00, 0xFF, 0xFF, 0x00, 0x00])
        ])
        #expect(zip.bytes.count == 169)
        let outcome = try await Self.importing([try zip.write(named: "tiny.zip")])
        #expect(outcome.seconds < 5)
        let summary = try outcome.result.get()
        #expect(summary.added == 0)
        #expect(summary.problems == ["Streaming_History_Audio_2024.json: is cut short: its compressed data ends before the file does"])
    }

    @Test("an entry that unpacks to more than it declares stops at the size it declared; sizes, not claims, are counted")
    func lyingSizes() async throws {
        // 20 MB of spaces in a few kilobytes, declaring 1,000 bytes.
        let zip = TestZIP([.init(name: Self.name, data: [UInt8](repeating: 0x20, count: 20 << 20), declaredSize: 1_000)])
        #expect(zip.bytes.count < 100_000)
        let outcome = try await Self.importing([try zip.write(named: "liar.zip")])
        #expect(outcome.seconds < 5)
        #expect(Self.problems(outcome).contains { $0.contains("unpacks to more than the 1000 bytes it declares") })

        // The whole upload's budget counts what is produced, over every ZIP in it.
        let honest = TestZIP([.init(name: Self.name, data: Array("[\(String(repeating: " ", count: 700_000))]".utf8))])
        let twice = try await Self.importing(
            [try honest.write(named: "one.zip"), try honest.write(named: "two.zip")], limits: .init(maxUnpackedBytes: 1 << 20))
        #expect(Self.problems(twice).contains { $0.contains("the upload unpacks to more than 1 MiB in all") })
        let declared = TestZIP([.init(name: Self.name, data: Self.history, declaredSize: 3 << 30)])
        let large = try await Self.importing([try declared.write(named: "large.zip")], limits: .init(maxUnpackedBytes: 1 << 30))
        #expect(Self.problems(large).contains { $0.contains("says it unpacks to more than 1024 MiB") })
    }

    @Test("entries that share one blob are refused before anything is unpacked")
    func sharedBlob() async throws {
        var zip = TestZIP([.init(name: Self.name, data: Self.history)])
        zip.sharedCopies = 5
        let outcome = try await Self.importing([try zip.write(named: "shared.zip")])
        #expect(Self.problems(outcome).contains { $0.contains("share their data") })
    }

    @Test("damaged data, a wrong checksum, encryption, an unknown compression, a cut file: each a named problem, the rest imported")
    func damaged() async throws {
        let garbage = TestZIP([
            .init(name: "a/Streaming_History_Audio_1.json", data: Self.history, storedBytes: [0xFF, 0xFE, 0xFD, 0xFC, 0x00, 0x01])
        ])
        let checksum = TestZIP([.init(name: "Streaming_History_Audio_2.json", data: Self.history, declaredCRC: 1)])
        let locked = TestZIP([.init(name: "Streaming_History_Audio_3.json", data: Self.history, encrypted: true)])
        let bzip = TestZIP([.init(name: "Streaming_History_Audio_4.json", data: Self.history, method: 12)])
        let good = TestZIP([.init(name: "MyData/endsong_0.json", data: Self.history)])
        var cut = good.bytes
        cut.removeLast(30)
        let cutURL = try TestZIP().write(named: "x.zip").deletingLastPathComponent().appendingPathComponent("cut.zip")
        try Data(cut).write(to: cutURL)
        let outcome = try await Self.importing([
            try garbage.write(named: "garbage.zip"), try checksum.write(named: "checksum.zip"), try locked.write(named: "locked.zip"),
            try bzip.write(named: "bzip.zip"), try good.write(named: "good.zip"),
        ])
        let summary = try outcome.result.get()
        #expect(summary.added == 1, "the good ZIP's play, found at any depth as endsong_*.json")
        let problems = summary.problems.joined(separator: "\n")
        #expect(problems.contains("Streaming_History_Audio_1.json: is damaged: its compressed data is not valid"))
        #expect(problems.contains("Streaming_History_Audio_2.json: is damaged: its checksum does not match"))
        #expect(problems.contains("locked.zip: Streaming_History_Audio_3.json: is encrypted"))
        #expect(problems.contains("bzip.zip: Streaming_History_Audio_4.json: is compressed in a way Spotify's exports do not use (method 12)"))
        let cutOutcome = try await Self.importing([cutURL])
        #expect(Self.problems(cutOutcome).first?.hasPrefix("cut.zip ") == true)
    }

    @Test("hostile JSON: deep nesting, invalid UTF-8, a huge entry, numbers past Int64, a bare value: counted as unreadable, the rest read")
    func hostileJSON() async throws {
        var text = "[" + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + ","
        text += #"{"ts": "2024-03-01T08:15:42Z", "ms_played": 99999999999999999999999, "master_metadata_track_name": "big"},"#
        text += #"{"ts": "2024-03-01T08:15:42Z", "ms_played": 1e400, "master_metadata_track_name": "inf"},"#
        text += #"{"ts": "2024-03-01T08:15:42Z", "ms_played": 1000, "master_metadata_track_name": "\#(String(repeating: "x", count: 70_000))"},"#
        text += #"{"nested": {"deep": \#(String(repeating: "[", count: 5_000))\#(String(repeating: "]", count: 5_000))}},"#
        text += "null," + Self.entry + "]"
        var bytes = Array(text.utf8)
        // Invalid UTF-8 inside the last entry's name: read, replaced, still one play.
        let marker = Array("\"T\"".utf8)
        if let at = bytes.indices.first(where: { bytes[$0...].starts(with: marker) }) {
            bytes.replaceSubrange(at + 1..<at + 2, with: [0xC3, 0x28, 0xFF])
        }
        let url = try TestZIP().write(named: "x.zip").deletingLastPathComponent().appendingPathComponent("Streaming_History_Audio_9.json")
        try Data(bytes).write(to: url)
        let outcome = try await Self.importing([url])
        #expect(outcome.seconds < 10)
        let summary = try outcome.result.get()
        #expect(summary.added == 1)
        #expect(summary.malformed == 6)
        #expect(summary.entries == 7)
        #expect(summary.files.first?.addsUp == true)
    }

    /// A small honest ZIP, damaged at random.
    static let damage = Gen<Int>.int(in: 0...10_000).array(of: 1...6)

    @Test("random damage to a ZIP never hangs or crashes the import: it ends within seconds, with a result or a named problem")
    func fuzzedZIP() async throws {
        let pristine = TestZIP([
            .init(
                name: "MyData/Streaming_History_Audio_2024.json",
                data: Array("[\(Self.entry),\(Self.entry.replacingOccurrences(of: "08:15", with: "09:15"))]".utf8)),
            .init(
                name: "MyData/StreamingHistory_music_0.json",
                data: Array(#"[{"endTime": "2024-03-01 10:00", "artistName": "A", "trackName": "T", "msPlayed": 40000}]"#.utf8)),
        ]).bytes
        let folder = try TestZIP().write(named: "x.zip").deletingLastPathComponent()
        let cases = Mutex(0)
        try await StoreContractTests.withStore(.sqliteMemory) { store in
            await propertyCheck(count: 150, input: Self.damage) { edits in
                var bytes = pristine
                for (index, edit) in edits.enumerated() {
                    let at = edit % bytes.count
                    switch (edit / bytes.count + index) % 4 {
                    case 0: bytes[at] ^= UInt8(truncatingIfNeeded: edit | 1)
                    case 1: bytes.removeSubrange(at...)
                    case 2: bytes[at] = 0xFF
                    default: bytes.insert(contentsOf: [0x00, 0xFF, 0xFF, 0x00, 0x00], at: at)
                    }
                    if bytes.isEmpty { bytes = [0x50] }
                }
                let number = cases.withLock { count in
                    count += 1
                    return count
                }
                let url = folder.appendingPathComponent("fuzz-\(number).zip")
                try Data(bytes).write(to: url)
                let outcome = try await Self.importing([url], into: store)
                #expect(outcome.seconds < 10, "\(edits)")
                if case .failure(let error) = outcome.result {
                    #expect(error is StreamingHistoryImporter.Failure, "\(edits): \(error)")
                }
            }
        }
    }

    @Test("no file of an import outlives it, and nothing is unpacked to disk")
    func nothingLeftBehind() async throws {
        let before = Set((try? FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory())) ?? [])
        let zip = TestZIP([.init(name: Self.name, data: [UInt8](repeating: 0x20, count: 4 << 20), declaredSize: 1_000)])
        _ = try await Self.importing([try zip.write(named: "liar.zip")])
        let after = Set((try? FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory())) ?? [])
        #expect(after.subtracting(before).filter { $0.hasPrefix("encore-import") }.isEmpty)
    }
}

/// The bookkeeping of imports under way: one per person, a few per instance, never a slot left taken.
@Suite("History import: slots and spooling", .timeLimit(.minutes(3)))
struct ImportSlotTests {
    static func jobs(_ store: SQLEncoreStore) -> HistoryImportJobs {
        var logger = Logger(label: "jobs")
        logger.logLevel = .critical
        return HistoryImportJobs(store: store.history, clock: SystemClock(), metrics: AppMetrics(), logger: logger)
    }

    static func emptyExport() throws -> ImportFile {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("encore-slot-\(UUID().uuidString).json")
        try Data("[]".utf8).write(to: url)
        return ImportFile(path: url.path, name: "Streaming_History_Audio_0.json")
    }

    @Test("imports that end at once free their slot every time: 300 starts by three people, none left running")
    func hammered() async throws {
        try await StoreContractTests.withStore(.sqliteMemory) { store in
            let jobs = Self.jobs(store)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for person in 0..<3 {
                    group.addTask {
                        let user = StoreContractTests.unique("slot\(person)")
                        for _ in 0..<100 {
                            // A refusal (another person's import holds the second slot) is fine; a stuck slot is not.
                            do {
                                _ = try await jobs.start(files: [try Self.emptyExport()], fileName: "x", userID: user, timeZone: "UTC")
                            } catch is HistoryBusy {}
                            await jobs.ended(userID: user)
                            #expect(!jobs.isRunning(userID: user))
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(jobs.runningCount == 0)
        }
    }

    @Test("a person uploads one thing at a time, an instance receives a few: refused before the body is read")
    func spooling() async throws {
        try await StoreContractTests.withStore(.sqliteMemory) { store in
            let jobs = Self.jobs(store)
            try await jobs.withUploadSlot(userID: "ana") {
                await #expect(throws: HistoryBusy.self) { try await jobs.withUploadSlot(userID: "ana") {} }
                try await jobs.withUploadSlot(userID: "bo") {
                    try await jobs.withUploadSlot(userID: "cy") {
                        try await jobs.withUploadSlot(userID: "di") {
                            let busy = await #expect(throws: HistoryBusy.self) { try await jobs.withUploadSlot(userID: "ed") {} }
                            #expect(busy?.description.contains("other uploads") == true)
                        }
                    }
                }
            }
            // All free again.
            try await jobs.withUploadSlot(userID: "ana") {}
            try await jobs.withUploadSlot(userID: "ed") {}
        }
    }
}
