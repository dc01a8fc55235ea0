extension SpotifyClient {
    /// An audiobook with its first page of chapters: `GET /audiobooks/{id}`.
    /// Reference: [Get an Audiobook](https://developer.spotify.com/documentation/web-api/reference/get-an-audiobook).
    /// Audiobooks are sold only in some markets; elsewhere this is a 404.
    public func audiobook(id: AudiobookID, market: String? = nil) async throws -> Audiobook {
        try await send(
            SpotifyRequest(path: "audiobooks/\(Self.segment(id.rawValue))", query: Self.market(market), endpointName: "GET /audiobooks/{id}"))
    }

    /// Several audiobooks: `GET /audiobooks?ids=…`, 50 per request, in order; unknown IDs are left out.
    /// Reference: [Get Several Audiobooks](https://developer.spotify.com/documentation/web-api/reference/get-multiple-audiobooks).
    /// Extended quota only since February 2026.
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026: call audiobook(id:market:) per audiobook")
    public func audiobooks(ids: [AudiobookID], market: String? = nil) async throws -> [Audiobook] {
        try await several(ids, path: "audiobooks", chunk: 50, market: market, endpointName: "GET /audiobooks", replacement: "GET /audiobooks/{id}")
    }

    /// One page of an audiobook's chapters: `GET /audiobooks/{id}/chapters`.
    /// Reference: [Get Audiobook Chapters](https://developer.spotify.com/documentation/web-api/reference/get-audiobook-chapters).
    /// - Parameters:
    ///   - id: The audiobook.
    ///   - limit: 1…50, default 20.
    ///   - offset: 0 or more.
    ///   - market: An ISO 3166-1 alpha-2 country code; an audiobook not available there is a 404.
    public func audiobookChapters(id: AudiobookID, limit: Int = 20, offset: Int = 0, market: String? = nil) async throws -> Page<SimplifiedChapter> {
        try SpotifyRequest.checkLimit(limit)
        try SpotifyRequest.checkOffset(offset)
        return try await send(Self.chaptersRequest(id, limit: limit, offset: offset, market: market))
    }

    /// Every chapter of an audiobook, walking the pages 50 at a time.
    public func allAudiobookChapters(id: AudiobookID, market: String? = nil) -> PagedItems<SimplifiedChapter> {
        paged { offset, limit in Self.chaptersRequest(id, limit: limit, offset: offset, market: market) }
    }

    private static func chaptersRequest(_ id: AudiobookID, limit: Int, offset: Int, market: String?) -> SpotifyRequest {
        SpotifyRequest(
            path: "audiobooks/\(segment(id.rawValue))/chapters", query: [("limit", String(limit)), ("offset", String(offset))] + Self.market(market),
            endpointName: "GET /audiobooks/{id}/chapters")
    }

    /// A chapter with its audiobook: `GET /chapters/{id}`.
    /// Reference: [Get a Chapter](https://developer.spotify.com/documentation/web-api/reference/get-a-chapter).
    public func chapter(id: ChapterID, market: String? = nil) async throws -> Chapter {
        try await send(SpotifyRequest(path: "chapters/\(Self.segment(id.rawValue))", query: Self.market(market), endpointName: "GET /chapters/{id}"))
    }

    /// Several chapters: `GET /chapters?ids=…`, 50 per request, in order; unknown IDs are left out.
    /// Reference: [Get Several Chapters](https://developer.spotify.com/documentation/web-api/reference/get-several-chapters).
    /// Extended quota only since February 2026.
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026: call chapter(id:market:) per chapter")
    public func chapters(ids: [ChapterID], market: String? = nil) async throws -> [Chapter] {
        try await several(ids, path: "chapters", chunk: 50, market: market, endpointName: "GET /chapters", replacement: "GET /chapters/{id}")
    }
}
