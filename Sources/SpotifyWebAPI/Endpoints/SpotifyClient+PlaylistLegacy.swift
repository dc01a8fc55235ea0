import HTTPTypes
import NIOCore

/// Playlist and user endpoints development-mode apps lost in February 2026 (`/tracks` became
/// `/items`; other users' profiles and playlists are gone). On such an app they fail before
/// sending, naming the replacement.
extension SpotifyClient where Authorization: UserAuthorization {
    /// One page of a playlist's items: `GET /playlists/{playlist_id}/tracks`.
    /// Reference: [Get Playlist Items (tracks)](https://developer.spotify.com/documentation/web-api/reference/get-playlists-tracks).
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026: use playlistItems(id:limit:offset:)")
    public func playlistTracks(id: PlaylistID, limit: Int = 50, offset: Int = 0) async throws -> Page<PlaylistItem> {
        try SpotifyRequest.checkLimit(limit)
        try SpotifyRequest.checkOffset(offset)
        return try await send(Self.playlistTracksRequest(id, limit: limit, offset: offset))
    }

    /// Every item of a playlist by the old path, walking the pages 50 at a time.
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026: use allPlaylistItems(id:)")
    public func allPlaylistTracks(id: PlaylistID) -> PagedItems<PlaylistItem> {
        paged { offset, limit in Self.playlistTracksRequest(id, limit: limit, offset: offset) }
    }

    private static func playlistTracksRequest(_ id: PlaylistID, limit: Int, offset: Int) -> SpotifyRequest {
        SpotifyRequest(
            path: "playlists/\(segment(id.rawValue))/tracks", query: [("limit", String(limit)), ("offset", String(offset))],
            requiredScopes: [.playlistReadPrivate], endpointName: "GET /playlists/{playlist_id}/tracks",
            developmentMode: .removed(replacement: "GET /playlists/{playlist_id}/items"))
    }

    /// Adds up to 100 items: `POST /playlists/{playlist_id}/tracks`.
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026: use addItems(_:to:position:)")
    public func addTracks(_ uris: [SpotifyURI], to id: PlaylistID) async throws -> String {
        try await legacyItems(
            .post, id, body: try Self.json(["uris": uris.prefix(100).map(\.description)]), name: "POST /playlists/{playlist_id}/tracks")
    }

    /// Replaces the items with up to 100: `PUT /playlists/{playlist_id}/tracks`.
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026: use replacePlaylistItems(_:with:)")
    public func replaceTracks(_ id: PlaylistID, with uris: [SpotifyURI]) async throws -> String {
        try await legacyItems(
            .put, id, body: try Self.json(["uris": uris.prefix(100).map(\.description)]), name: "PUT /playlists/{playlist_id}/tracks")
    }

    /// Removes up to 100 items: `DELETE /playlists/{playlist_id}/tracks`.
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026: use removePlaylistItems(_:from:snapshotID:)")
    public func removeTracks(_ uris: [SpotifyURI], from id: PlaylistID) async throws -> String {
        try await legacyItems(
            .delete, id, body: try Self.json(["tracks": uris.prefix(100).map { ["uri": $0.description] }]),
            name: "DELETE /playlists/{playlist_id}/tracks")
    }

    private func legacyItems(_ method: HTTPRequest.Method, _ id: PlaylistID, body: ByteBuffer, name: String) async throws -> String {
        var request = Self.itemsRequest(method, id, body: body, endpointName: name)
        request.target = .path("playlists/\(Self.segment(id.rawValue))/tracks")
        request.developmentMode = .removed(replacement: name.replacingOccurrences(of: "/tracks", with: "/items"))
        let snapshot: PlaylistSnapshot = try await send(request)
        return snapshot.snapshotID
    }

    /// Creates a playlist for the signed-in user named by ID: `POST /users/{user_id}/playlists`.
    /// Reference: [Create Playlist (for user)](https://developer.spotify.com/documentation/web-api/reference/create-playlist-for-user).
    @available(
        *, deprecated, message: "Removed for development-mode apps in February 2026: use createPlaylist(name:isPublic:collaborative:description:)"
    )
    public func createPlaylist(for user: UserID, name: String, isPublic: Bool = false, description: String? = nil) async throws -> Playlist {
        guard !name.isEmpty else { throw SpotifyAPIError(code: .invalidRequest, message: "a playlist needs a name", parameter: "name") }
        let body = try Self.json(LegacyPlaylist(name: name, isPublic: isPublic, description: description))
        return try await send(
            SpotifyRequest(
                method: .post, path: "users/\(Self.segment(user.rawValue))/playlists", jsonBody: body,
                requiredScopes: [isPublic ? .playlistModifyPublic : .playlistModifyPrivate], endpointName: "POST /users/{user_id}/playlists",
                developmentMode: .removed(replacement: "POST /me/playlists")))
    }
}

extension SpotifyClient {
    /// Another user's public profile: `GET /users/{user_id}`.
    /// Reference: [Get User's Profile](https://developer.spotify.com/documentation/web-api/reference/get-users-profile).
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026, with no replacement")
    public func userProfile(id: UserID) async throws -> PublicUser {
        try await send(
            SpotifyRequest(
                path: "users/\(Self.segment(id.rawValue))", endpointName: "GET /users/{user_id}", developmentMode: .removed(replacement: nil)))
    }

    /// One page of another user's public playlists: `GET /users/{user_id}/playlists`.
    /// Reference: [Get User's Playlists](https://developer.spotify.com/documentation/web-api/reference/get-list-users-playlists).
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026, with no replacement")
    public func userPlaylists(id: UserID, limit: Int = 20, offset: Int = 0) async throws -> Page<Playlist> {
        try SpotifyRequest.checkLimit(limit)
        try SpotifyRequest.checkOffset(offset)
        return try await send(Self.userPlaylistsRequest(id, limit: limit, offset: offset))
    }

    /// Every public playlist of another user, walking the pages 50 at a time.
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026, with no replacement")
    public func allUserPlaylists(id: UserID) -> PagedItems<Playlist> {
        paged { offset, limit in Self.userPlaylistsRequest(id, limit: limit, offset: offset) }
    }

    private static func userPlaylistsRequest(_ id: UserID, limit: Int, offset: Int) -> SpotifyRequest {
        SpotifyRequest(
            path: "users/\(segment(id.rawValue))/playlists", query: [("limit", String(limit)), ("offset", String(offset))],
            endpointName: "GET /users/{user_id}/playlists", developmentMode: .removed(replacement: nil))
    }
}

private struct LegacyPlaylist: Encodable {
    var name: String
    var isPublic: Bool
    var description: String?

    enum CodingKeys: String, CodingKey {
        case name, description
        case isPublic = "public"
    }
}
