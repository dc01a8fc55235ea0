import Foundation

/// One client's shared pause after a 429.
///
/// When Spotify answers one request with 429, every other request of the same client waits
/// until the `Retry-After` has passed instead of stampeding into more 429s.
public actor RateLimitGate {
    private var closedUntil: Date?

    /// The longest pause one response may impose on every request of the app: an hour.
    public static let longestPause = Duration.seconds(3600)

    /// Creates an open gate.
    public init() {}

    /// Closes the gate for `duration` from `now` (at most ``longestPause``), or keeps a later
    /// closing already in place.
    public func close(for duration: Duration, from now: Date) {
        close(until: now.addingTimeInterval(min(duration, Self.longestPause).timeInterval))
    }

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
