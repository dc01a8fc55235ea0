extension SpotifyClient where Authorization: UserAuthorization {
    /// Creates a playlist for the user: `POST /me/playlists` (February 2026).
    /// Scopes `playlist-modify-public` or `playlist-modify-private`.
    /// - Parameters:
    ///   - name: The playlist's name.
    ///   - isPublic: `false` for a private playlist (needs `playlist-modify-private`).
    ///   - collaborative: Needs `isPublic == false`.
    ///   - description: Shown under the name.
    public func createPlaylist(name: String, isPublic: Bool = false, collaborative: Bool = false, description: String? = nil) async throws -> Playlist {
        guard !name.isEmpty else {
            throw SpotifyAPIError(code: .invalidRequest, message: "a playlist needs a name")
        }
        guard !(collaborative && isPublic) else {
            throw SpotifyAPIError(code: .invalidRequest, message: "a collaborative playlist must be private")
        }
        let body = try Self.json(CreatePlaylistBody(name: name, isPublic: isPublic, collaborative: collaborative, description: description))
        return try await send(SpotifyRequest(
            method: .post,
            path: "me/playlists",
            jsonBody: body,
            requiredScopes: [isPublic ? .playlistModifyPublic : .playlistModifyPrivate],
            endpointName: "POST /me/playlists"
        ))
    }
}

extension SpotifyClient {
    /// Adds items to a playlist: `POST /playlists/{id}/items`, 100 URIs per request.
    /// Scopes `playlist-modify-public` or `playlist-modify-private`.
    ///
    /// Items are sent in order, in as many requests as needed. A failure part-way throws, and
    /// the chunks sent before it stay added (Spotify has no transaction across requests).
    /// - Parameters:
    ///   - uris: `spotify:track:…` or `spotify:episode:…` URIs.
    ///   - playlistID: The playlist.
    ///   - position: Where to insert the first item; appended when `nil`.
    /// - Returns: The snapshot id after each chunk.
    @discardableResult
    public func addItems(_ uris: [String], to playlistID: String, position: Int? = nil) async throws -> [String] {
        guard !uris.isEmpty else { return [] }
        var snapshots: [String] = []
        var offset = 0
        while offset < uris.count {
            let chunk = Array(uris[offset..<min(offset + 100, uris.count)])
            let body = try Self.json(AddItemsBody(uris: chunk, position: position.map { $0 + offset }))
            let snapshot: PlaylistSnapshot = try await send(SpotifyRequest(
                method: .post,
                path: "playlists/\(Self.segment(playlistID))/items",
                jsonBody: body,
                endpointName: "POST /playlists/{id}/items"
            ))
            snapshots.append(snapshot.snapshotID)
            offset += chunk.count
        }
        return snapshots
    }

    /// A playlist: `GET /playlists/{id}`.
    public func playlist(id: String, market: String? = nil) async throws -> Playlist {
        try await send(SpotifyRequest(
            path: "playlists/\(Self.segment(id))",
            query: market.map { [("market", $0)] } ?? [],
            endpointName: "GET /playlists/{id}"
        ))
    }

    /// One page of a playlist's items: `GET /playlists/{id}/items` (own or collaborative playlists).
    public func playlistItems(id: String, limit: Int = 50, offset: Int = 0) async throws -> Page<PlaylistItem> {
        try Self.checkLimit(limit, range: 1...50)
        try Self.checkOffset(offset)
        return try await send(SpotifyRequest(
            path: "playlists/\(Self.segment(id))/items",
            query: [("limit", String(limit)), ("offset", String(offset))],
            endpointName: "GET /playlists/{id}/items"
        ))
    }
}

private struct CreatePlaylistBody: Encodable {
    var name: String
    var isPublic: Bool
    var collaborative: Bool
    var description: String?

    enum CodingKeys: String, CodingKey {
        case name, collaborative, description
        case isPublic = "public"
    }
}

private struct AddItemsBody: Encodable {
    var uris: [String]
    var position: Int?
}
