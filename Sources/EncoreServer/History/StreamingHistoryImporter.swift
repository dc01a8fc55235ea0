import Foundation
import ZIPFoundation

/// What an import read and did.
public struct ImportSummary: Sendable, Codable, Equatable {
    /// Entries read from the files.
    public var entries = 0
    /// Plays stored for the first time.
    public var added = 0
    /// Plays that were already in the history (imported before, or recorded).
    public var duplicates = 0
    /// Entries that could not be read: not an object, no time, no duration, a field of the wrong type.
    public var malformed = 0
    /// Entries that name no track, episode or chapter.
    public var unidentified = 0
    /// Files (or files inside a ZIP) that could not be read at all, with why.
    public var problems: [String] = []

    public init(entries: Int = 0, added: Int = 0, duplicates: Int = 0, malformed: Int = 0, unidentified: Int = 0, problems: [String] = []) {
        self.entries = entries
        self.added = added
        self.duplicates = duplicates
        self.malformed = malformed
        self.unidentified = unidentified
        self.problems = problems
    }
}

/// Imports Spotify's streaming-history export into a listener's history: JSON files, or the
/// ZIP Spotify sends, read as a stream so memory stays flat however large they are.
///
/// Importing is idempotent (a play already stored, from this file or from the recorder, is not
/// stored again) and tolerant (an entry that cannot be read is counted and skipped).
public struct StreamingHistoryImporter: Sendable {
    /// How far an import has got, in bytes of JSON read.
    public struct Progress: Sendable {
        public var bytesRead: Int64
        public var totalBytes: Int64
        public var summary: ImportSummary
    }

    /// The import cannot start or go on.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    let store: HistoryStore
    let userID: String
    let writeGuard: HistoryStore.WriteGuard
    let now: Date
    let batchSize: Int

    /// The most a ZIP may unpack to, in all: Spotify's exports are tens to a few hundred MB.
    public static let maxUnpackedBytes: Int64 = 4 << 30
    static let readChunk = 1 << 20

    /// - Parameters:
    ///   - writeGuard: `.generation` to stop when the history is forgotten meanwhile.
    ///   - now: entries dated later than a day after this are malformed.
    ///   - batchSize: plays per transaction. A larger batch writes faster (fewer rollup rows per
    ///     play), and holds SQLite's one connection longer: the web app keeps the default, the
    ///     command line, with nobody else waiting, takes more.
    public init(
        store: HistoryStore, userID: String, writeGuard: HistoryStore.WriteGuard = .none, now: Date = Date(),
        batchSize: Int = HistoryStore.batchSize
    ) {
        self.store = store
        self.userID = userID
        self.writeGuard = writeGuard
        self.now = now
        self.batchSize = max(1, batchSize)
    }

