import Foundation

/// A file to import, and the name the person knows it by (an upload is spooled under a name of
/// Encore's own; messages name the file that was uploaded).
public struct ImportFile: Sendable {
    public var path: String
    public var name: String

    public init(path: String, name: String? = nil) {
        self.path = path
        self.name = String((name ?? (path as NSString).lastPathComponent).prefix(200))
    }
}

/// Imports Spotify's streaming-history export into a listener's history: JSON files, or the
/// ZIP Spotify sends, read as a stream so memory stays flat however large they are.
///
/// Every layout Spotify has shipped is read (``ExportFileKind``), loose or inside the ZIP at any
/// depth. Importing is idempotent (an entry already stored is not stored again, ``PlayIdentity``),
/// merges with recorded plays (``PlayMerge``), and is tolerant: an entry that cannot be read is
/// counted, with why, and skipped.
///
/// Bounded: a ZIP is unpacked by ``ExportArchive`` within ``Limits/maxUnpackedBytes``, the
/// history within ``Limits/maxEntries``, the whole import within ``Limits/timeLimit``; it stops
/// between two pieces when its task is cancelled.
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

    /// What one import may cost.
    public struct Limits: Sendable {
        /// The most the ZIPs of one import may unpack to, in all, counted as they unpack:
        /// Spotify's exports are tens to a few hundred MB.
        public var maxUnpackedBytes: Int64
        /// The most entries the history may hold (`ENCORE_HISTORY_MAX_PLAYS`); `nil` for no limit.
        public var maxEntries: Int?
        /// How long the import may run, in all (`ENCORE_HISTORY_IMPORT_TIMEOUT`).
        public var timeLimit: Duration?

        public init(
            maxUnpackedBytes: Int64 = 4 << 30, maxEntries: Int? = HistoryStore.defaultMaxEntries, timeLimit: Duration? = .seconds(30 * 60)
        ) {
            self.maxUnpackedBytes = maxUnpackedBytes
            self.maxEntries = maxEntries
            self.timeLimit = timeLimit
        }
    }

    let store: HistoryStore
    let userID: String
    let listener: HistoryListener?
    let writeGuard: HistoryStore.WriteGuard
    let now: Date
    let batchSize: Int
    let limits: Limits

    static let readChunk = 1 << 20

    /// - Parameters:
    ///   - listener: the listener as already read (their zone); read at the start when `nil`.
    ///   - writeGuard: `.generation` to stop when the history is forgotten meanwhile.
    ///   - now: entries dated later than a day after this are malformed.
    ///   - batchSize: plays per transaction. A larger batch writes faster (fewer rollup rows per
    ///     play), and holds SQLite's one connection longer: the web app keeps the default, the
    ///     command line, with nobody else waiting, takes more.
    public init(
        store: HistoryStore, userID: String, listener: HistoryListener? = nil, writeGuard: HistoryStore.WriteGuard = .none, now: Date = Date(),
        batchSize: Int = HistoryStore.batchSize, limits: Limits = Limits()
    ) {
        self.store = store
        self.userID = userID
        self.listener = listener
        self.writeGuard = writeGuard
        self.now = now
        self.batchSize = max(1, batchSize)
        self.limits = limits
    }

    /// Imports each file at its path.
    public func importFiles(_ paths: [String], progress: (Progress) async throws -> Void = { _ in }) async throws -> ImportSummary {
        try await importFiles(paths.map { ImportFile(path: $0) }, progress: progress)
    }

    /// Imports each file: `.zip` (its streaming-history files, at any depth) or JSON.
    /// - Parameter progress: called after each batch written.
    public func importFiles(_ files: [ImportFile], progress: (Progress) async throws -> Void = { _ in }) async throws -> ImportSummary {
        let deadline = limits.timeLimit.map { ContinuousClock.now + $0 }
        let budget = UnpackBudget(limit: limits.maxUnpackedBytes)
        var sources: [Source] = []
        var summary = ImportSummary()
        for file in files {
            guard FileManager.default.isReadableFile(atPath: file.path) else { throw Failure(description: "cannot read \(file.name)") }
            guard Self.isZIP(file.path) else {
                let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? NSNumber)?.int64Value ?? 0
                let kind = ExportFileKind(path: file.name)
                sources.append(Source(name: file.name, kind: kind == .other ? .extended : kind, size: size, origin: .file(file.path)))
                continue
            }
            let archive: ExportArchive
            do {
                archive = try ExportArchive(path: file.path, maxUnpackedBytes: limits.maxUnpackedBytes)
            } catch let failure as ExportArchive.Failure {
                throw Failure(description: "\(file.name) \(failure.description)")
            }
            summary.problems += archive.problems.map { "\(file.name): \($0)" }
            guard !archive.entries.isEmpty || !archive.problems.isEmpty else {
                throw Failure(
                    description:
                        "\(file.name) holds no streaming history (Streaming_History_Audio_*.json, endsong_*.json or StreamingHistory*.json)")
            }
            sources += archive.entries.map { Source(name: $0.fileName, kind: $0.kind, size: $0.uncompressedSize, origin: .entry(archive, $0)) }
        }
        let listener = try await resolvedListener()
        let total = sources.reduce(0) { $0 + $1.size }
        var done: Int64 = 0
        for source in sources {
            var report = ImportFileReport(name: source.name, kind: source.kind)
            let base = done, before = summary
            do {
                try await importSource(source, listener: listener, budget: budget, deadline: deadline, into: &report) { read, report in
                    try await progress(Progress(bytesRead: base + read, totalBytes: total, summary: before.adding(report)))
                }
            } catch let notAnExport as StreamingHistoryParser.NotAnExport {
                report.problem = notAnExport.description
            } catch let damaged as ExportArchive.Failure where !damaged.isBudget {
                report.problem = damaged.description
            } catch let spent as ExportArchive.Failure {
                summary.add(report)
                throw Failure(description: "the upload \(spent.description)")
            } catch {
                summary.add(report)
                throw error
            }
            summary.add(report)
            done += source.size
        }
        try await progress(Progress(bytesRead: total, totalBytes: total, summary: summary))
        return summary
    }

    private func resolvedListener() async throws -> HistoryListener {
        if let listener { return listener }
        guard let listener = try await store.listener(userID: userID) else { throw Failure(description: "there is no history for this listener") }
        return listener
    }

    /// Whether a file starts like a ZIP (`PK\3\4`).
    static func isZIP(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 4)) ?? Data()
        return head == Data([0x50, 0x4B, 0x03, 0x04])
    }

    // MARK: One file

    /// A loose file, or a file inside a ZIP.
    struct Source {
        enum Origin {
            case file(String)
            case entry(ExportArchive, ExportArchive.Entry)
        }

        var name: String
        var kind: ExportFileKind
        var size: Int64
        var origin: Origin
    }

    /// Its bytes, a piece at a time.
    private enum Pieces {
        case file(FileHandle)
        case entry(EntryReader)

        init(_ source: Source, budget: UnpackBudget) throws {
            switch source.origin {
            case .file(let path):
                guard let handle = FileHandle(forReadingAtPath: path) else { throw Failure(description: "cannot read \(source.name)") }
                self = .file(handle)
            case .entry(let archive, let entry):
                self = .entry(try archive.reader(for: entry, budget: budget))
            }
        }

        mutating func next() throws -> [UInt8]? {
            switch self {
            case .file(let handle):
                guard let data = try handle.read(upToCount: StreamingHistoryImporter.readChunk), !data.isEmpty else { return nil }
                return [UInt8](data)
            case .entry(var reader):
                let piece = try reader.next()
                self = .entry(reader)
                return piece
            }
        }

        func close() {
            if case .file(let handle) = self { try? handle.close() }
        }
    }

    /// Reads one file in pieces and writes its plays in batches, one batch being written while
    /// the next is read (a child task, so the write ends with this import, whatever happens).
    private func importSource(
        _ source: Source, listener: HistoryListener, budget: UnpackBudget, deadline: ContinuousClock.Instant?,
        into report: inout ImportFileReport, progress: (Int64, ImportFileReport) async throws -> Void
    ) async throws {
        var pieces = try Pieces(source, budget: budget)
        defer { pieces.close() }
        let store = self.store, writeGuard = self.writeGuard, maxEntries = limits.maxEntries
        let userID = self.userID, zone = listener.timeZone, isVideo = source.kind == .video, arrays = store.dialect.writesArrays
        var counted = report
        defer { report = counted }
        try await withThrowingTaskGroup(of: RecordOutcome.self) { group in
            var writing = false
            var read: Int64 = 0
            var batch: [Play] = []
            batch.reserveCapacity(batchSize)
            func settle() async throws {
                guard writing, let outcome = try await group.next() else { return }
                writing = false
                counted.add(outcome)
                try await progress(read, counted)
            }
            func write(_ plays: [Play]) async throws {
                guard !plays.isEmpty else { return }
                let prepared = HistoryStore.prepare(plays, userID: userID, timeZone: zone, arrays: arrays)
                try await settle()
                writing = true
                group.addTask { try await store.record(prepared, guard: writeGuard, maxEntries: maxEntries) }
            }
            func take(_ entry: StreamingHistoryParser.Entry) {
                if let play = counted.count(entry, isVideo: isVideo) { batch.append(play) }
            }
            var parser = StreamingHistoryParser(now: now)
            do {
                while let piece = try pieces.next() {
                    try Self.checkTime(deadline)
                    read += Int64(piece.count)
                    try parser.feed(piece, take)
                    while batch.count >= batchSize {
                        let full = Array(batch.prefix(batchSize))
                        batch.removeFirst(batchSize)
                        try await write(full)
                    }
                }
                try parser.finish(take)
            } catch let error where error is StreamingHistoryParser.NotAnExport || (error as? ExportArchive.Failure)?.isBudget == false {
                // What was read before the file went wrong still counts.
                try await write(batch)
                try await settle()
                throw error
            }
            try await write(batch)
            try await settle()
        }
    }

    /// Stops the import when it is cancelled or past its time.
    private static func checkTime(_ deadline: ContinuousClock.Instant?) throws {
        try Task.checkCancellation()
        if let deadline, ContinuousClock.now >= deadline {
            throw Failure(description: "the import took longer than its limit (ENCORE_HISTORY_IMPORT_TIMEOUT); what it read so far is kept")
        }
    }
}
