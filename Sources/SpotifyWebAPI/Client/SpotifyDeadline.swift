import Foundation

/// The time by which a piece of work against Spotify must be done, whatever it takes:
/// attempts, back-off and `Retry-After` waits, and a token refresh on the way.
///
/// Every ``SpotifyClient`` call runs under the earlier of the current deadline and its own
/// ``SpotifyClientConfiguration/timeout``; the token endpoint reads it too, so a refresh started
/// by a call fits inside that call. Set one around several calls to give them one budget:
///
/// ```swift
/// let playlist = try await SpotifyDeadline.run(until: Date().addingTimeInterval(10)) {
///     let top = try await spotify.currentUserTopTracks(timeRange: .shortTerm)
///     return try await spotify.createPlaylist(name: "Mine", isPublic: false)
/// }
/// ```
public enum SpotifyDeadline {
    /// The deadline of the work this task is doing, if any.
    @TaskLocal public static var current: Date?

    /// Runs `operation` with a deadline no later than `date` (an earlier one in force stays).
    public static func run<T>(until date: Date, _ operation: () async throws -> T) async rethrows -> T {
        try await $current.withValue(min(current ?? date, date), operation: operation)
    }

    /// The deadline for work starting at `now` that may take at most `timeout` on its own.
    static func effective(now: Date, timeout: Duration) -> Date {
        let own = now.addingTimeInterval(timeout.timeInterval)
        return current.map { min($0, own) } ?? own
    }
}
