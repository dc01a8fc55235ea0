/// Browse categories, featured playlists, audio features and analysis, recommendations: gone
/// for apps created after 27 November 2024 and for development-mode apps, kept for older
/// extended-quota apps. On a development-mode app each fails before sending.
extension SpotifyClient {
    /// One page of browse categories: `GET /browse/categories`.
    /// Reference: [Get Several Browse Categories](https://developer.spotify.com/documentation/web-api/reference/get-categories).
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026, with no replacement")
    public func categories(limit: Int = 20, offset: Int = 0, locale: String? = nil) async throws -> Page<Category> {
        try SpotifyRequest.checkLimit(limit)
        try SpotifyRequest.checkOffset(offset)
        let answer: Categories = try await send(
            removed(
                "browse/categories", [("limit", String(limit)), ("offset", String(offset))] + (locale.map { [("locale", $0)] } ?? []),
                "GET /browse/categories"))
        return answer.categories
    }

    /// One category: `GET /browse/categories/{category_id}`.
    /// Reference: [Get Single Browse Category](https://developer.spotify.com/documentation/web-api/reference/get-a-category).
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026, with no replacement")
    public func category(id: String, locale: String? = nil) async throws -> Category {
        try await send(
            removed("browse/categories/\(Self.segment(id))", locale.map { [("locale", $0)] } ?? [], "GET /browse/categories/{category_id}"))
    }

    /// A category's playlists: `GET /browse/categories/{category_id}/playlists`.
    /// Reference: [Get Category's Playlists](https://developer.spotify.com/documentation/web-api/reference/get-a-categories-playlists).
    @available(*, deprecated, message: "Removed in November 2024 for new and development-mode apps, with no replacement")
    public func categoryPlaylists(id: String, limit: Int = 20, offset: Int = 0) async throws -> FeaturedPlaylists {
        try SpotifyRequest.checkLimit(limit)
        try SpotifyRequest.checkOffset(offset)
        return try await send(
            removed(
                "browse/categories/\(Self.segment(id))/playlists", [("limit", String(limit)), ("offset", String(offset))],
                "GET /browse/categories/{category_id}/playlists"))
    }

    /// Spotify's featured playlists: `GET /browse/featured-playlists`.
    /// Reference: [Get Featured Playlists](https://developer.spotify.com/documentation/web-api/reference/get-featured-playlists).
    @available(*, deprecated, message: "Removed in November 2024 for new and development-mode apps, with no replacement")
    public func featuredPlaylists(limit: Int = 20, offset: Int = 0, locale: String? = nil) async throws -> FeaturedPlaylists {
        try SpotifyRequest.checkLimit(limit)
        try SpotifyRequest.checkOffset(offset)
        return try await send(
            removed(
                "browse/featured-playlists", [("limit", String(limit)), ("offset", String(offset))] + (locale.map { [("locale", $0)] } ?? []),
                "GET /browse/featured-playlists"))
    }

    /// A track's audio features: `GET /audio-features/{id}`.
    /// Reference: [Get Track's Audio Features](https://developer.spotify.com/documentation/web-api/reference/get-audio-features).
    @available(*, deprecated, message: "Removed in November 2024 for new and development-mode apps, with no replacement")
    public func audioFeatures(id: TrackID) async throws -> AudioFeatures {
        try await send(removed("audio-features/\(Self.segment(id.rawValue))", [], "GET /audio-features/{id}"))
    }

    /// Several tracks' audio features: `GET /audio-features?ids=…`, 100 per request, in order.
    /// Reference: [Get Tracks' Audio Features](https://developer.spotify.com/documentation/web-api/reference/get-several-audio-features).
    @available(*, deprecated, message: "Removed in November 2024 for new and development-mode apps, with no replacement")
    public func audioFeatures(ids: [TrackID]) async throws -> [AudioFeatures] {
        var all: [AudioFeatures] = []
        for chunk in Self.chunks(ids, of: 100) {
            let answer: ManyItems<AudioFeatures> = try await send(
                removed("audio-features", [("ids", chunk.map(\.rawValue).joined(separator: ","))], "GET /audio-features"))
            all += answer.items
        }
        return all
    }

    /// A track's structure: `GET /audio-analysis/{id}`.
    /// Reference: [Get Track's Audio Analysis](https://developer.spotify.com/documentation/web-api/reference/get-audio-analysis).
    @available(*, deprecated, message: "Removed in November 2024 for new and development-mode apps, with no replacement")
    public func audioAnalysis(id: TrackID) async throws -> AudioAnalysis {
        try await send(removed("audio-analysis/\(Self.segment(id.rawValue))", [], "GET /audio-analysis/{id}"))
    }

