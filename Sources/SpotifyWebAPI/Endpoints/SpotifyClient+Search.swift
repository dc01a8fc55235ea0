import Foundation

extension SpotifyRequest {
    /// `GET /search`: one page per type of catalog items matching `query`.
    ///
    /// Reference: [Search for Item](https://developer.spotify.com/documentation/web-api/reference/search).
    /// Works with app-only and user authorization.
    /// - Parameters:
    ///   - query: Spotify's query syntax: words, plus filters such as `artist:`, `album:`,
    ///     `year:1990-1999`, `genre:`, `tag:new`.
    ///   - types: One or more types; each gets its own page in the answer.
    ///   - market: An ISO 3166-1 alpha-2 country code; the user's own with a user token.
    ///   - limit: 1…50 per type for extended-quota apps, 1…10 in development mode (checked
    ///     before sending by the client); default 5.
    ///   - offset: 0…1000.
    ///   - includeExternalAudio: Whether externally hosted episodes may be returned.
    public static func search(
        _ query: String, types: Set<SearchType>, market: String? = nil, limit: Int = 5, offset: Int = 0, includeExternalAudio: Bool = false
    ) throws(SpotifyAPIError) -> SpotifyRequest {
        guard !query.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw SpotifyAPIError(code: .invalidRequest, message: "a search needs a query", parameter: "q")
        }
        guard !types.isEmpty else {
            throw SpotifyAPIError(code: .invalidRequest, message: "a search needs at least one type", parameter: "type")
        }
        try checkLimit(limit)
        guard (0...1000).contains(offset) else {
            throw SpotifyAPIError(code: .invalidRequest, message: "offset must be between 0 and 1000, got \(offset)", parameter: "offset")
        }
        return uncheckedSearch(query, types: types, market: market, limit: limit, offset: offset, includeExternalAudio: includeExternalAudio)
    }

    static func uncheckedSearch(
        _ query: String, types: Set<SearchType>, market: String?, limit: Int, offset: Int, includeExternalAudio: Bool
    ) -> SpotifyRequest {
        var parameters = [
            ("q", query), ("type", SearchType.allCases.filter(types.contains).map(\.rawValue).joined(separator: ",")),
            ("limit", String(limit)), ("offset", String(offset)),
        ]
        if let market { parameters.append(("market", market)) }
        if includeExternalAudio { parameters.append(("include_external", "audio")) }
        return SpotifyRequest(path: "search", query: parameters, endpointName: "GET /search", developmentMode: .maximumLimit(10))
    }
}

extension SpotifyClient {
    /// Searches the catalog: `GET /search`.
    ///
    /// ```swift
    /// let results = try await spotify.search("tania bowra", types: [.artist, .album])
    /// results.artists?.items.first?.name
    /// ```
    /// Reference: [Search for Item](https://developer.spotify.com/documentation/web-api/reference/search).
    /// See ``SpotifyRequest/search(_:types:market:limit:offset:includeExternalAudio:)`` for the
    /// parameters; in development mode `limit` is at most 10.
    public func search(
        _ query: String, types: Set<SearchType>, market: String? = nil, limit: Int = 5, offset: Int = 0, includeExternalAudio: Bool = false
    ) async throws -> SearchResults {
        try await send(
            try .search(query, types: types, market: market, limit: limit, offset: offset, includeExternalAudio: includeExternalAudio))
    }

    /// Every search result of one kind, walking the pages at the largest limit the app's quota
    /// mode allows (10 in development mode, 50 otherwise), up to Spotify's offset ceiling of 1,000.
    ///
    /// ```swift
    /// for try await track in spotify.allSearchResults("year:1979", in: .tracks) { … }
    /// ```
    public func allSearchResults<Item: Codable & Sendable>(
        _ query: String, in category: SearchCategory<Item>, market: String? = nil
    ) -> PagedItems<Item> {
        let client = self
        let limit = configuration.quotaMode == .development ? 10 : 50
        @Sendable func page(_ request: SpotifyRequest) async throws -> Page<Item> {
            let results: SearchResults = try await client.send(request)
            guard let page = category.page(results) else {
                throw SpotifyAPIError(code: .decoding, service: .webAPI, message: "search answered without a \(category.type.rawValue) page")
            }
            return page
        }
        @Sendable func request(offset: Int, limit: Int) -> SpotifyRequest {
            .uncheckedSearch(query, types: [category.type], market: market, limit: limit, offset: offset, includeExternalAudio: false)
        }
        return PagedItems(
            firstPage: { try await page(request(offset: 0, limit: limit)) },
            pageAtURL: { url in try await page(SpotifyRequest(url: url, endpointName: "GET /search")) },
            pageAtOffset: { offset, pageLimit in try await page(request(offset: offset, limit: pageLimit)) }
        )
    }
}

/// One kind of search result with its item type, for ``SpotifyClient/allSearchResults(_:in:market:)``.
public struct SearchCategory<Item: Codable & Sendable>: Sendable {
    /// The type asked for.
    public let type: SearchType
    let page: @Sendable (SearchResults) -> Page<Item>?
}

extension SearchCategory where Item == Track {
    /// Tracks.
    public static var tracks: Self { Self(type: .track) { $0.tracks } }
}
extension SearchCategory where Item == Artist {
    /// Artists.
    public static var artists: Self { Self(type: .artist) { $0.artists } }
}
extension SearchCategory where Item == SimplifiedAlbum {
    /// Albums.
    public static var albums: Self { Self(type: .album) { $0.albums } }
}
extension SearchCategory where Item == Playlist {
    /// Playlists.
    public static var playlists: Self { Self(type: .playlist) { $0.playlists } }
}
extension SearchCategory where Item == SimplifiedShow {
    /// Shows.
    public static var shows: Self { Self(type: .show) { $0.shows } }
}
extension SearchCategory where Item == SimplifiedEpisode {
    /// Episodes.
    public static var episodes: Self { Self(type: .episode) { $0.episodes } }
}
extension SearchCategory where Item == SimplifiedAudiobook {
    /// Audiobooks.
    public static var audiobooks: Self { Self(type: .audiobook) { $0.audiobooks } }
}
