import Foundation
import HTTPTypes
import NIOCore

extension SpotifyClient where Authorization: UserAuthorization {
    /// Changes a playlist's name, visibility, collaboration or description:
    /// `PUT /playlists/{playlist_id}`. Only what is given changes. Scope `playlist-modify-public`
    /// or `playlist-modify-private`, by the playlist.
    /// Reference: [Change Playlist Details](https://developer.spotify.com/documentation/web-api/reference/change-playlist-details).
    public func changePlaylistDetails(
        _ id: PlaylistID, name: String? = nil, isPublic: Bool? = nil, collaborative: Bool? = nil, description: String? = nil
    ) async throws {
        guard name.map({ !$0.isEmpty }) ?? true else {
            throw SpotifyAPIError(code: .invalidRequest, message: "a playlist needs a name", parameter: "name")
        }
        guard !(collaborative == true && isPublic == true) else {
            throw SpotifyAPIError(code: .invalidRequest, message: "a collaborative playlist must be private", parameter: "collaborative")
        }
        let body = try Self.json(PlaylistDetails(name: name, isPublic: isPublic, collaborative: collaborative, description: description))
        _ = try await send(
            SpotifyRequest(
                method: .put, path: "playlists/\(Self.segment(id.rawValue))", jsonBody: body,
                alternativeScopes: [.playlistModifyPublic, .playlistModifyPrivate], endpointName: "PUT /playlists/{playlist_id}"))
    }

    /// Moves a run of items: `PUT /playlists/{playlist_id}/items` with `range_start`,
    /// `insert_before` and `range_length` (positions as they are before the move).
    /// Reference: [Update Playlist Items](https://developer.spotify.com/documentation/web-api/reference/reorder-or-replace-playlists-items).
    /// - Returns: The new snapshot id.
    @discardableResult
    public func reorderPlaylistItems(
        _ id: PlaylistID, rangeStart: Int, insertBefore: Int, rangeLength: Int = 1, snapshotID: String? = nil
    ) async throws
        -> String
    {
        guard rangeStart >= 0, insertBefore >= 0, rangeLength >= 1 else {
            throw SpotifyAPIError(code: .invalidRequest, message: "positions must be 0 or more and the length at least 1", parameter: "range_start")
        }
        let body = try Self.json(Reorder(rangeStart: rangeStart, insertBefore: insertBefore, rangeLength: rangeLength, snapshotID: snapshotID))
        let snapshot: PlaylistSnapshot = try await send(Self.itemsRequest(.put, id, body: body, endpointName: "PUT /playlists/{playlist_id}/items"))
        return snapshot.snapshotID
    }

    /// Replaces every item: `PUT /playlists/{playlist_id}/items` with the first 100 URIs, then
    /// `POST` for the rest in chunks of 100 (Spotify takes 100 per request). An empty list
    /// empties the playlist.
    /// Reference: [Update Playlist Items](https://developer.spotify.com/documentation/web-api/reference/reorder-or-replace-playlists-items).
    /// - Returns: The snapshot id after the last request.
    @discardableResult
    public func replacePlaylistItems(_ id: PlaylistID, with uris: [SpotifyURI]) async throws -> String {
        let first = try Self.json(["uris": uris.prefix(100).map(\.description)])
        let snapshot: PlaylistSnapshot = try await send(Self.itemsRequest(.put, id, body: first, endpointName: "PUT /playlists/{playlist_id}/items"))
        guard uris.count > 100 else { return snapshot.snapshotID }
        return try await addItems(Array(uris.dropFirst(100)), to: id).last ?? snapshot.snapshotID
    }

    /// Removes every occurrence of the given items: `DELETE /playlists/{playlist_id}/items`, 100
    /// per request. A `snapshotID` makes Spotify apply the removal to that version.
    /// Reference: [Remove Playlist Items](https://developer.spotify.com/documentation/web-api/reference/remove-items-playlist).
    /// - Returns: The snapshot id after each chunk.
    @discardableResult
    public func removePlaylistItems(_ uris: [SpotifyURI], from id: PlaylistID, snapshotID: String? = nil) async throws -> [String] {
        var snapshots: [String] = []
        for chunk in Self.chunks(uris, of: 100) {
            let body = try Self.json(RemoveItems(items: chunk.map { .init(uri: $0.description) }, snapshotID: snapshotID))
            let snapshot: PlaylistSnapshot = try await send(
                Self.itemsRequest(.delete, id, body: body, endpointName: "DELETE /playlists/{playlist_id}/items"))
            snapshots.append(snapshot.snapshotID)
        }
        return snapshots
    }

