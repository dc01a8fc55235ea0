import Foundation
import Hummingbird
import NIOCore

/// Playlist details, reordering, replacing and removing items, covers, the user's playlists,
/// and the endpoints development-mode apps lost (`/tracks`, `/users/{id}/…`).
extension WebAPIController {
    func addPlaylistEditingRoutes(to router: Router<BasicRequestContext>) {
        router.put("/v1/playlists/:id", use: changeDetails)
        router.put("/v1/playlists/:id/items", use: reorderOrReplace)
        router.delete("/v1/playlists/:id/items", use: removeItems)
        router.get("/v1/playlists/:id/images", use: coverImages)
        router.put("/v1/playlists/:id/images", use: uploadCover)
        router.get("/v1/me/playlists", use: myPlaylists)
        router.get("/v1/playlists/:id/tracks") { request, context in
            try refuseInDevelopmentMode()
            return try await playlistItems(request: request, context: context, maximum: 100)
        }
        router.post("/v1/playlists/:id/tracks") { request, context in
            try refuseInDevelopmentMode()
            return try await addPlaylistItems(request: request, context: context)
        }
        router.put("/v1/playlists/:id/tracks") { request, context in
            try refuseInDevelopmentMode()
            return try await reorderOrReplace(request: request, context: context)
        }
        router.delete("/v1/playlists/:id/tracks") { request, context in
            try refuseInDevelopmentMode()
            return try await removeItems(request: request, context: context)
        }
        router.get("/v1/users/:id", use: publicUser)
        router.get("/v1/users/:id/playlists", use: usersPlaylists)
        router.post("/v1/users/:id/playlists") { request, context in
            let (_, user) = try authenticateUser(request).get()
            try refuseInDevelopmentMode()
            guard context.parameters.get("id") == user.id else {
                return SpotifyResponses.webAPIError(.forbidden, "You cannot create a playlist for another user")
            }
            return try await createPlaylist(request: request, context: context)
        }
    }

    /// The playlist of the path, which the caller may edit with the scope its visibility needs.
    func editablePlaylist(_ request: Request, _ context: BasicRequestContext) throws(ErrorResponse) -> PlaylistRecord {
        let (record, user) = try authenticateUser(request).get()
        let playlist = try lookupPlaylist(context)
        guard playlist.ownerID == user.id || playlist.collaborative else {
            throw ErrorResponse(SpotifyResponses.webAPIError(.forbidden, "Forbidden"))
        }
        guard record.scopes.contains(playlist.isPublic ? "playlist-modify-public" : "playlist-modify-private") else {
            throw ErrorResponse(SpotifyResponses.webAPIError(.forbidden, "Insufficient client scope"))
        }
        return playlist
    }

