import Foundation

/// One client's shared pause after a 429.
///
/// When Spotify answers one request with 429, every other request of the same client waits
/// until the `Retry-After` has passed instead of stampeding into more 429s.
public actor RateLimitGate {
    private var closedUntil: Date?

    /// Creates an open gate.
    public init() {}

    /// Closes the gate until `date`, or keeps a later closing already in place.
    public func close(until date: Date) {
        if let closedUntil, closedUntil >= date { return }
        closedUntil = date
    }

    /// How long a request starting at `now` must wait; zero when the gate is open.
    public func remainingWait(at now: Date) -> Duration {
        guard let closedUntil else { return .zero }
        let remaining = closedUntil.timeIntervalSince(now)
        if remaining <= 0 {
            self.closedUntil = nil
            return .zero
        }
        return .interval(remaining)
    }
}
