import Foundation
import SpotifyWebAPI
import Synchronization

/// A clock for tests whose time moves only when told to.
///
/// `sleep(for:)` returns at once after moving the clock forward by the requested duration and
/// recording it, so code that waits runs instantly and the test can assert exactly how long it
/// would have waited.
public final class VirtualClock: SpotifyClock {
    private struct State {
        var now: Date
        var sleeps: [Duration] = []
    }

    private let state: Mutex<State>

    /// Creates a clock that starts at the given time.
    public init(start: Date = Date(timeIntervalSince1970: 1_780_000_000)) {
        self.state = Mutex(State(now: start))
    }

    public func now() -> Date { state.withLock { $0.now } }

    public func sleep(for duration: Duration) async throws {
        try Task.checkCancellation()
        state.withLock {
            $0.sleeps.append(duration)
            $0.now = $0.now.addingTimeInterval(duration.timeInterval)
        }
    }

    /// Moves the clock forward without recording a sleep.
    public func advance(by duration: Duration) {
        state.withLock { $0.now = $0.now.addingTimeInterval(duration.timeInterval) }
    }

    /// Every duration passed to `sleep(for:)`, in order.
    public var sleeps: [Duration] { state.withLock { $0.sleeps } }
}