    static func jsonObject(_ request: Request, limit: Int = 256 * 1024) async throws -> [String: Any] {
        let body = try await request.body.collect(upTo: limit)
        if body.readableBytes == 0 { return [:] }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] else {
            throw ErrorResponse(SpotifyResponses.webAPIError(.badRequest, "Error parsing JSON."))
        }
        return object
    }

    /// Applies a change to a stored playlist, counts a new snapshot, and answers its id.
    func commit(_ id: String, _ change: (inout PlaylistRecord) -> String?) -> Response {
        let outcome: Result<String, ErrorResponse> = state.storage.withLock { storage in
            guard var playlist = storage.playlists[id] else {
                return .failure(ErrorResponse(SpotifyResponses.webAPIError(.notFound, "Resource not found")))
            }
            if let problem = change(&playlist) { return .failure(ErrorResponse(SpotifyResponses.webAPIError(.badRequest, problem))) }
            playlist.snapshot += 1
            storage.playlists[id] = playlist
            return .success(Self.snapshotID(playlist))
        }
        switch outcome {
        case .success(let snapshot): return SpotifyResponses.json(JSONValue.object([("snapshot_id", .string(snapshot))]).serialized)
        case .failure(let error): return error.response
        }
    }

    @Sendable func changeDetails(request: Request, context: BasicRequestContext) async throws -> Response {
        let playlist = try editablePlaylist(request, context)
        let object = try await Self.jsonObject(request)
        let isPublic = object["public"] as? Bool ?? playlist.isPublic
        let collaborative = object["collaborative"] as? Bool ?? playlist.collaborative
        guard !(isPublic && collaborative) else { return SpotifyResponses.webAPIError(.badRequest, "Collaborative playlists can only be private.") }
        if let name = object["name"] as? String, name.isEmpty { return SpotifyResponses.webAPIError(.badRequest, "Missing required field: name") }
        _ = commit(playlist.id) { current in
            if let name = object["name"] as? String { current.name = name }
            if let description = object["description"] as? String { current.description = description }
            current.isPublic = isPublic
            current.collaborative = collaborative
            return nil
        }
        return Response(status: .ok)
    }

    @Sendable func reorderOrReplace(request: Request, context: BasicRequestContext) async throws -> Response {
        let playlist = try editablePlaylist(request, context)
        let object = try await Self.jsonObject(request)
        let queryURIs = Self.query(request)["uris"].map { $0.split(separator: ",").map(String.init) }
        if let uris = queryURIs ?? (object["uris"] as? [String]) {
            guard uris.count <= 100 else { return SpotifyResponses.webAPIError(.badRequest, "You can add a maximum of 100 tracks per request.") }
            guard uris.allSatisfy(isPlayableURI) else { return SpotifyResponses.webAPIError(.badRequest, "Invalid base62 id") }
            let now = state.now()
            return commit(playlist.id) { current in
                current.items = uris.map { (uri: $0, addedAt: now) }
                return nil
            }
        }
        guard let start = object["range_start"] as? Int, let before = object["insert_before"] as? Int else {
            return SpotifyResponses.webAPIError(.badRequest, "Missing range_start or insert_before")
        }
        let length = object["range_length"] as? Int ?? 1
        return commit(playlist.id) { current in
            let count = current.items.count
            // Checked without adding request numbers together, so no number overflows.
            guard length >= 1, start >= 0, start < count, length <= count - start, (0...count).contains(before) else { return "Index out of bounds" }
            let moved = Array(current.items[start..<start + length])
            current.items.removeSubrange(start..<start + length)
            // `insert_before` counts positions before the move.
            let target = before > start ? before - length : before
            current.items.insert(contentsOf: moved, at: min(max(target, 0), current.items.count))
            return nil
        }
    }

    @Sendable func removeItems(request: Request, context: BasicRequestContext) async throws -> Response {
        let playlist = try editablePlaylist(request, context)
        let object = try await Self.jsonObject(request)
        guard let entries = (object["items"] ?? object["tracks"]) as? [[String: Any]], !entries.isEmpty else {
            return SpotifyResponses.webAPIError(.badRequest, "Missing items")
        }
        guard entries.count <= 100 else { return SpotifyResponses.webAPIError(.badRequest, "You can remove a maximum of 100 tracks per request.") }
        let uris = entries.compactMap { $0["uri"] as? String }
        guard uris.count == entries.count, uris.allSatisfy(isPlayableURI) else {
            return SpotifyResponses.webAPIError(.badRequest, "Invalid base62 id")
        }
        return commit(playlist.id) { current in
            current.items.removeAll { uris.contains($0.uri) }
            return nil
        }
    }

    func isPlayableURI(_ uri: String) -> Bool {
        let parts = uri.split(separator: ":")
        return parts.count == 3 && parts[0] == "spotify" && (parts[1] == "track" || parts[1] == "episode") && Base62.isValidID(parts[2])
    }

    /// An uploaded cover (one image, dimensions unknown, as Spotify answers), else a mosaic of
    /// the first items, else none.
    func playlistImages(_ playlist: PlaylistRecord) -> JSONValue {
        let origin = self.origin.value
        if playlist.cover != nil {
            return [.object([("height", .null), ("url", .string("\(origin)/image/cover-\(playlist.id)-\(playlist.snapshot)")), ("width", .null)])]
        }
        guard !playlist.items.isEmpty else { return [] }
        return .array(
            [640, 300, 60].map {
                .object([("height", .int($0)), ("url", .string("\(origin)/image/mosaic-\(playlist.id)-\($0)")), ("width", .int($0))])
            })
    }

    @Sendable func coverImages(request: Request, context: BasicRequestContext) async throws -> Response {
        _ = try authenticate(request).get()
        return SpotifyResponses.json(playlistImages(try lookupPlaylist(context)).serialized)
    }

    /// `PUT /playlists/{id}/images`: a base64 JPEG of at most 256 KB, scope `ugc-image-upload`.
    @Sendable func uploadCover(request: Request, context: BasicRequestContext) async throws -> Response {
        let (record, _) = try authenticateUser(request).get()
        let playlist = try editablePlaylist(request, context)
        guard record.scopes.contains("ugc-image-upload") else { return SpotifyResponses.webAPIError(.forbidden, "Insufficient client scope") }
        let body = try await request.body.collect(upTo: 512 * 1024)
        let text = String(buffer: body).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let bytes = Data(base64Encoded: text), bytes.starts(with: [0xFF, 0xD8]) else {
            return SpotifyResponses.webAPIError(.badRequest, "Image must be a Base64 encoded JPEG")
        }
        guard bytes.count <= 256 * 1024 else { return SpotifyResponses.webAPIError(.contentTooLarge, "Image too large: at most 256 KB") }
        _ = commit(playlist.id) { current in
            current.cover = Array(bytes)
            return nil
        }
        return Response(status: .accepted)
    }

    func renderSimplified(_ playlist: PlaylistRecord) -> String { render(playlist, simplified: true) }

    @Sendable func myPlaylists(request: Request, context: BasicRequestContext) async throws -> Response {
        let (_, user) = try authenticateUser(request).get()
        let (limit, offset) = try Self.limitAndOffset(request)
        let followed = Set((state.library(of: user, catalog: catalog).entries["playlist"] ?? []).map(\.id))
        let playlists = state.storage.withLock { storage in
            storage.playlists.values.filter { ($0.ownerID == user.id && !$0.deleted) || followed.contains($0.id) }.sorted { $0.id < $1.id }
        }
        return Self.conditional(
            Self.offsetPage(playlists, base: "\(origin.value)/v1/me/playlists", limit: limit, offset: offset, render: renderSimplified),
            request: request)
    }

    @Sendable func publicUser(request: Request, context: BasicRequestContext) async throws -> Response {
        _ = try authenticate(request).get()
        try refuseInDevelopmentMode()
        guard let user = catalog.user(id: context.parameters.get("id") ?? "") else {
            return SpotifyResponses.webAPIError(.notFound, "Resource not found")
        }
        guard case .object(var fields) = rendered.owner(user, origin: origin.value) else {
            return SpotifyResponses.webAPIError(.notFound, "Resource not found")
        }
        fields.append(("followers", .object([("href", .null), ("total", .int(user.followers))])))
        fields.append(
            (
                "images",
                .array(
                    [300, 64].map {
                        .object([("height", .int($0)), ("url", .string("\(origin.value)/image/user-\(user.id)-\($0)")), ("width", .int($0))])
                    })
            ))
        return Self.conditional(JSONValue.object(fields).serialized, request: request)
    }

    @Sendable func usersPlaylists(request: Request, context: BasicRequestContext) async throws -> Response {
        _ = try authenticate(request).get()
        try refuseInDevelopmentMode()
        guard let user = catalog.user(id: context.parameters.get("id") ?? "") else {
            return SpotifyResponses.webAPIError(.notFound, "Resource not found")
        }
        let (limit, offset) = try Self.limitAndOffset(request)
        let playlists = state.storage.withLock {
            $0.playlists.values.filter { $0.ownerID == user.id && $0.isSearchable }.sorted { $0.id < $1.id }
        }
        return Self.conditional(
            Self.offsetPage(playlists, base: "\(origin.value)/v1/users/\(user.id)/playlists", limit: limit, offset: offset, render: renderSimplified),
            request: request)
    }
}
