/// Which of an artist's releases `GET /artists/{id}/albums` lists.
public enum AlbumGroup: String, Sendable, Hashable, CaseIterable, Codable {
    /// The artist's albums.
    case album
    /// Singles and EPs.
    case single
    /// Compilations.
    case compilation
    /// Releases of others the artist appears on.
    case appearsOn = "appears_on"
}

extension SpotifyClient {
    /// An artist: `GET /artists/{id}`. Works with app-only and user authorization.
    /// Reference: [Get Artist](https://developer.spotify.com/documentation/web-api/reference/get-an-artist).
    public func artist(id: ArtistID) async throws -> Artist {
        try await send(SpotifyRequest(path: "artists/\(Self.segment(id.rawValue))", endpointName: "GET /artists/{id}"))
    }

    /// Several artists: `GET /artists?ids=…`, 50 per request, in order; unknown IDs are left out.
    /// Reference: [Get Several Artists](https://developer.spotify.com/documentation/web-api/reference/get-multiple-artists).
    /// Extended quota only since February 2026.
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026: call artist(id:) per artist")
    public func artists(ids: [ArtistID]) async throws -> [Artist] {
        try await several(ids, path: "artists", chunk: 50, endpointName: "GET /artists", replacement: "GET /artists/{id}")
    }

    /// One page of an artist's albums: `GET /artists/{id}/albums`.
    /// Reference: [Get Artist's Albums](https://developer.spotify.com/documentation/web-api/reference/get-an-artists-albums).
    /// - Parameters:
    ///   - id: The artist.
    ///   - groups: Which releases; every group when empty.
    ///   - limit: 1…50, but at most 10 in development mode (checked before sending); default 10.
    ///   - offset: 0 or more.
    ///   - market: An ISO 3166-1 alpha-2 country code.
    public func artistAlbums(
        id: ArtistID, groups: Set<AlbumGroup> = [], limit: Int = 10, offset: Int = 0, market: String? = nil
    ) async throws -> Page<DiscographyAlbum> {
        try SpotifyRequest.checkLimit(limit)
        try SpotifyRequest.checkOffset(offset)
        return try await send(Self.artistAlbumsRequest(id, groups: groups, limit: limit, offset: offset, market: market))
    }

    /// Every album of an artist, walking the pages at the largest limit the quota mode allows.
    public func allArtistAlbums(id: ArtistID, groups: Set<AlbumGroup> = [], market: String? = nil) -> PagedItems<DiscographyAlbum> {
        paged(
            { offset, limit in Self.artistAlbumsRequest(id, groups: groups, limit: limit, offset: offset, market: market) },
            limit: configuration.quotaMode == .development ? 10 : 50)
    }

    private static func artistAlbumsRequest(_ id: ArtistID, groups: Set<AlbumGroup>, limit: Int, offset: Int, market: String?) -> SpotifyRequest {
        var query = [("limit", String(limit)), ("offset", String(offset))]
        if !groups.isEmpty { query.append(("include_groups", AlbumGroup.allCases.filter(groups.contains).map(\.rawValue).joined(separator: ","))) }
        if let market { query.append(("market", market)) }
        return SpotifyRequest(
            path: "artists/\(segment(id.rawValue))/albums", query: query, endpointName: "GET /artists/{id}/albums",
            developmentMode: .maximumLimit(10)
        )
    }

    /// An artist's top tracks in a market: `GET /artists/{id}/top-tracks`.
    /// Reference: [Get Artist's Top Tracks](https://developer.spotify.com/documentation/web-api/reference/get-an-artists-top-tracks).
    /// Extended quota only since February 2026.
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026, with no replacement")
    public func artistTopTracks(id: ArtistID, market: String? = nil) async throws -> [Track] {
        let answer: ManyItems<Track> = try await send(
            SpotifyRequest(
                path: "artists/\(Self.segment(id.rawValue))/top-tracks", query: Self.market(market),
                endpointName: "GET /artists/{id}/top-tracks", developmentMode: .removed(replacement: nil)
            ))
        return answer.items
    }

    /// Artists similar to an artist: `GET /artists/{id}/related-artists`.
    /// Reference: [Get Artist's Related Artists](https://developer.spotify.com/documentation/web-api/reference/get-an-artists-related-artists).
    /// Gone for apps created after 27 November 2024 and for development-mode apps.
    @available(*, deprecated, message: "Removed in November 2024 for new and development-mode apps, with no replacement")
    public func relatedArtists(id: ArtistID) async throws -> [Artist] {
        let answer: ManyItems<Artist> = try await send(
            SpotifyRequest(
                path: "artists/\(Self.segment(id.rawValue))/related-artists", endpointName: "GET /artists/{id}/related-artists",
                developmentMode: .removed(replacement: nil)
            ))
        return answer.items
    }
}
