extension SpotifyClient {
    /// A track: `GET /tracks/{id}`. Works with app-only and user authorization.
    /// Reference: [Get Track](https://developer.spotify.com/documentation/web-api/reference/get-track).
    /// - Parameters:
    ///   - id: The track.
    ///   - market: An ISO 3166-1 alpha-2 country code for track relinking.
    public func track(id: TrackID, market: String? = nil) async throws -> Track {
        try await send(
            SpotifyRequest(
                path: "tracks/\(Self.segment(id.rawValue))", query: Self.market(market), endpointName: "GET /tracks/{id}"))
    }

    /// Several tracks: `GET /tracks?ids=…`, 50 per request, in order; unknown IDs are left out.
    /// Reference: [Get Several Tracks](https://developer.spotify.com/documentation/web-api/reference/get-several-tracks).
    /// Extended quota only since February 2026.
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026: call track(id:market:) per track")
    public func tracks(ids: [TrackID], market: String? = nil) async throws -> [Track] {
        try await several(ids, path: "tracks", chunk: 50, market: market, endpointName: "GET /tracks", replacement: "GET /tracks/{id}")
    }
}
