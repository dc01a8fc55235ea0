import HTTPTypes

extension SpotifyClient where Authorization: UserAuthorization {
    /// One page of the artists the user follows: `GET /me/following?type=artist`, cursor paged.
    /// Scope `user-follow-read`.
    /// Reference: [Get Followed Artists](https://developer.spotify.com/documentation/web-api/reference/get-followed).
    /// - Parameters:
    ///   - limit: 1…50, default 20.
    ///   - after: The last artist of the previous page.
    public func followedArtists(limit: Int = 20, after: ArtistID? = nil) async throws -> CursorPage<Artist> {
        try SpotifyRequest.checkLimit(limit)
        let answer: FollowedArtists = try await send(Self.followedRequest(limit: limit, after: after))
        return answer.artists
    }

    /// Every followed artist, following the cursor 50 at a time.
    public func allFollowedArtists() -> CursorPagedItems<Artist> {
        let client = self
        return CursorPagedItems(
            firstPage: { try await client.followedArtists(limit: 50) },
            pageAtURL: { url in
                let answer: FollowedArtists = try await client.send(
                    SpotifyRequest(url: url, requiredScopes: [.userFollowRead], endpointName: "GET /me/following"))
                return answer.artists
            }
        )
    }

    private static func followedRequest(limit: Int, after: ArtistID?) -> SpotifyRequest {
        var query = [("type", "artist"), ("limit", String(limit))]
        if let after { query.append(("after", after.rawValue)) }
        return SpotifyRequest(path: "me/following", query: query, requiredScopes: [.userFollowRead], endpointName: "GET /me/following")
    }

    /// Follows artists: `PUT /me/following?type=artist`, 50 per request. Scope `user-follow-modify`.
    /// Reference: [Follow Artists or Users](https://developer.spotify.com/documentation/web-api/reference/follow-artists-users).
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026: use saveToLibrary(_:) with artist URIs")
    public func follow(artists: [ArtistID]) async throws { try await follows(.put, "artist", artists, name: "PUT /me/following") }

    /// Follows users: `PUT /me/following?type=user`, 50 per request. Scope `user-follow-modify`.
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026: use saveToLibrary(_:) with user URIs")
    public func follow(users: [UserID]) async throws { try await follows(.put, "user", users, name: "PUT /me/following") }

    /// Unfollows artists: `DELETE /me/following?type=artist`, 50 per request. Scope `user-follow-modify`.
    /// Reference: [Unfollow Artists or Users](https://developer.spotify.com/documentation/web-api/reference/unfollow-artists-users).
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026: use removeFromLibrary(_:) with artist URIs")
    public func unfollow(artists: [ArtistID]) async throws { try await follows(.delete, "artist", artists, name: "DELETE /me/following") }

    /// Unfollows users: `DELETE /me/following?type=user`, 50 per request. Scope `user-follow-modify`.
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026: use removeFromLibrary(_:) with user URIs")
    public func unfollow(users: [UserID]) async throws { try await follows(.delete, "user", users, name: "DELETE /me/following") }

    /// Whether the user follows each artist: `GET /me/following/contains?type=artist`, in order.
    /// Scope `user-follow-read`.
    /// Reference: [Check If User Follows Artists or Users](https://developer.spotify.com/documentation/web-api/reference/check-current-user-follows).
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026: use libraryContains(_:) with artist URIs")
    public func followsArtists(_ artists: [ArtistID]) async throws -> [Bool] { try await followsContain("artist", artists) }

    /// Whether the user follows each user: `GET /me/following/contains?type=user`, in order.
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026: use libraryContains(_:) with user URIs")
    public func followsUsers(_ users: [UserID]) async throws -> [Bool] { try await followsContain("user", users) }

    private func follows<Kind>(_ method: HTTPRequest.Method, _ type: String, _ ids: [SpotifyID<Kind>], name: String) async throws {
        for chunk in Self.chunks(ids, of: 50) {
            _ = try await send(
                SpotifyRequest(
                    method: method, path: "me/following", query: [("type", type), ("ids", chunk.map(\.rawValue).joined(separator: ","))],
                    requiredScopes: [.userFollowModify], endpointName: name, developmentMode: .removed(replacement: "PUT /me/library")))
        }
    }

    private func followsContain<Kind>(_ type: String, _ ids: [SpotifyID<Kind>]) async throws -> [Bool] {
        var answers: [Bool] = []
        for chunk in Self.chunks(ids, of: 50) {
            answers += try await send(
                SpotifyRequest(
                    path: "me/following/contains", query: [("type", type), ("ids", chunk.map(\.rawValue).joined(separator: ","))],
                    requiredScopes: [.userFollowRead], endpointName: "GET /me/following/contains",
                    developmentMode: .removed(replacement: "GET /me/library/contains")), as: [Bool].self)
        }
        return answers
    }

    /// Follows a playlist: `PUT /playlists/{playlist_id}/followers`. Scope
    /// `playlist-modify-public` (or `-private` with `isPublic: false`).
    /// Reference: [Follow Playlist](https://developer.spotify.com/documentation/web-api/reference/follow-playlist).
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026: use saveToLibrary(_:) with the playlist's URI")
    public func followPlaylist(_ id: PlaylistID, isPublic: Bool = true) async throws {
        _ = try await send(
            SpotifyRequest(
                method: .put, path: "playlists/\(Self.segment(id.rawValue))/followers", jsonBody: try Self.json(["public": isPublic]),
                alternativeScopes: [.playlistModifyPublic, .playlistModifyPrivate], endpointName: "PUT /playlists/{playlist_id}/followers",
                developmentMode: .removed(replacement: "PUT /me/library")))
    }

    /// Unfollows a playlist: `DELETE /playlists/{playlist_id}/followers`.
    /// Reference: [Unfollow Playlist](https://developer.spotify.com/documentation/web-api/reference/unfollow-playlist).
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026: use removeFromLibrary(_:) with the playlist's URI")
    public func unfollowPlaylist(_ id: PlaylistID) async throws {
        _ = try await send(
            SpotifyRequest(
                method: .delete, path: "playlists/\(Self.segment(id.rawValue))/followers",
                alternativeScopes: [.playlistModifyPublic, .playlistModifyPrivate], endpointName: "DELETE /playlists/{playlist_id}/followers",
                developmentMode: .removed(replacement: "DELETE /me/library")))
    }

    /// Whether a user (since 2024 only the current one can be asked about) follows a playlist:
    /// `GET /playlists/{playlist_id}/followers/contains`.
    /// Reference: [Check if Current User Follows Playlist](https://developer.spotify.com/documentation/web-api/reference/check-if-user-follows-playlist).
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026: use libraryContains(_:) with the playlist's URI")
    public func follows(playlist id: PlaylistID, user: UserID) async throws -> Bool {
        let answer: [Bool] = try await send(
            SpotifyRequest(
                path: "playlists/\(Self.segment(id.rawValue))/followers/contains", query: [("ids", user.rawValue)],
                endpointName: "GET /playlists/{playlist_id}/followers/contains", developmentMode: .removed(replacement: "GET /me/library/contains")))
        return answer.first ?? false
    }
}

/// `{"artists": {cursor page}}`.
private struct FollowedArtists: Decodable, Sendable {
    var artists: CursorPage<Artist>
}