    static func itemsRequest(_ method: HTTPRequest.Method, _ id: PlaylistID, body: ByteBuffer, endpointName: String) -> SpotifyRequest {
        SpotifyRequest(
            method: method, path: "playlists/\(segment(id.rawValue))/items", jsonBody: body,
            alternativeScopes: [.playlistModifyPublic, .playlistModifyPrivate], endpointName: endpointName)
    }

    /// One page of the playlists the user owns or follows: `GET /me/playlists`. Scope
    /// `playlist-read-private` for private ones. Items come as a count and a link.
    /// Reference: [Get Current User's Playlists](https://developer.spotify.com/documentation/web-api/reference/get-a-list-of-current-users-playlists).
    /// - Parameters:
    ///   - limit: 1…50, default 20.
    ///   - offset: 0…100,000.
    public func currentUserPlaylists(limit: Int = 20, offset: Int = 0) async throws -> Page<Playlist> {
        try SpotifyRequest.checkLimit(limit)
        try SpotifyRequest.checkOffset(offset)
        return try await send(Self.myPlaylistsRequest(limit: limit, offset: offset))
    }

    /// Every playlist the user owns or follows, walking the pages 50 at a time.
    public func allCurrentUserPlaylists() -> PagedItems<Playlist> {
        paged { offset, limit in Self.myPlaylistsRequest(limit: limit, offset: offset) }
    }

    private static func myPlaylistsRequest(limit: Int, offset: Int) -> SpotifyRequest {
        SpotifyRequest(path: "me/playlists", query: [("limit", String(limit)), ("offset", String(offset))], endpointName: "GET /me/playlists")
    }

    /// Sets a playlist's cover: `PUT /playlists/{playlist_id}/images` with the JPEG base64
    /// encoded, at most 256 KB once encoded (checked before sending). Scopes `ugc-image-upload`
    /// and `playlist-modify-public` or `-private`.
    /// Reference: [Add Custom Playlist Cover Image](https://developer.spotify.com/documentation/web-api/reference/upload-custom-playlist-cover).
    public func uploadPlaylistCover(_ id: PlaylistID, jpeg: Data) async throws {
        guard jpeg.starts(with: [0xFF, 0xD8]) else {
            throw SpotifyAPIError(code: .invalidRequest, message: "the cover must be a JPEG", parameter: "image")
        }
        let encoded = jpeg.base64EncodedString()
        guard encoded.utf8.count <= 256 * 1024 else {
            throw SpotifyAPIError(
                code: .invalidRequest, message: "the cover is \(encoded.utf8.count / 1024) KB encoded; Spotify takes at most 256 KB",
                parameter: "image")
        }
        var request = SpotifyRequest(
            method: .put, path: "playlists/\(Self.segment(id.rawValue))/images", jsonBody: ByteBuffer(string: encoded),
            requiredScopes: [.ugcImageUpload],
            alternativeScopes: [.playlistModifyPublic, .playlistModifyPrivate], endpointName: "PUT /playlists/{playlist_id}/images")
        request.bodyContentType = "image/jpeg"
        _ = try await send(request)
    }
}

extension SpotifyClient {
    /// A playlist's cover images: `GET /playlists/{playlist_id}/images`. An uploaded cover has
    /// no known size; a generated mosaic comes in three.
    /// Reference: [Get Playlist Cover Image](https://developer.spotify.com/documentation/web-api/reference/get-playlist-cover).
    public func playlistCoverImages(_ id: PlaylistID) async throws -> [SpotifyImage] {
        try await send(SpotifyRequest(path: "playlists/\(Self.segment(id.rawValue))/images", endpointName: "GET /playlists/{playlist_id}/images"))
    }
}

private struct PlaylistDetails: Encodable {
    var name: String?
    var isPublic: Bool?
    var collaborative: Bool?
    var description: String?

    enum CodingKeys: String, CodingKey {
        case name, collaborative, description
        case isPublic = "public"
    }
}

private struct Reorder: Encodable {
    var rangeStart: Int
    var insertBefore: Int
    var rangeLength: Int
    var snapshotID: String?

    enum CodingKeys: String, CodingKey {
        case rangeStart = "range_start"
        case insertBefore = "insert_before"
        case rangeLength = "range_length"
        case snapshotID = "snapshot_id"
    }
}

private struct RemoveItems: Encodable {
    struct Item: Encodable { var uri: String }
    var items: [Item]
    var snapshotID: String?

    enum CodingKeys: String, CodingKey {
        case items
        case snapshotID = "snapshot_id"
    }
}
