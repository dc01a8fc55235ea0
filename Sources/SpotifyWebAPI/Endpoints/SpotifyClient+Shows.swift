extension SpotifyClient {
    /// A show (podcast) with its first page of episodes: `GET /shows/{id}`.
    /// Reference: [Get Show](https://developer.spotify.com/documentation/web-api/reference/get-a-show).
    /// - Parameters:
    ///   - id: The show.
    ///   - market: An ISO 3166-1 alpha-2 country code; a show not available there is a 404.
    public func show(id: ShowID, market: String? = nil) async throws -> Show {
        try await send(SpotifyRequest(path: "shows/\(Self.segment(id.rawValue))", query: Self.market(market), endpointName: "GET /shows/{id}"))
    }

    /// Several shows: `GET /shows?ids=…`, 50 per request, in order; unknown IDs are left out.
    /// Reference: [Get Several Shows](https://developer.spotify.com/documentation/web-api/reference/get-multiple-shows).
    /// Extended quota only since February 2026.
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026: call show(id:market:) per show")
    public func shows(ids: [ShowID], market: String? = nil) async throws -> [SimplifiedShow] {
        try await several(ids, path: "shows", chunk: 50, market: market, endpointName: "GET /shows", replacement: "GET /shows/{id}")
    }

    /// One page of a show's episodes, newest first: `GET /shows/{id}/episodes`.
    /// Reference: [Get Show Episodes](https://developer.spotify.com/documentation/web-api/reference/get-a-shows-episodes).
    /// - Parameters:
    ///   - id: The show.
    ///   - limit: 1…50, default 20.
    ///   - offset: 0 or more.
    ///   - market: An ISO 3166-1 alpha-2 country code; a show not available there is a 404.
    public func showEpisodes(id: ShowID, limit: Int = 20, offset: Int = 0, market: String? = nil) async throws -> Page<SimplifiedEpisode> {
        try SpotifyRequest.checkLimit(limit)
        try SpotifyRequest.checkOffset(offset)
        return try await send(Self.showEpisodesRequest(id, limit: limit, offset: offset, market: market))
    }

    /// Every episode of a show, walking the pages 50 at a time.
    public func allShowEpisodes(id: ShowID, market: String? = nil) -> PagedItems<SimplifiedEpisode> {
        paged { offset, limit in Self.showEpisodesRequest(id, limit: limit, offset: offset, market: market) }
    }

    private static func showEpisodesRequest(_ id: ShowID, limit: Int, offset: Int, market: String?) -> SpotifyRequest {
        SpotifyRequest(
            path: "shows/\(segment(id.rawValue))/episodes", query: [("limit", String(limit)), ("offset", String(offset))] + Self.market(market),
            endpointName: "GET /shows/{id}/episodes")
    }

    /// An episode with its show: `GET /episodes/{id}`.
    /// Reference: [Get Episode](https://developer.spotify.com/documentation/web-api/reference/get-an-episode).
    public func episode(id: EpisodeID, market: String? = nil) async throws -> Episode {
        try await send(SpotifyRequest(path: "episodes/\(Self.segment(id.rawValue))", query: Self.market(market), endpointName: "GET /episodes/{id}"))
    }

    /// Several episodes: `GET /episodes?ids=…`, 50 per request, in order; unknown IDs are left out.
    /// Reference: [Get Several Episodes](https://developer.spotify.com/documentation/web-api/reference/get-multiple-episodes).
    /// Extended quota only since February 2026.
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026: call episode(id:market:) per episode")
    public func episodes(ids: [EpisodeID], market: String? = nil) async throws -> [Episode] {
        try await several(ids, path: "episodes", chunk: 50, market: market, endpointName: "GET /episodes", replacement: "GET /episodes/{id}")
    }
}

extension SpotifyClient {
    /// A `market` query parameter, when there is one.
    static func market(_ market: String?) -> [(String, String)] { market.map { [("market", $0)] } ?? [] }
}
