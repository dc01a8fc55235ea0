import NIOCore
import NIOPosix
import Synchronization

/// How a ``withAbandoningDeadline(_:_:)`` call ended.
enum AbandonableOutcome<T: Sendable>: Sendable {
    case value(T)
    /// The deadline passed first.
    case timedOut
    /// The operation called its `abandon` closure first.
    case abandoned
}

/// Runs `operation`, but stops waiting for it after `timeout`, or as soon as it calls the
/// `abandon` closure it is given; the operation is then cancelled and left to finish (or not) on
/// its own.
///
/// A deadline built from a task group still waits for its children when it returns, so an
/// operation that never ends keeps the caller waiting forever however early the deadline fires.
/// PostgresNIO 1.33 has such an operation: a statement written to a connection that the server
/// has just closed is dropped together with its failure, and its result never comes.
func withAbandoningDeadline<T: Sendable>(
    _ timeout: Duration,
    _ operation: @escaping @Sendable (_ abandon: @escaping @Sendable () -> Void) async throws -> T
) async throws -> AbandonableOutcome<T> {
    let race = DeadlineRace<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            race.start(continuation, timeout: timeout, operation)
        }
    } onCancel: {
        race.finish(.failure(CancellationError()))
    }
}

/// The shared state of one ``withAbandoningDeadline(_:_:)`` call: whichever of the operation, its
/// `abandon`, the timer and the caller's cancellation comes first resumes the caller; the rest do
/// nothing.
private final class DeadlineRace<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<AbandonableOutcome<T>, any Error>?
        var work: Task<Void, Never>?
        var timer: Scheduled<Void>?
        var finished = false
    }

    private let state = Mutex(State())

    func start(
        _ continuation: CheckedContinuation<AbandonableOutcome<T>, any Error>,
        timeout: Duration,
        _ operation: @escaping @Sendable (_ abandon: @escaping @Sendable () -> Void) async throws -> T
    ) {
        let cancelledFirst = state.withLock { state -> Bool in
            if state.finished { return true }
            state.continuation = continuation
            return false
        }
        if cancelledFirst {
            continuation.resume(throwing: CancellationError())
            return
        }
        let work = Task {
            do {
                self.finish(.success(.value(try await operation { self.finish(.success(.abandoned)) })))
            } catch {
                self.finish(.failure(error))
            }
        }
        // An event-loop timer rather than a sleeping task per call: every database statement runs
        // under one, and creating and cancelling a task for each cost about an eighth of the app's
        // CPU per request on PostgreSQL. It also fires on time when Swift's thread pool is busy.
        let timer = MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: TimeAmount(timeout)) {
            self.finish(.success(.timedOut))
        }
        let lateFinish = state.withLock { state -> Bool in
            if state.finished { return true }
            state.work = work
            state.timer = timer
            return false
        }
        if lateFinish {
            work.cancel()
            timer.cancel()
        }
    }

    func finish(_ result: Result<AbandonableOutcome<T>, any Error>) {
        let running = state.withLock { state -> State? in
            if state.finished { return nil }
            defer { state = State(finished: true) }
            return state
        }
        guard let running else { return }
        running.work?.cancel()
        running.timer?.cancel()
        running.continuation?.resume(with: result)
    }
}
