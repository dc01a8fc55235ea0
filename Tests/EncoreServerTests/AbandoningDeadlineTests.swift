import Testing

@testable import EncoreServer

@Suite("Deadlines that do not wait for a stuck operation", .timeLimit(.minutes(1)))
struct AbandoningDeadlineTests {
    /// Never returns and ignores cancellation, like a statement lost on a closed connection.
    static func stuck() async {
        await withCheckedContinuation { (_: CheckedContinuation<Void, Never>) in }
    }

    @Test("an operation that never ends and ignores cancellation: the caller gets timedOut")
    func stuckOperationTimesOut() async throws {
        let outcome = try await withAbandoningDeadline(.milliseconds(20)) { _ -> Int in
            await Self.stuck()
            return 1
        }
        guard case .timedOut = outcome else {
            Issue.record("expected timedOut, got \(outcome)")
            return
        }
    }

    @Test("abandon ends the wait at once, before the deadline")
    func abandonEndsTheWait() async throws {
        let outcome = try await withAbandoningDeadline(.seconds(600)) { abandon -> Int in
            abandon()
            await Self.stuck()
            return 1
        }
        guard case .abandoned = outcome else {
            Issue.record("expected abandoned, got \(outcome)")
            return
        }
    }

    @Test("a value and an error come through unchanged")
    func valueAndError() async throws {
        let outcome = try await withAbandoningDeadline(.seconds(600)) { _ in 42 }
        guard case .value(42) = outcome else {
            Issue.record("expected 42, got \(outcome)")
            return
        }
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            _ = try await withAbandoningDeadline(.seconds(600)) { _ -> Int in throw Refused() }
        }
    }

    @Test("cancelling the caller ends the wait with CancellationError")
    func callerCancelled() async throws {
        let waiting = Task {
            try await withAbandoningDeadline(.seconds(600)) { _ -> Int in
                await Self.stuck()
                return 1
            }
        }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { _ = try await waiting.value }
    }
}
