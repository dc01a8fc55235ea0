/// What `GET /me/top/{type}` ranks.
public enum TopItemsType: String, Sendable, Hashable, CaseIterable {
    /// Top tracks.
    case tracks
    /// Top artists.
    case artists
}

extension SpotifyRequest {
    /// `GET /me/top/{type}`: one page of the user's top tracks or artists. Scope `user-top-read`.
    ///
    /// The value a caller needs for the raw-bytes ``SpotifyClient/send(_:)`` (a server passing
    /// Spotify's JSON through, with its own cache and `If-None-Match`); the typed methods below
    /// send the same request.
    /// Reference: [Get User's Top Items](https://developer.spotify.com/documentation/web-api/reference/get-users-top-artists-and-tracks).
    /// - Parameters:
    ///   - type: Tracks or artists.
    ///   - timeRange: The period; `mediumTerm` (about six months) by default.
    ///   - limit: 1…50, default 20.
    ///   - offset: 0 or more.
    /// - Throws: ``SpotifyAPIError/Code/invalidRequest`` naming the ``SpotifyAPIError/parameter``
    ///   out of range, before anything is sent.
    public static func currentUserTop(
        _ type: TopItemsType, timeRange: TimeRange = .mediumTerm, limit: Int = 20, offset: Int = 0
    ) throws(SpotifyAPIError) -> SpotifyRequest {
        try SpotifyRequest.checkLimit(limit)
        try SpotifyRequest.checkOffset(offset)
        return uncheckedCurrentUserTop(type, timeRange: timeRange, limit: limit, offset: offset)
    }

    /// For pages whose limit and offset the walker computes within range.
    static func uncheckedCurrentUserTop(_ type: TopItemsType, timeRange: TimeRange, limit: Int, offset: Int) -> SpotifyRequest {
        SpotifyRequest(
            path: "me/top/\(type.rawValue)",
            query: [("limit", String(limit)), ("offset", String(offset)), ("time_range", timeRange.rawValue)],
            requiredScopes: [.userTopRead],
            endpointName: type == .tracks ? "GET /me/top/tracks" : "GET /me/top/artists"
        )
    }
}

extension SpotifyClient where Authorization: UserAuthorization {
    /// One page of the user's top tracks: `GET /me/top/tracks`. Scope `user-top-read`.
    ///
    /// Spotify computes at most about 50 items per range.
    /// Reference: [Get User's Top Items](https://developer.spotify.com/documentation/web-api/reference/get-users-top-artists-and-tracks).
    /// - Parameters:
    ///   - timeRange: The period; `mediumTerm` (about six months) by default.
    ///   - limit: 1…50, default 20; checked before sending.
    ///   - offset: 0 or more.
    public func currentUserTopTracks(timeRange: TimeRange = .mediumTerm, limit: Int = 20, offset: Int = 0) async throws -> Page<Track> {
        try await send(try .currentUserTop(.tracks, timeRange: timeRange, limit: limit, offset: offset))
    }

    /// One page of the user's top artists: `GET /me/top/artists`. Scope `user-top-read`.
    /// Reference: [Get User's Top Items](https://developer.spotify.com/documentation/web-api/reference/get-users-top-artists-and-tracks).
    /// - Parameters:
    ///   - timeRange: The period; `mediumTerm` by default.
    ///   - limit: 1…50, default 20; checked before sending.
    ///   - offset: 0 or more.
    public func currentUserTopArtists(timeRange: TimeRange = .mediumTerm, limit: Int = 20, offset: Int = 0) async throws -> Page<Artist> {
        try await send(try .currentUserTop(.artists, timeRange: timeRange, limit: limit, offset: offset))
    }

    /// Every top track for a range, walking the pages.
    public func allCurrentUserTopTracks(timeRange: TimeRange = .mediumTerm) -> PagedItems<Track> {
        paged { offset, limit in .uncheckedCurrentUserTop(.tracks, timeRange: timeRange, limit: limit, offset: offset) }
    }

    /// Every top artist for a range, walking the pages.
    public func allCurrentUserTopArtists(timeRange: TimeRange = .mediumTerm) -> PagedItems<Artist> {
        paged { offset, limit in .uncheckedCurrentUserTop(.artists, timeRange: timeRange, limit: limit, offset: offset) }
    }
}
