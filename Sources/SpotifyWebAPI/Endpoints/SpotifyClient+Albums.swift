extension SpotifyClient {
    /// An album with the first page of its tracks: `GET /albums/{id}`.
    /// Works with app-only and user authorization.
    /// Reference: [Get Album](https://developer.spotify.com/documentation/web-api/reference/get-an-album).
    /// - Parameters:
    ///   - id: The album.
    ///   - market: An ISO 3166-1 alpha-2 country code for track relinking.
    public func album(id: AlbumID, market: String? = nil) async throws -> Album {
        try await send(
            SpotifyRequest(
                path: "albums/\(Self.segment(id.rawValue))", query: Self.market(market), endpointName: "GET /albums/{id}"))
    }

    /// Several albums: `GET /albums?ids=…`, 20 per request, in order; unknown IDs are left out.
    /// Reference: [Get Several Albums](https://developer.spotify.com/documentation/web-api/reference/get-multiple-albums).
    /// Extended quota only since February 2026.
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026: call album(id:market:) per album")
    public func albums(ids: [AlbumID], market: String? = nil) async throws -> [Album] {
        try await several(ids, path: "albums", chunk: 20, market: market, endpointName: "GET /albums", replacement: "GET /albums/{id}")
    }

    /// One page of an album's tracks: `GET /albums/{id}/tracks`.
    /// Reference: [Get Album Tracks](https://developer.spotify.com/documentation/web-api/reference/get-an-albums-tracks).
    /// - Parameters:
    ///   - id: The album.
    ///   - limit: 1…50, default 20.
    ///   - offset: 0 or more.
    ///   - market: An ISO 3166-1 alpha-2 country code for track relinking.
    public func albumTracks(id: AlbumID, limit: Int = 20, offset: Int = 0, market: String? = nil) async throws -> Page<SimplifiedTrack> {
        try SpotifyRequest.checkLimit(limit)
        try SpotifyRequest.checkOffset(offset)
        return try await send(Self.albumTracksRequest(id, limit: limit, offset: offset, market: market))
    }

    /// Every track of an album, walking the pages 50 at a time.
    public func allAlbumTracks(id: AlbumID, market: String? = nil) -> PagedItems<SimplifiedTrack> {
        paged { offset, limit in Self.albumTracksRequest(id, limit: limit, offset: offset, market: market) }
    }

    private static func albumTracksRequest(_ id: AlbumID, limit: Int, offset: Int, market: String?) -> SpotifyRequest {
        var query = [("limit", String(limit)), ("offset", String(offset))]
        if let market { query.append(("market", market)) }
        return SpotifyRequest(path: "albums/\(segment(id.rawValue))/tracks", query: query, endpointName: "GET /albums/{id}/tracks")
    }

    /// One page of new album releases: `GET /browse/new-releases`.
    /// Reference: [Get New Releases](https://developer.spotify.com/documentation/web-api/reference/get-new-releases).
    /// Extended quota only since February 2026.
    /// - Parameters:
    ///   - limit: 1…50, default 20.
    ///   - offset: 0 or more.
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026, with no replacement")
    public func newReleases(limit: Int = 20, offset: Int = 0) async throws -> Page<SimplifiedAlbum> {
        try SpotifyRequest.checkLimit(limit)
        try SpotifyRequest.checkOffset(offset)
        let answer: AlbumsPage = try await send(
            SpotifyRequest(
                path: "browse/new-releases", query: [("limit", String(limit)), ("offset", String(offset))],
                endpointName: "GET /browse/new-releases", developmentMode: .removed(replacement: nil)
            ))
        return answer.albums
    }

    /// Every new release, walking the pages 50 at a time.
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026, with no replacement")
    public func allNewReleases() -> PagedItems<SimplifiedAlbum> {
        paged(
            { offset, limit in
                SpotifyRequest(
                    path: "browse/new-releases", query: [("limit", String(limit)), ("offset", String(offset))],
                    endpointName: "GET /browse/new-releases", developmentMode: .removed(replacement: nil))
            }, unwrapping: { (answer: AlbumsPage) in answer.albums })
    }
}

/// `{"albums": {paging object}}`, the wrapper of new releases.
private struct AlbumsPage: Decodable, Sendable {
    var albums: Page<SimplifiedAlbum>
}
