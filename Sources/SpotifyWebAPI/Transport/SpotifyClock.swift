import Foundation
import Synchronization

/// The source of time for everything in the library that expires or waits.
///
/// Token expiry, `Retry-After` waits and back-off delays all read and spend time through this
/// protocol, so tests move time forward instead of sleeping.
public protocol SpotifyClock: Sendable {
    /// The current wall-clock time.
    func now() -> Date
    /// Suspends for the given duration (or, in a test clock, moves time forward by it).
    func sleep(for duration: Duration) async throws
}

/// The real clock: `Date()` and `Task.sleep`.
public struct SystemClock: SpotifyClock {
    /// Creates the system clock.
    public init() {}

    public func now() -> Date { Date() }

    public func sleep(for duration: Duration) async throws {
        try await Task.sleep(for: duration)
    }
}

/// Conversions between `Duration` and the seconds Spotify and Foundation speak.
extension Duration {
    /// The duration in seconds as a `TimeInterval`.
    public var timeInterval: TimeInterval {
        let parts = components
        return TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18
    }

    /// Whole seconds, rounded up, for messages and headers; saturates instead of trapping.
    public var secondsRoundedUp: Int {
        let seconds = timeInterval.rounded(.up)
        guard seconds < 9e18 else { return Int.max }
        return seconds > -9e18 ? Int(seconds) : Int.min
    }

    /// A duration from a `TimeInterval` in seconds, saturating instead of trapping.
    ///
    /// Values come from headers and configuration: a `Retry-After` of ten billion seconds, or
    /// NaN, must not stop the process. Past ±292 years the result is the largest representable
    /// duration; NaN is zero.
    public static func interval(_ seconds: TimeInterval) -> Duration {
        guard !seconds.isNaN else { return .zero }
        let limit = 9_000_000_000.0  // seconds; Int64 nanoseconds end at about 9.22e9
        let clamped = min(max(seconds, -limit), limit)
        return .nanoseconds(Int64((clamped * 1e9).rounded()))
    }
}
