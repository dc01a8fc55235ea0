import Foundation
import Logging
import ServiceLifecycle
import SpotifyWebAPI
import Synchronization

/// Imports of uploaded files, run in the background so a large export does not hold a request
/// open; their progress is written to the database, so every instance shows it.
///
/// Bounded per instance and per person: ``maxSpooling`` uploads received at once and one per
/// person, before a byte of the body is read; one import per person and ``maxRunning`` in all,
/// each on a thread of its own (``ImportThread``) within ``StreamingHistoryImporter/Limits``. At
/// shutdown the imports under way are cancelled and stop within a piece; what they wrote stays,
/// and importing the file again adds the rest.
final class HistoryImportJobs: Service, Sendable {
    let store: HistoryStore
    let clock: any SpotifyClock
    let metrics: AppMetrics
    let logger: Logger
    let limits: StreamingHistoryImporter.Limits
    /// Imports one instance runs at once: each keeps a core busy.
    static let maxRunning = 2
    /// Uploads one instance receives at once (each writes up to `ENCORE_HISTORY_UPLOAD_MAX_BYTES` to disk).
    static let maxSpooling = 4
    /// How often progress is written.
    static let progressInterval: TimeInterval = 2

    private struct Job {
        var id: String
        var task: Task<Void, Never>?
    }

    private struct State {
        var running: [String: Job] = [:]
        var spooling: Set<String> = []
    }

    private let state = Mutex(State())

    init(store: HistoryStore, clock: any SpotifyClock, metrics: AppMetrics, logger: Logger, limits: StreamingHistoryImporter.Limits = .init()) {
        self.store = store
        self.clock = clock
        self.metrics = metrics
        self.logger = logger
        self.limits = limits
    }

    /// Runs `receive` (which reads an upload's body to disk) while holding this person's one
    /// upload slot; refused before it starts when they already upload or import here, or when
    /// the instance receives ``maxSpooling`` uploads already.
    func withUploadSlot<T>(userID: String, _ receive: () async throws -> T) async throws -> T {
        let refusal: String? = state.withLock { state in
            if state.running[userID] != nil || state.spooling.contains(userID) {
                return "Your previous upload is still being imported; wait for it to finish."
            }
            if state.spooling.count >= Self.maxSpooling { return "Encore is receiving other uploads right now; try again in a minute." }
            state.spooling.insert(userID)
            return nil
        }
        if let refusal { throw HistoryBusy(description: refusal, retryAfter: .seconds(60)) }
        defer { _ = state.withLock { $0.spooling.remove(userID) } }
        return try await receive()
    }

    /// Starts importing spooled files for a listener; the files are deleted when it ends,
    /// however it ends.
    /// - Returns: The import's id.
    /// - Throws: ``HistoryBusy`` when this listener's import, or too many others, are under way.
    func start(files: [ImportFile], fileName: String, userID: String, timeZone: String) async throws -> String {
        let id = Identifiers.random()
        let refusal: String? = state.withLock { state in
            if state.running[userID] != nil { return "Your previous import is still running; wait for it to finish." }
            if state.running.count >= Self.maxRunning { return "Encore is busy importing other people's histories; try again in a few minutes." }
            state.running[userID] = Job(id: id)
            return nil
        }
        if let refusal {
            Self.remove(files)
            throw HistoryBusy(description: refusal, retryAfter: .seconds(120))
        }
        do {
            let listener = try await store.ensureListener(userID: userID, timeZone: timeZone, now: clock.now())
            try await store.startImport(id: id, userID: userID, fileName: fileName, now: clock.now())
            // Launched and kept in one step: the job's own end, which removes it, waits for the lock.
            state.withLock { state in
                let thread = ImportThread(name: "encore-import")
                state.running[userID]?.task = Task(executorPreference: thread) {
                    defer { thread.shutdown() }
                    await self.run(id: id, files: files, listener: listener)
                    self.finish(userID: userID, id: id)
                }
            }
        } catch {
            finish(userID: userID, id: id)
            Self.remove(files)
            throw error
        }
        return id
    }

    /// Whether an import of this listener runs on this instance.
    func isRunning(userID: String) -> Bool { state.withLock { $0.running[userID] != nil } }

    /// Imports under way on this instance.
    var runningCount: Int { state.withLock { $0.running.count } }

    /// Returns when this listener's import on this instance has ended (at once when none runs).
    func ended(userID: String) async {
        await state.withLock { $0.running[userID]?.task }?.value
    }

    private func finish(userID: String, id: String) {
        state.withLock { state in
            if state.running[userID]?.id == id { state.running[userID] = nil }
        }
    }

    private func run(id: String, files: [ImportFile], listener: HistoryListener) async {
        defer { Self.remove(files) }
        let importer = StreamingHistoryImporter(
            store: store, userID: listener.userID, listener: listener, writeGuard: .generation(listener.generation), now: clock.now(),
            limits: limits)
        var lastReport = Date.distantPast
        var reported = 0
        var latest = ImportSummary()
        do {
            let summary = try await importer.importFiles(files) { progress in
                let added = progress.summary.added + progress.summary.merged + progress.summary.withoutMetadata
                self.metrics.historyPlaysRecorded(added - reported, source: "imported")
                reported = added
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
            if summary.added + summary.merged > 0 {
                do {
                    try await store.preparePacks(userID: listener.userID, added: summary.added + summary.merged)
                } catch {
                    logger.notice("history packs not prepared; pages build them", metadata: ["error": .string(String(describing: error))])
                }
            }
        } catch {
            let message =
                switch error {
                case let failure as StreamingHistoryImporter.Failure: failure.description
                case let refused as HistoryStore.WriteRefused: "stopped: \(refused.description)"
                case let full as HistoryStore.HistoryFull: "stopped: \(full.description); what came before is kept"
                case is CancellationError: "stopped when Encore shut down; upload it again to add the rest"
                default: "stopped: the database failed"
                }
            try? await store.updateImport(id: id, summary: latest, state: .failed, message: message, now: clock.now())
            logger.notice("history import stopped", metadata: ["reason": .string(message)])
        }
    }

    func run() async throws {
        try? await gracefulShutdown()
        let tasks = state.withLock { $0.running.values.compactMap(\.task) }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }

    static func remove(_ files: [ImportFile]) {
        for file in files { try? FileManager.default.removeItem(atPath: file.path) }
    }
}
