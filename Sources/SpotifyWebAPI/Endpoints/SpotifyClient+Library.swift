extension SpotifyClient where Authorization: UserAuthorization {
    /// One page of the user's saved tracks: `GET /me/tracks`. Scope `user-library-read`.
    /// Reference: [Get User's Saved Tracks](https://developer.spotify.com/documentation/web-api/reference/get-users-saved-tracks).
    /// - Parameters:
    ///   - limit: 1…50, default 20.
    ///   - offset: 0 or more.
    ///   - market: An ISO 3166-1 alpha-2 country code for track relinking.
    public func savedTracks(limit: Int = 20, offset: Int = 0, market: String? = nil) async throws -> Page<SavedTrack> {
        try SpotifyRequest.checkLimit(limit)
        try SpotifyRequest.checkOffset(offset)
        return try await send(Self.savedTracksRequest(limit: limit, offset: offset, market: market))
    }

    /// Every saved track, walking the pages 50 at a time.
    public func allSavedTracks(market: String? = nil) -> PagedItems<SavedTrack> {
        paged { offset, limit in Self.savedTracksRequest(limit: limit, offset: offset, market: market) }
    }

    private static func savedTracksRequest(limit: Int, offset: Int, market: String?) -> SpotifyRequest {
        var query = [("limit", String(limit)), ("offset", String(offset))]
        if let market { query.append(("market", market)) }
        return SpotifyRequest(path: "me/tracks", query: query, requiredScopes: [.userLibraryRead], endpointName: "GET /me/tracks")
    }
}
