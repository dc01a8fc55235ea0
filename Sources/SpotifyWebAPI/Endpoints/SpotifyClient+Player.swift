import Foundation

extension SpotifyClient where Authorization: UserAuthorization {
    /// Which side of a moment to read recently played tracks from.
    public enum PlayedCursor: Sendable, Hashable {
        /// Plays strictly after this moment.
        case after(Date)
        /// Plays strictly before this moment.
        case before(Date)
    }

    /// The user's recently played tracks: `GET /me/player/recently-played`.
    /// Reference: [Get Recently Played Tracks](https://developer.spotify.com/documentation/web-api/reference/get-recently-played).
    /// Scope `user-read-recently-played`.
    ///
    /// Only the last 50 plays are kept; a track counts after 30 s of play.
    /// - Parameters:
    ///   - limit: 1…50, default 20.
    ///   - cursor: Plays after or before a moment (exclusive); Spotify takes one or the other.
    public func recentlyPlayed(limit: Int = 20, cursor: PlayedCursor? = nil) async throws -> CursorPage<PlayHistory> {
        try SpotifyRequest.checkLimit(limit)
        var query = [("limit", String(limit))]
        // Rounded, not truncated: a `played_at` of .589 s is 0.588999… as a Double, and an
        // `after` one millisecond early would return that play again.
        switch cursor {
        case .after(let date): query.append(("after", String(Int64((date.timeIntervalSince1970 * 1000).rounded()))))
        case .before(let date): query.append(("before", String(Int64((date.timeIntervalSince1970 * 1000).rounded()))))
        case nil: break
        }
        return try await send(
            SpotifyRequest(
                path: "me/player/recently-played",
                query: query,
                requiredScopes: [.userReadRecentlyPlayed],
                endpointName: "GET /me/player/recently-played"
            ))
    }

    /// Every recent play Spotify keeps (the last 50), newest first, following the `before` cursor.
    public func allRecentlyPlayed() -> CursorPagedItems<PlayHistory> {
        let client = self
        return CursorPagedItems(
            firstPage: { try await client.recentlyPlayed(limit: 50) },
            pageAtURL: { url in
                try await client.send(
                    SpotifyRequest(url: url, requiredScopes: [.userReadRecentlyPlayed], endpointName: "GET /me/player/recently-played"))
            }
        )
    }
}
