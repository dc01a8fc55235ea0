extension SpotifyClient where Authorization: UserAuthorization {
    /// Creates a playlist for the user: `POST /me/playlists` (February 2026).
    /// Scope `playlist-modify-public` or `playlist-modify-private`, as `isPublic` says.
    /// Reference: [Create Playlist](https://developer.spotify.com/documentation/web-api/reference/create-playlist).
    /// - Parameters:
    ///   - name: The playlist's name.
    ///   - isPublic: `false` for a private playlist (needs `playlist-modify-private`).
    ///   - collaborative: Needs `isPublic == false`.
    ///   - description: Shown under the name.
    public func createPlaylist(name: String, isPublic: Bool = false, collaborative: Bool = false, description: String? = nil) async throws -> Playlist
    {
        guard !name.isEmpty else {
            throw SpotifyAPIError(code: .invalidRequest, message: "a playlist needs a name")
        }
        guard !(collaborative && isPublic) else {
            throw SpotifyAPIError(code: .invalidRequest, message: "a collaborative playlist must be private")
        }
        let body = try Self.json(CreatePlaylistBody(name: name, isPublic: isPublic, collaborative: collaborative, description: description))
        return try await send(
            SpotifyRequest(
                method: .post,
                path: "me/playlists",
                jsonBody: body,
                requiredScopes: [isPublic ? .playlistModifyPublic : .playlistModifyPrivate],
                endpointName: "POST /me/playlists"
            ))
    }
}

extension SpotifyClient where Authorization: UserAuthorization {
    /// Adds items to a playlist: `POST /playlists/{id}/items`, 100 URIs per request.
    /// Scope `playlist-modify-public` or `playlist-modify-private` (which one depends on the
    /// playlist). Reference: [Add Items to Playlist](https://developer.spotify.com/documentation/web-api/reference/add-tracks-to-playlist).
    ///
    /// Items are sent in order, in as many requests as needed. A failure part-way throws, and
    /// the chunks sent before it stay added (Spotify has no transaction across requests).
    /// - Parameters:
    ///   - uris: Tracks and episodes.
    ///   - playlistID: The playlist.
    ///   - position: Where to insert the first item; appended when `nil`.
    /// - Returns: The snapshot id after each chunk.
    @discardableResult
    public func addItems(_ uris: [SpotifyURI], to playlistID: PlaylistID, position: Int? = nil) async throws -> [String] {
        guard !uris.isEmpty else { return [] }
        var snapshots: [String] = []
        var offset = 0
        while offset < uris.count {
            let chunk = Array(uris[offset..<min(offset + 100, uris.count)])
            let body = try Self.json(AddItemsBody(uris: chunk.map(\.description), position: position.map { $0 + offset }))
            let snapshot: PlaylistSnapshot = try await send(
                SpotifyRequest(
                    method: .post,
                    path: "playlists/\(Self.segment(playlistID.rawValue))/items",
                    jsonBody: body,
                    alternativeScopes: [.playlistModifyPublic, .playlistModifyPrivate],
                    endpointName: "POST /playlists/{playlist_id}/items"
                ))
            snapshots.append(snapshot.snapshotID)
            offset += chunk.count
        }
        return snapshots
    }

    /// One page of a playlist's items: `GET /playlists/{id}/items`. Scope `playlist-read-private`;
    /// since February 2026 only for playlists the user owns or collaborates on (otherwise 403).
    /// Reference: [Get Playlist Items](https://developer.spotify.com/documentation/web-api/reference/get-playlists-tracks).
    public func playlistItems(id: PlaylistID, limit: Int = 50, offset: Int = 0) async throws -> Page<PlaylistItem> {
        try SpotifyRequest.checkLimit(limit, range: 1...50)
        try SpotifyRequest.checkOffset(offset)
        return try await send(Self.playlistItemsRequest(id, limit: limit, offset: offset))
    }

    /// Every item of a playlist the user owns or collaborates on, walking the pages 50 at a time.
    public func allPlaylistItems(id: PlaylistID) -> PagedItems<PlaylistItem> {
        paged { offset, limit in Self.playlistItemsRequest(id, limit: limit, offset: offset) }
    }

    private static func playlistItemsRequest(_ id: PlaylistID, limit: Int, offset: Int) -> SpotifyRequest {
        SpotifyRequest(
            path: "playlists/\(segment(id.rawValue))/items", query: [("limit", String(limit)), ("offset", String(offset))],
            requiredScopes: [.playlistReadPrivate], endpointName: "GET /playlists/{playlist_id}/items")
    }
}

extension SpotifyClient {
    /// A playlist: `GET /playlists/{id}`. No scope: an app token may read a public playlist.
    /// Reference: [Get Playlist](https://developer.spotify.com/documentation/web-api/reference/get-playlist).
    public func playlist(id: PlaylistID, market: String? = nil) async throws -> Playlist {
        try await send(
            SpotifyRequest(
                path: "playlists/\(Self.segment(id.rawValue))",
                query: Self.market(market),
                endpointName: "GET /playlists/{playlist_id}"
            ))
    }
}

extension SpotifyClient where Authorization: UserAuthorization {
    /// Saves the user's top tracks for a range as a new private playlist: their top tracks,
    /// then `POST /me/playlists`, then the tracks added in order. Scopes `user-top-read` and
    /// `playlist-modify-private`.
    ///
    /// Only tracks are added (a local file's `spotify:local:` URI cannot be). A failure after
    /// the playlist is created throws, and the playlist stays, possibly empty.
    /// - Parameters:
    ///   - timeRange: The period of the top list.
    ///   - limit: How many top tracks, 1…50.
    ///   - name: The playlist's name.
    ///   - description: The description, given how many tracks were found.
    /// - Returns: The playlist and how many tracks it got.
    public func saveTopTracksAsPlaylist(
        timeRange: TimeRange, limit: Int = 20, name: String, description: (_ trackCount: Int) -> String? = { _ in nil }
    ) async throws -> (playlist: Playlist, trackCount: Int) {
        let top = try await currentUserTopTracks(timeRange: timeRange, limit: limit)
        let uris = top.items.compactMap { try? SpotifyURI($0.uri) }.filter { $0.type == .track }
        let playlist = try await createPlaylist(name: name, isPublic: false, description: description(uris.count))
        if !uris.isEmpty { try await addItems(uris, to: playlist.id) }
        return (playlist, uris.count)
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
