import Foundation
import Synchronization

/// How many calls to Spotify each user may cause in a rolling 30 s window, in this instance.
///
/// Spotify limits the app as a whole, per rolling 30 s, so one person's hard reloads over
/// thousands of distinct pages could otherwise push every user into 503. Past the budget that
/// user gets 429 with `Retry-After`; nobody else is affected. With several instances each keeps
/// its own count, so a user may spend up to N times the budget: it bounds abuse, not fair use.
final class UserCallBudget: Sendable {
    /// The window Spotify counts its rate limit over.
    static let window: TimeInterval = 30

    private struct State {
        /// Each user's calls in the window, oldest first; at most `limit` entries each.
        var calls: [String: [Date]] = [:]
        var spendsSinceSweep = 0
    }

    /// Calls per user per window; zero means no limit.
    let limit: Int
    private let state = Mutex(State())

    init(limit: Int) {
        self.limit = limit
    }

    /// Takes one call from the user's budget, or says how long until one is free.
    /// - Returns: `nil` when the call may go ahead; otherwise the wait until the oldest call
    ///   in the window leaves it.
    func spend(userID: String, now: Date) -> Duration? {
        guard limit > 0 else { return nil }
        return state.withLock { state -> Duration? in
            state.spendsSinceSweep += 1
            // Users who stopped calling are forgotten, so memory follows active users only.
            if state.spendsSinceSweep >= 4096 {
                state.spendsSinceSweep = 0
                state.calls = state.calls.filter { now.timeIntervalSince($0.value.last ?? .distantPast) < Self.window }
            }
            var calls = state.calls[userID] ?? []
            let cutoff = now.addingTimeInterval(-Self.window)
            if let firstKept = calls.firstIndex(where: { $0 > cutoff }) {
                calls.removeFirst(firstKept)
            } else {
                calls.removeAll(keepingCapacity: true)
            }
            guard calls.count < limit else {
                state.calls[userID] = calls
                return .interval(max(0.001, calls[0].timeIntervalSince(cutoff)))
            }
            calls.append(now)
            state.calls[userID] = calls
            return nil
        }
    }

    /// How many users have calls in the window (for tests and metrics).
    var trackedUsers: Int { state.withLock { $0.calls.count } }
}
