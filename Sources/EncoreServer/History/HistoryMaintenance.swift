import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Works through the history's heavy upkeep in short transactions: a change of time zone
/// recounts a listener's rollups ``HistoryStore/rezoneBatch`` plays at a time, so no page waits
/// behind a whole history's recount (SQLite has one connection), and a change left half-done by
/// a stopped instance is finished by any instance.
final class HistoryMaintenance: Service, Sendable {
    let store: HistoryStore
    let logger: Logger
    /// How often to look for work another instance left when nobody wakes this one.
    let idleCheck: Duration
    let ready: ReadyGate

    private let signal: AsyncStream<Void>.Continuation
    private let signals: AsyncStream<Void>

    init(store: HistoryStore, logger: Logger, ready: ReadyGate, idleCheck: Duration = .seconds(30)) {
        self.ready = ready
        self.store = store
        self.logger = logger
        self.idleCheck = idleCheck
        (signals, signal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks for the work to be looked at now (a time zone just changed on this instance).
    func wake() { signal.yield() }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            guard await self.ready.wait() else { return }
            await withTaskGroup(of: Void.self) { group in
                // The idle check only wakes the loop below; it never works itself.
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: self.idleCheck)
                        self.signal.yield()
                    }
                }
                group.addTask {
                    self.signal.yield()
                    for await _ in self.signals {
                        await self.workThrough()
                        if Task.isCancelled { break }
                    }
                }
                await group.next()
                group.cancelAll()
            }
        }
    }

    /// Every listener with a change under way, a step at a time, taking turns.
    func workThrough() async {
        while !Task.isCancelled {
            let listeners: [Int64]
            do {
                listeners = try await store.rezoningListeners()
            } catch {
                logger.warning("history upkeep could not look for work", metadata: ["error": .string(String(describing: error))])
                return
            }
            guard !listeners.isEmpty else { return }
            for listener in listeners {
                do {
                    if try await store.rezoneStep(listenerID: listener)?.done == true {
                        logger.info("history recounted in a new time zone")
                    }
                } catch {
                    logger.warning("history recount step failed; it is tried again", metadata: ["error": .string(String(describing: error))])
                    try? await Task.sleep(for: .seconds(1))
                }
                // Each step is its own transaction; between them, requests get the database.
                await Task.yield()
            }
        }
    }
}
