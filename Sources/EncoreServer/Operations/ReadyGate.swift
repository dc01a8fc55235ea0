import Synchronization

/// Opens once, when the database is migrated: the services that read the history's tables (the
/// recorder, the upkeep, the sweep) wait for it, so a fresh database is never asked for a table
/// it does not have yet.
final class ReadyGate: Sendable {
    private struct State {
        var open = false
        var nextID = 0
        var waiters: [Int: CheckedContinuation<Bool, Never>] = [:]
        /// Waiters cancelled before they were stored.
        var cancelled: Set<Int> = []
    }

    private let state = Mutex(State())

    func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(returning: true) }
    }

    /// Waits for the gate.
    /// - Returns: `true` once it is open, `false` when the waiting task is cancelled first (the
    ///   app stopped during start-up).
    func wait() async -> Bool {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let answer: Bool? = state.withLock { state in
                    if state.open { return true }
                    if state.cancelled.remove(id) != nil { return false }
                    state.waiters[id] = continuation
                    return nil
                }
                if let answer { continuation.resume(returning: answer) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                guard let waiter = state.waiters.removeValue(forKey: id) else {
                    if !state.open { state.cancelled.insert(id) }
                    return CheckedContinuation<Bool, Never>?.none
                }
                return waiter
            }
            waiter?.resume(returning: false)
        }
    }
}
