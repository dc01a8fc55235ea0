import HTTPTypes

extension SpotifyClient where Authorization: UserAuthorization {
    /// One page of the user's saved tracks: `GET /me/tracks`. Scope `user-library-read`.
    /// Reference: [Get User's Saved Tracks](https://developer.spotify.com/documentation/web-api/reference/get-users-saved-tracks).
    /// - Parameters:
    ///   - limit: 1…50, default 20.
    ///   - offset: 0 or more.
    ///   - market: An ISO 3166-1 alpha-2 country code for track relinking.
    public func savedTracks(limit: Int = 20, offset: Int = 0, market: String? = nil) async throws -> Page<SavedTrack> {
        try await savedPage("tracks", limit: limit, offset: offset, market: market)
    }

    /// Every saved track, walking the pages 50 at a time.
    public func allSavedTracks(market: String? = nil) -> PagedItems<SavedTrack> { allSaved("tracks", market: market) }

    /// One page of the user's saved albums: `GET /me/albums`. Scope `user-library-read`.
    /// Reference: [Get User's Saved Albums](https://developer.spotify.com/documentation/web-api/reference/get-users-saved-albums).
    /// - Parameters: as ``savedTracks(limit:offset:market:)``.
    public func savedAlbums(limit: Int = 20, offset: Int = 0, market: String? = nil) async throws -> Page<SavedAlbum> {
        try await savedPage("albums", limit: limit, offset: offset, market: market)
    }

    /// Every saved album, walking the pages 50 at a time.
    public func allSavedAlbums(market: String? = nil) -> PagedItems<SavedAlbum> { allSaved("albums", market: market) }

    /// One page of the user's saved episodes: `GET /me/episodes`. Scopes `user-library-read`
    /// (and `user-read-playback-position` for resume points).
    /// Reference: [Get User's Saved Episodes](https://developer.spotify.com/documentation/web-api/reference/get-users-saved-episodes).
    public func savedEpisodes(limit: Int = 20, offset: Int = 0, market: String? = nil) async throws -> Page<SavedEpisode> {
        try await savedPage("episodes", limit: limit, offset: offset, market: market)
    }

    /// Every saved episode, walking the pages 50 at a time.
    public func allSavedEpisodes(market: String? = nil) -> PagedItems<SavedEpisode> { allSaved("episodes", market: market) }

    /// One page of the shows the user follows: `GET /me/shows`. Scope `user-library-read`.
    /// Reference: [Get User's Saved Shows](https://developer.spotify.com/documentation/web-api/reference/get-users-saved-shows).
    public func savedShows(limit: Int = 20, offset: Int = 0) async throws -> Page<SavedShow> {
        try await savedPage("shows", limit: limit, offset: offset, market: nil)
    }

    /// Every saved show, walking the pages 50 at a time.
    public func allSavedShows() -> PagedItems<SavedShow> { allSaved("shows", market: nil) }

    /// One page of the user's saved audiobooks: `GET /me/audiobooks`. Scope `user-library-read`.
    /// Reference: [Get User's Saved Audiobooks](https://developer.spotify.com/documentation/web-api/reference/get-users-saved-audiobooks).
    public func savedAudiobooks(limit: Int = 20, offset: Int = 0) async throws -> Page<SavedAudiobook> {
        try await savedPage("audiobooks", limit: limit, offset: offset, market: nil)
    }

    /// Every saved audiobook, walking the pages 50 at a time.
    public func allSavedAudiobooks() -> PagedItems<SavedAudiobook> { allSaved("audiobooks", market: nil) }

    private func savedPage<Item: Codable & Sendable>(_ kind: String, limit: Int, offset: Int, market: String?) async throws -> Page<Item> {
        try SpotifyRequest.checkLimit(limit)
        try SpotifyRequest.checkOffset(offset)
        return try await send(Self.savedRequest(kind, limit: limit, offset: offset, market: market))
    }

    private func allSaved<Item: Codable & Sendable>(_ kind: String, market: String?) -> PagedItems<Item> {
        paged { offset, limit in Self.savedRequest(kind, limit: limit, offset: offset, market: market) }
    }

    private static func savedRequest(_ kind: String, limit: Int, offset: Int, market: String?) -> SpotifyRequest {
        let name: String =
            switch kind {
            case "tracks": "GET /me/tracks"
            case "albums": "GET /me/albums"
            case "episodes": "GET /me/episodes"
            case "shows": "GET /me/shows"
            default: "GET /me/audiobooks"
            }
        return SpotifyRequest(
            path: "me/\(kind)", query: [("limit", String(limit)), ("offset", String(offset))] + Self.market(market),
            requiredScopes: [.userLibraryRead], endpointName: name)
    }
}

extension SpotifyClient where Authorization: UserAuthorization {
    /// Saves items to the user's library: `PUT /me/library`, 40 URIs per request (February 2026).
    ///
    /// One endpoint for every kind: tracks, albums, episodes, shows and audiobooks (scope
    /// `user-library-modify`), artists and users to follow (`user-follow-modify`), playlists to
    /// follow (`playlist-modify-public`). Sent in order; a failure part-way throws, and the
    /// chunks before it stay saved.
    /// Reference: [Save Items to Library](https://developer.spotify.com/documentation/web-api/reference/save-library-items).
    public func saveToLibrary(_ uris: [SpotifyURI]) async throws {
        for chunk in Self.chunks(uris, of: 40) {
            _ = try await send(Self.libraryRequest(.put, Array(chunk), endpointName: "PUT /me/library", write: true))
        }
    }

    /// Removes items from the user's library: `DELETE /me/library`, 40 URIs per request; scopes
    /// as for ``saveToLibrary(_:)``.
    /// Reference: [Remove Items from Library](https://developer.spotify.com/documentation/web-api/reference/remove-library-items).
    public func removeFromLibrary(_ uris: [SpotifyURI]) async throws {
        for chunk in Self.chunks(uris, of: 40) {
            _ = try await send(Self.libraryRequest(.delete, Array(chunk), endpointName: "DELETE /me/library", write: true))
        }
    }

    /// Whether each item is in the user's library (saved or followed): `GET /me/library/contains`,
    /// 40 URIs per request, answers in order. Scopes `user-library-read`, `user-follow-read`
    /// (artists, users) or `playlist-read-private` (playlists), by kind.
    /// Reference: [Check User's Saved Items](https://developer.spotify.com/documentation/web-api/reference/check-library-contains).
    public func libraryContains(_ uris: [SpotifyURI]) async throws -> [Bool] {
        var answers: [Bool] = []
        for chunk in Self.chunks(uris, of: 40) {
            answers += try await send(
                Self.libraryRequest(.get, Array(chunk), endpointName: "GET /me/library/contains", write: false), as: [Bool].self)
        }
        return answers
    }

    private static func libraryRequest(_ method: HTTPRequest.Method, _ uris: [SpotifyURI], endpointName: String, write: Bool) -> SpotifyRequest {
        let scopes = Set(
            uris.map { uri -> Scope in
                switch uri.type {
                case .artist, .user: write ? .userFollowModify : .userFollowRead
                case .playlist: write ? .playlistModifyPublic : .playlistReadPrivate
                default: write ? .userLibraryModify : .userLibraryRead
                }
            })
        return SpotifyRequest(
            method: method, path: method == .get ? "me/library/contains" : "me/library",
            query: [("uris", uris.map(\.description).joined(separator: ","))], requiredScopes: scopes, endpointName: endpointName)
    }
}
