extension SpotifyClient {
    /// A track: `GET /tracks/{id}`. Works with app-only and user authorization.
    /// Reference: [Get Track](https://developer.spotify.com/documentation/web-api/reference/get-track).
    public func track(id: String, market: String? = nil) async throws -> Track {
        try await send(
            SpotifyRequest(
                path: "tracks/\(Self.segment(id))",
                query: market.map { [("market", $0)] } ?? [],
                endpointName: "GET /tracks/{id}"
            ))
    }

    /// An artist: `GET /artists/{id}`. Works with app-only and user authorization.
    /// Reference: [Get Artist](https://developer.spotify.com/documentation/web-api/reference/get-an-artist).
    public func artist(id: String) async throws -> Artist {
        try await send(SpotifyRequest(path: "artists/\(Self.segment(id))", endpointName: "GET /artists/{id}"))
    }
}
