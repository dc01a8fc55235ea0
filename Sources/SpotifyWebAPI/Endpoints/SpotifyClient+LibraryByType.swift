import HTTPTypes

/// The type-specific library endpoints development-mode apps lost in February 2026; on such an
/// app they fail before sending and name `/me/library`.
extension SpotifyClient where Authorization: UserAuthorization {
    /// Saves tracks: `PUT /me/tracks`, 50 per request. Scope `user-library-modify`.
    /// Reference: [Save Tracks for Current User](https://developer.spotify.com/documentation/web-api/reference/save-tracks-user).
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026: use saveToLibrary(_:)")
    public func saveTracks(_ ids: [TrackID]) async throws { try await change(.put, "tracks", ids, chunk: 50, name: "PUT /me/tracks") }
    /// Removes saved tracks: `DELETE /me/tracks`, 50 per request. Scope `user-library-modify`.
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026: use removeFromLibrary(_:)")
    public func removeSavedTracks(_ ids: [TrackID]) async throws { try await change(.delete, "tracks", ids, chunk: 50, name: "DELETE /me/tracks") }
    /// Whether each track is saved: `GET /me/tracks/contains`, in order. Scope `user-library-read`.
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026: use libraryContains(_:)")
    public func savedTracksContain(_ ids: [TrackID]) async throws -> [Bool] {
        try await contains("tracks", ids, chunk: 50, name: "GET /me/tracks/contains")
    }

    /// Saves albums: `PUT /me/albums`, 20 per request. Scope `user-library-modify`.
    /// Reference: [Save Albums for Current User](https://developer.spotify.com/documentation/web-api/reference/save-albums-user).
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026: use saveToLibrary(_:)")
    public func saveAlbums(_ ids: [AlbumID]) async throws { try await change(.put, "albums", ids, chunk: 20, name: "PUT /me/albums") }
    /// Removes saved albums: `DELETE /me/albums`, 20 per request. Scope `user-library-modify`.
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026: use removeFromLibrary(_:)")
    public func removeSavedAlbums(_ ids: [AlbumID]) async throws { try await change(.delete, "albums", ids, chunk: 20, name: "DELETE /me/albums") }
    /// Whether each album is saved: `GET /me/albums/contains`, in order. Scope `user-library-read`.
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026: use libraryContains(_:)")
    public func savedAlbumsContain(_ ids: [AlbumID]) async throws -> [Bool] {
        try await contains("albums", ids, chunk: 20, name: "GET /me/albums/contains")
    }

    /// Saves episodes: `PUT /me/episodes`, 50 per request. Scope `user-library-modify`.
    /// Reference: [Save Episodes for Current User](https://developer.spotify.com/documentation/web-api/reference/save-episodes-user).
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026: use saveToLibrary(_:)")
    public func saveEpisodes(_ ids: [EpisodeID]) async throws { try await change(.put, "episodes", ids, chunk: 50, name: "PUT /me/episodes") }
    /// Removes saved episodes: `DELETE /me/episodes`, 50 per request. Scope `user-library-modify`.
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026: use removeFromLibrary(_:)")
    public func removeSavedEpisodes(_ ids: [EpisodeID]) async throws {
        try await change(.delete, "episodes", ids, chunk: 50, name: "DELETE /me/episodes")
    }
    /// Whether each episode is saved: `GET /me/episodes/contains`, in order. Scope `user-library-read`.
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026: use libraryContains(_:)")
    public func savedEpisodesContain(_ ids: [EpisodeID]) async throws -> [Bool] {
        try await contains("episodes", ids, chunk: 50, name: "GET /me/episodes/contains")
    }

    /// Follows shows: `PUT /me/shows`, 50 per request. Scope `user-library-modify`.
    /// Reference: [Save Shows for Current User](https://developer.spotify.com/documentation/web-api/reference/save-shows-user).
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026: use saveToLibrary(_:)")
    public func saveShows(_ ids: [ShowID]) async throws { try await change(.put, "shows", ids, chunk: 50, name: "PUT /me/shows") }
    /// Unfollows shows: `DELETE /me/shows`, 50 per request. Scope `user-library-modify`.
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026: use removeFromLibrary(_:)")
    public func removeSavedShows(_ ids: [ShowID]) async throws { try await change(.delete, "shows", ids, chunk: 50, name: "DELETE /me/shows") }
    /// Whether each show is saved: `GET /me/shows/contains`, in order. Scope `user-library-read`.
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026: use libraryContains(_:)")
    public func savedShowsContain(_ ids: [ShowID]) async throws -> [Bool] {
        try await contains("shows", ids, chunk: 50, name: "GET /me/shows/contains")
    }

    /// Saves audiobooks: `PUT /me/audiobooks`, 50 per request. Scope `user-library-modify`.
    /// Reference: [Save Audiobooks for Current User](https://developer.spotify.com/documentation/web-api/reference/save-audiobooks-user).
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026: use saveToLibrary(_:)")
    public func saveAudiobooks(_ ids: [AudiobookID]) async throws { try await change(.put, "audiobooks", ids, chunk: 50, name: "PUT /me/audiobooks") }
    /// Removes saved audiobooks: `DELETE /me/audiobooks`, 50 per request. Scope `user-library-modify`.
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026: use removeFromLibrary(_:)")
    public func removeSavedAudiobooks(_ ids: [AudiobookID]) async throws {
        try await change(.delete, "audiobooks", ids, chunk: 50, name: "DELETE /me/audiobooks")
    }
    /// Whether each audiobook is saved: `GET /me/audiobooks/contains`, in order. Scope `user-library-read`.
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026: use libraryContains(_:)")
    public func savedAudiobooksContain(_ ids: [AudiobookID]) async throws -> [Bool] {
        try await contains("audiobooks", ids, chunk: 50, name: "GET /me/audiobooks/contains")
    }

    private func change<Kind>(_ method: HTTPRequest.Method, _ kind: String, _ ids: [SpotifyID<Kind>], chunk: Int, name: String) async throws {
        for slice in Self.chunks(ids, of: chunk) {
            _ = try await send(
                SpotifyRequest(
                    method: method, path: "me/\(kind)", query: [("ids", slice.map(\.rawValue).joined(separator: ","))],
                    requiredScopes: [.userLibraryModify], endpointName: name,
                    developmentMode: .removed(replacement: method == .put ? "PUT /me/library" : "DELETE /me/library")))
        }
    }

    private func contains<Kind>(_ kind: String, _ ids: [SpotifyID<Kind>], chunk: Int, name: String) async throws -> [Bool] {
        var answers: [Bool] = []
        for slice in Self.chunks(ids, of: chunk) {
            answers += try await send(
                SpotifyRequest(
                    path: "me/\(kind)/contains", query: [("ids", slice.map(\.rawValue).joined(separator: ","))], requiredScopes: [.userLibraryRead],
                    endpointName: name, developmentMode: .removed(replacement: "GET /me/library/contains")), as: [Bool].self)
        }
        return answers
    }
}
