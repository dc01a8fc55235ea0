import Foundation
import Hummingbird
import NIOCore

/// Playlist details, reordering, replacing and removing items, covers, the user's playlists,
/// and the endpoints development-mode apps lost (`/tracks`, `/users/{id}/…`).
extension WebAPIController {
    func addPlaylistEditingRoutes(to router: Router<BasicRequestContext>) {
        router.put("/v1/playlists/:id", use: user(changeDetails))
        router.put("/v1/playlists/:id/items", use: user(reorderOrReplace))
        router.delete("/v1/playlists/:id/items", use: user(removeItems))
        router.get("/v1/playlists/:id/images", use: anyToken(coverImages))
        router.put("/v1/playlists/:id/images", use: user(uploadCover))
        router.get("/v1/me/playlists", use: user(myPlaylists))
        router.get("/v1/playlists/:id/tracks", use: user { try await legacyTracks($0, $1, $2, playlistItemsUpTo100) })
        router.post("/v1/playlists/:id/tracks", use: user { try await legacyTracks($0, $1, $2, addPlaylistItems) })
        router.put("/v1/playlists/:id/tracks", use: user { try await legacyTracks($0, $1, $2, reorderOrReplace) })
        router.delete("/v1/playlists/:id/tracks", use: user { try await legacyTracks($0, $1, $2, removeItems) })
        router.get("/v1/users/:id", use: anyToken(publicUser))
        router.get("/v1/users/:id/playlists", use: anyToken(usersPlaylists))
        router.post(
            "/v1/users/:id/playlists",
            use: user { request, context, caller in
                try refuseInDevelopmentMode()
                guard context.parameters.get("id") == caller.user.id else {
                    return SpotifyResponses.webAPIError(.forbidden, "You cannot create a playlist for another user")
                }
                return try await createPlaylist(request: request, context: context, caller: caller)
            })
    }

    /// The deprecated `/playlists/{id}/tracks`, which development-mode apps lost in February 2026.
    private func legacyTracks(
        _ request: Request, _ context: BasicRequestContext, _ caller: UserCaller, _ handler: UserHandler
    ) async throws
        -> Response
    {
        try refuseInDevelopmentMode()
        return try await handler(request, context, caller)
    }

    /// The playlist of the path, which the caller may edit with the scope its visibility needs.
    func editablePlaylist(_ caller: UserCaller, _ context: BasicRequestContext) throws(ErrorResponse) -> PlaylistRecord {
        let (record, user) = (caller.token, caller.user)
        let playlist = try lookupPlaylist(context)
        guard playlist.ownerID == user.id || playlist.collaborative else {
            throw ErrorResponse(SpotifyResponses.webAPIError(.forbidden, "Forbidden"))
        }
        guard record.has(.playlistModify(isPublic: playlist.isPublic)) else {
            throw ErrorResponse(SpotifyResponses.webAPIError(.forbidden, "Insufficient client scope"))
        }
        return playlist
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

    @Sendable func changeDetails(request: Request, context: BasicRequestContext, caller: UserCaller) async throws -> Response {
        let playlist = try editablePlaylist(caller, context)
        let body = try await Self.body(PlaylistDetailsBody.self, request)
        let isPublic = body.isPublic ?? playlist.isPublic
        let collaborative = body.collaborative ?? playlist.collaborative
        guard !(isPublic && collaborative) else { return SpotifyResponses.webAPIError(.badRequest, "Collaborative playlists can only be private.") }
        if let name = body.name, name.isEmpty { return SpotifyResponses.webAPIError(.badRequest, "Missing required field: name") }
        _ = commit(playlist.id) { current in
            if let name = body.name { current.name = name }
            if let description = body.description { current.description = description }
            current.isPublic = isPublic
            current.collaborative = collaborative
            return nil
        }
        return Response(status: .ok)
    }

    @Sendable func reorderOrReplace(request: Request, context: BasicRequestContext, caller: UserCaller) async throws -> Response {
        let playlist = try editablePlaylist(caller, context)
        let body = try await Self.body(ReorderBody.self, request)
        let queryURIs = Self.query(request)["uris"].map { $0.split(separator: ",").map(String.init) }
        if let uris = queryURIs ?? body.uris {
            guard uris.count <= 100 else { return SpotifyResponses.webAPIError(.badRequest, "You can add a maximum of 100 tracks per request.") }
            guard uris.allSatisfy(isPlayableURI) else { return SpotifyResponses.webAPIError(.badRequest, "Invalid base62 id") }
            let now = state.now()
            return commit(playlist.id) { current in
                current.items = uris.map { (uri: $0, addedAt: now) }
                return nil
            }
        }
        guard let start = body.rangeStart, let before = body.insertBefore else {
            return SpotifyResponses.webAPIError(.badRequest, "Missing range_start or insert_before")
        }
        let length = body.rangeLength ?? 1
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

    @Sendable func removeItems(request: Request, context: BasicRequestContext, caller: UserCaller) async throws -> Response {
        let playlist = try editablePlaylist(caller, context)
        let body = try await Self.body(RemoveItemsBody.self, request)
        guard let entries = body.entries, !entries.isEmpty else {
            return SpotifyResponses.webAPIError(.badRequest, "Missing items")
        }
        guard entries.count <= 100 else { return SpotifyResponses.webAPIError(.badRequest, "You can remove a maximum of 100 tracks per request.") }
        let uris = entries.compactMap(\.uri)
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

    @Sendable func coverImages(request: Request, context: BasicRequestContext, caller: TokenCaller) async throws -> Response {
        return SpotifyResponses.json(playlistImages(try lookupPlaylist(context)).serialized)
    }

    /// `PUT /playlists/{id}/images`: a base64 JPEG of at most 256 KB, scope `ugc-image-upload`.
    @Sendable func uploadCover(request: Request, context: BasicRequestContext, caller: UserCaller) async throws -> Response {
        let record = caller.token
        let playlist = try editablePlaylist(caller, context)
        guard record.has(.ugcImageUpload) else { return SpotifyResponses.webAPIError(.forbidden, "Insufficient client scope") }
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

    @Sendable func myPlaylists(request: Request, context: BasicRequestContext, caller: UserCaller) async throws -> Response {
        let user = caller.user
        let (limit, offset) = try Self.limitAndOffset(request)
        let followed = Set((state.library(of: user, catalog: catalog).entries["playlist"] ?? []).map(\.id))
        let playlists = state.storage.withLock { storage in
            storage.playlists.values.filter { ($0.ownerID == user.id && !$0.deleted) || followed.contains($0.id) }.sorted { $0.id < $1.id }
        }
        return Self.conditional(
            Self.offsetPage(playlists, base: "\(origin.value)/v1/me/playlists", limit: limit, offset: offset, render: renderSimplified),
            request: request)
    }

    @Sendable func publicUser(request: Request, context: BasicRequestContext, caller: TokenCaller) async throws -> Response {
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

    @Sendable func usersPlaylists(request: Request, context: BasicRequestContext, caller: TokenCaller) async throws -> Response {
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