    /// Tracks recommended from 1…5 seeds: `GET /recommendations`.
    /// Reference: [Get Recommendations](https://developer.spotify.com/documentation/web-api/reference/get-recommendations).
    /// - Parameters:
    ///   - seedArtists: Artists to start from.
    ///   - seedGenres: Genres to start from (`GET /recommendations/available-genre-seeds`).
    ///   - seedTracks: Tracks to start from.
    ///   - tunables: `min_`/`max_`/`target_` attributes, such as `["target_energy": 0.8]`.
    ///   - limit: 1…100, default 20.
    ///   - market: An ISO 3166-1 alpha-2 country code.
    @available(*, deprecated, message: "Removed in November 2024 for new and development-mode apps, with no replacement")
    public func recommendations(
        seedArtists: [ArtistID] = [], seedGenres: [String] = [], seedTracks: [TrackID] = [], tunables: [String: Double] = [:], limit: Int = 20,
        market: String? = nil
    ) async throws -> Recommendations {
        guard (1...5).contains(seedArtists.count + seedGenres.count + seedTracks.count) else {
            throw SpotifyAPIError(code: .invalidRequest, message: "recommendations need between 1 and 5 seeds in all", parameter: "seed_artists")
        }
        try SpotifyRequest.checkLimit(limit, range: 1...100)
        var query = [("limit", String(limit))] + Self.market(market)
        if !seedArtists.isEmpty { query.append(("seed_artists", seedArtists.map(\.rawValue).joined(separator: ","))) }
        if !seedGenres.isEmpty { query.append(("seed_genres", seedGenres.joined(separator: ","))) }
        if !seedTracks.isEmpty { query.append(("seed_tracks", seedTracks.map(\.rawValue).joined(separator: ","))) }
        query += tunables.sorted { $0.key < $1.key }.map { ($0.key, String($0.value)) }
        return try await send(removed("recommendations", query, "GET /recommendations"))
    }

    /// The genres recommendations take as seeds: `GET /recommendations/available-genre-seeds`.
    /// Reference: [Get Available Genre Seeds](https://developer.spotify.com/documentation/web-api/reference/get-recommendation-genres).
    @available(*, deprecated, message: "Removed in November 2024 for new and development-mode apps, with no replacement")
    public func availableGenreSeeds() async throws -> [String] {
        let answer: Genres = try await send(removed("recommendations/available-genre-seeds", [], "GET /recommendations/available-genre-seeds"))
        return answer.genres
    }

    /// Every browse category, walking the pages 50 at a time.
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026, with no replacement")
    public func allCategories(locale: String? = nil) -> PagedItems<Category> {
        paged(
            { [locale] offset, limit in
                Self.removedRequest(
                    "browse/categories", [("limit", String(limit)), ("offset", String(offset))] + (locale.map { [("locale", $0)] } ?? []),
                    "GET /browse/categories")
            }, unwrapping: { (answer: Categories) in answer.categories })
    }

    /// Every playlist of a category, walking the pages 50 at a time.
    @available(*, deprecated, message: "Removed in November 2024 for new and development-mode apps, with no replacement")
    public func allCategoryPlaylists(id: String) -> PagedItems<Playlist> {
        paged(
            { offset, limit in
                Self.removedRequest(
                    "browse/categories/\(Self.segment(id))/playlists", [("limit", String(limit)), ("offset", String(offset))],
                    "GET /browse/categories/{category_id}/playlists")
            }, unwrapping: { (answer: FeaturedPlaylists) in answer.playlists })
    }

    /// Every featured playlist, walking the pages 50 at a time; the headline is on
    /// ``featuredPlaylists(limit:offset:locale:)``.
    @available(*, deprecated, message: "Removed in November 2024 for new and development-mode apps, with no replacement")
    public func allFeaturedPlaylists(locale: String? = nil) -> PagedItems<Playlist> {
        paged(
            { [locale] offset, limit in
                Self.removedRequest(
                    "browse/featured-playlists",
                    [("limit", String(limit)), ("offset", String(offset))] + (locale.map { [("locale", $0)] } ?? []),
                    "GET /browse/featured-playlists")
            }, unwrapping: { (answer: FeaturedPlaylists) in answer.playlists })
    }

    private func removed(_ path: String, _ query: [(String, String)], _ name: String) -> SpotifyRequest {
        Self.removedRequest(path, query, name)
    }

    private static func removedRequest(_ path: String, _ query: [(String, String)], _ name: String) -> SpotifyRequest {
        SpotifyRequest(path: path, query: query, endpointName: name, developmentMode: .removed(replacement: nil))
    }
}

private struct Categories: Decodable, Sendable {
    var categories: Page<Category>
}

private struct Genres: Decodable, Sendable {
    var genres: [String]
}
