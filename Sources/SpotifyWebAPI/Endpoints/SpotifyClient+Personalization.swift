extension SpotifyClient where Authorization: UserAuthorization {
    /// One page of the user's top tracks: `GET /me/top/tracks`. Scope `user-top-read`.
    ///
    /// Spotify computes at most about 50 items per range. Reference: Get User's Top Items.
    /// - Parameters:
    ///   - timeRange: The period; `mediumTerm` (about six months) by default.
    ///   - limit: 1…50, default 20; checked before sending.
    ///   - offset: 0 or more.
    public func currentUserTopTracks(timeRange: TimeRange = .mediumTerm, limit: Int = 20, offset: Int = 0) async throws -> Page<Track> {
        try await send(try Self.topItemsRequest("tracks", timeRange: timeRange, limit: limit, offset: offset))
    }

    /// One page of the user's top artists: `GET /me/top/artists`. Scope `user-top-read`.
    /// - Parameters:
    ///   - timeRange: The period; `mediumTerm` by default.
    ///   - limit: 1…50, default 20; checked before sending.
    ///   - offset: 0 or more.
    public func currentUserTopArtists(timeRange: TimeRange = .mediumTerm, limit: Int = 20, offset: Int = 0) async throws -> Page<Artist> {
        try await send(try Self.topItemsRequest("artists", timeRange: timeRange, limit: limit, offset: offset))
    }

    /// Every top track for a range, walking the pages.
    public func allCurrentUserTopTracks(timeRange: TimeRange = .mediumTerm) -> PagedItems<Track> {
        paged { offset, limit in Self.uncheckedTopItemsRequest("tracks", timeRange: timeRange, limit: limit, offset: offset) }
    }

    /// Every top artist for a range, walking the pages.
    public func allCurrentUserTopArtists(timeRange: TimeRange = .mediumTerm) -> PagedItems<Artist> {
        paged { offset, limit in Self.uncheckedTopItemsRequest("artists", timeRange: timeRange, limit: limit, offset: offset) }
    }

    /// The request behind the top-items methods, for callers that want the raw body
    /// (``SpotifyClient/send(_:)``) to pass through unchanged.
    public static func topItemsRequest(_ type: String, timeRange: TimeRange, limit: Int, offset: Int) throws(SpotifyAPIError) -> SpotifyRequest {
        guard type == "tracks" || type == "artists" else {
            throw SpotifyAPIError(code: .invalidRequest, message: "type must be tracks or artists")
        }
        try checkLimit(limit)
        try checkOffset(offset)
        return uncheckedTopItemsRequest(type, timeRange: timeRange, limit: limit, offset: offset)
    }

    private static func uncheckedTopItemsRequest(_ type: String, timeRange: TimeRange, limit: Int, offset: Int) -> SpotifyRequest {
        SpotifyRequest(
            path: "me/top/\(type)",
            query: [("limit", String(limit)), ("offset", String(offset)), ("time_range", timeRange.rawValue)],
            requiredScopes: [.userTopRead],
            endpointName: "GET /me/top/{type}"
        )
    }
}