    /// Imports each file: `.zip` (its streaming-history JSON files) or JSON.
    /// - Parameter progress: called after each batch written.
    public func importFiles(_ paths: [String], progress: (Progress) async throws -> Void = { _ in }) async throws -> ImportSummary {
        var sources: [(name: String, open: () throws -> (path: String, cleanup: () -> Void), size: Int64)] = []
        var summary = ImportSummary()
        for path in paths {
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw Failure(description: "cannot read \(path)")
            }
            if Self.isZIP(path) {
                do {
                    sources += try zipSources(path)
                } catch let failure as Failure {
                    throw failure
                } catch {
                    throw Failure(description: "\((path as NSString).lastPathComponent) is not a ZIP that can be read")
                }
            } else {
                let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
                sources.append(((path as NSString).lastPathComponent, { (path, {}) }, size))
            }
        }
        let total = sources.reduce(0) { $0 + $1.size }
        var done: Int64 = 0
        for source in sources {
            let opened: (path: String, cleanup: () -> Void)
            do {
                opened = try source.open()
            } catch {
                summary.problems.append("\(source.name): could not be unpacked")
                done += source.size
                continue
            }
            defer { opened.cleanup() }
            let base = done
            do {
                try await importJSON(at: opened.path, into: &summary) { read, summary in
                    try await progress(Progress(bytesRead: base + read, totalBytes: total, summary: summary))
                }
            } catch let notAnExport as StreamingHistoryParser.NotAnExport {
                summary.problems.append("\(source.name): \(notAnExport.description)")
            }
            done += source.size
        }
        try await progress(Progress(bytesRead: total, totalBytes: total, summary: summary))
        return summary
    }

    /// Whether a file starts like a ZIP (`PK\3\4`).
    static func isZIP(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 4)) ?? Data()
        return head == Data([0x50, 0x4B, 0x03, 0x04])
    }

    /// Whether a file inside the export is a streaming history (the export holds other JSON too).
    static func isStreamingHistory(_ name: String) -> Bool {
        let file = (name as NSString).lastPathComponent.lowercased()
        guard file.hasSuffix(".json"), !file.hasPrefix("._") else { return false }
        return file.hasPrefix("streaming_history_audio") || file.hasPrefix("streaminghistory")
    }

    private func zipSources(_ path: String) throws -> [(name: String, open: () throws -> (path: String, cleanup: () -> Void), size: Int64)] {
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        var sources: [(name: String, open: () throws -> (path: String, cleanup: () -> Void), size: Int64)] = []
        var unpacked: Int64 = 0
        for entry in archive where entry.type == .file && Self.isStreamingHistory(entry.path) {
            unpacked += Int64(entry.uncompressedSize)
            guard unpacked <= Self.maxUnpackedBytes else {
                throw Failure(description: "the ZIP unpacks to more than \(Self.maxUnpackedBytes >> 30) GiB; is it Spotify's export?")
            }
            let name = (entry.path as NSString).lastPathComponent
            sources.append(
                (
                    name,
                    {
                        // One file at a time goes to disk under a name of our own (never the
                        // entry's path), is read as a stream, and is deleted.
                        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("encore-import-\(UUID().uuidString).json")
                        _ = try archive.extract(entry, to: temporary)
                        return (temporary.path, { try? FileManager.default.removeItem(at: temporary) })
                    }, Int64(entry.uncompressedSize)
                ))
        }
        if sources.isEmpty {
            throw Failure(description: "the ZIP holds no Streaming_History_Audio_*.json (or StreamingHistory*.json) file")
        }
        return sources
    }

    /// Reads one JSON file in pieces and writes its plays in batches, one batch being written
    /// while the next is read.
    private func importJSON(
        at path: String, into summary: inout ImportSummary, progress: (Int64, ImportSummary) async throws -> Void
    ) async throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw Failure(description: "cannot read \(path)") }
        defer { try? handle.close() }
        let timeZone = try await store.listener(userID: userID)?.timeZone ?? "UTC"
        var parser = StreamingHistoryParser(now: now)
        var batch: [Play] = []
        batch.reserveCapacity(batchSize)
        var pending: Task<RecordOutcome, any Error>?
        var read: Int64 = 0
        var counted = summary
        // This task reads and prepares a batch while the one before is written.
        func flush(_ plays: [Play]) async throws {
            let prepared = plays.isEmpty ? nil : HistoryStore.prepare(plays, userID: userID, timeZone: timeZone)
            if let previous = pending {
                let outcome = try await previous.value
                counted.added += outcome.added
                counted.duplicates += outcome.duplicates
                try await progress(read, counted)
            }
            let store = self.store, writeGuard = self.writeGuard
            pending = prepared.map { prepared in Task { try await store.record(prepared, guard: writeGuard) } }
        }
        do {
            while true {
                try Task.checkCancellation()
                guard let chunk = try handle.read(upToCount: Self.readChunk), !chunk.isEmpty else { break }
                read += Int64(chunk.count)
                try parser.feed(chunk) { entry in
                    counted.entries += 1
                    switch entry {
                    case .play(let play): batch.append(play)
                    case .unidentified: counted.unidentified += 1
                    case .malformed: counted.malformed += 1
                    }
                }
                while batch.count >= batchSize {
                    let full = Array(batch.prefix(batchSize))
                    batch.removeFirst(batchSize)
                    try await flush(full)
                }
            }
            try parser.finish { entry in
                counted.entries += 1
                if entry == .malformed { counted.malformed += 1 }
            }
        } catch let notAnExport as StreamingHistoryParser.NotAnExport {
            // What was read before the file went wrong still counts.
            try await flush(batch)
            try await flush([])
            summary = counted
            throw notAnExport
        } catch {
            // A write refused (the history was deleted meanwhile), or cancellation: the write
            // under way ends on its own, and nothing more is written.
            _ = try? await pending?.value
            summary = counted
            throw error
        }
        try await flush(batch)
        try await flush([])
        summary = counted
    }
}
