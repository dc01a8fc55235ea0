import Foundation
import Logging
import ServiceLifecycle
import SpotifyWebAPI
import Synchronization

/// Imports of uploaded files, run in the background so a large export does not hold a request
/// open; their progress is written to the database, so every instance shows it.
///
/// One import per listener and ``maxRunning`` per instance at a time. At shutdown the imports
/// under way are cancelled; what they wrote stays, and importing the file again adds the rest.
final class HistoryImportJobs: Service, Sendable {
    let store: HistoryStore
    let clock: any SpotifyClock
    let metrics: AppMetrics
    let logger: Logger
    /// Imports one instance runs at once: each keeps a core busy.
    static let maxRunning = 2
    /// How often progress is written.
    static let progressInterval: TimeInterval = 2

    private let running = Mutex<[String: Task<Void, Never>]>([:])

    init(store: HistoryStore, clock: any SpotifyClock, metrics: AppMetrics, logger: Logger) {
        self.store = store
        self.clock = clock
        self.metrics = metrics
        self.logger = logger
    }

    /// Starts importing spooled files for a listener; the files are deleted when it ends.
    /// - Returns: The import's id.
    /// - Throws: ``AppError/busy(_:)`` when this listener's import, or too many others, are under way.
    func start(files: [URL], fileName: String, userID: String, timeZone: String) async throws -> String {
        let id = Identifiers.random()
        let refused: String? = running.withLock { running in
            if running[userID] != nil { return "Your previous import is still running; wait for it to finish." }
            if running.count >= Self.maxRunning { return "Encore is busy importing other people's histories; try again in a few minutes." }
            running[userID] = Task {}
            return nil
        }
        if let refused {
            Self.remove(files)
            throw AppError.busy(refused)
        }
        do {
            let listener = try await store.ensureListener(userID: userID, timeZone: timeZone, now: clock.now())
            try await store.startImport(id: id, userID: userID, fileName: fileName, now: clock.now())
            let task = Task { await self.run(id: id, files: files, userID: userID, generation: listener.generation) }
            running.withLock { $0[userID] = task }
        } catch {
            _ = running.withLock { $0.removeValue(forKey: userID) }
            Self.remove(files)
            throw error
        }
        return id
    }

    /// Whether an import of this listener runs on this instance.
    func isRunning(userID: String) -> Bool { running.withLock { $0[userID] != nil } }

    private func run(id: String, files: [URL], userID: String, generation: Int64) async {
        defer {
            Self.remove(files)
            _ = running.withLock { $0.removeValue(forKey: userID) }
        }
        let importer = StreamingHistoryImporter(store: store, userID: userID, writeGuard: .generation(generation), now: clock.now())
        var lastReport = Date.distantPast
        var reported = 0
        var latest = ImportSummary()
        do {
            let summary = try await importer.importFiles(files.map(\.path)) { progress in
                self.metrics.historyPlaysRecorded(progress.summary.added - reported, source: "imported")
                reported = progress.summary.added
                latest = progress.summary
                let now = self.clock.now()
                guard now.timeIntervalSince(lastReport) >= Self.progressInterval else { return }
                lastReport = now
                try await self.store.updateImport(id: id, summary: progress.summary, state: .running, now: now)
            }
            let message = summary.problems.isEmpty ? nil : summary.problems.prefix(5).joined(separator: "; ")
            try await store.updateImport(id: id, summary: summary, state: .done, message: message, now: clock.now())
            logger.info("history imported", metadata: ["entries": .stringConvertible(summary.entries), "added": .stringConvertible(summary.added)])
            // The pages' packs for every year, built here rather than by the first pages after it.
            if summary.added > 0 {
                do {
                    try await store.preparePacks(userID: userID)
                } catch {
                    logger.notice("history packs not prepared; pages build them", metadata: ["error": .string(String(describing: error))])
                }
            }
        } catch {
            let message =
                switch error {
                case let failure as StreamingHistoryImporter.Failure: failure.description
                case let refused as HistoryStore.WriteRefused: "stopped: \(refused.description)"
                case is CancellationError: "stopped when Encore shut down; upload it again to add the rest"
                default: "stopped: the database failed"
                }
            try? await store.updateImport(id: id, summary: latest, state: .failed, message: message, now: clock.now())
            logger.notice("history import stopped", metadata: ["reason": .string(message)])
        }
    }

    func run() async throws {
        try? await gracefulShutdown()
        let tasks = running.withLock { Array($0.values) }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }

    static func remove(_ files: [URL]) {
        for file in files { try? FileManager.default.removeItem(at: file) }
    }
}
