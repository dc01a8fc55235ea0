import Foundation
import Hummingbird
import NIOCore

extension WebAPIController {
    @Sendable func createPlaylist(request: Request, context: BasicRequestContext, caller: UserCaller) async throws -> Response {
        let (record, user) = (caller.token, caller.user)
        let body = try await Self.body(PlaylistDetailsBody.self, request, emptyIsObject: false, limit: 64 * 1024)
        guard let name = body.name, !name.isEmpty else {
            return SpotifyResponses.webAPIError(.badRequest, "Missing required field: name")
        }
        let isPublic = body.isPublic ?? true
        let collaborative = body.collaborative ?? false
        if collaborative && isPublic {
            return SpotifyResponses.webAPIError(.badRequest, "Collaborative playlists can only be private.")
        }
        guard record.has(.playlistModify(isPublic: isPublic)) else {
            return SpotifyResponses.webAPIError(.forbidden, "Insufficient client scope")
        }
        var random = SeededGenerator(seed: UInt64.random(in: .min ... .max))
        let playlist = PlaylistRecord(
            id: Base62.id(using: &random), ownerID: user.id, name: name, description: body.description,
            isPublic: isPublic, collaborative: collaborative, items: [], snapshot: 1
        )
        state.storage.withLock { $0.playlists[playlist.id] = playlist }
        return SpotifyResponses.json(render(playlist), status: .created)
    }

    @Sendable func playlist(request: Request, context: BasicRequestContext, caller: TokenCaller) async throws -> Response {
        let playlist = try lookupPlaylist(context)
        return Self.conditional(render(playlist), request: request)
    }

    /// `GET /playlists/{id}/items` (at most 50 a page) or, for `legacyLimit`, the deprecated
    /// `/tracks` (at most 100 a page, as its reference still says).
    @Sendable func playlistItems(request: Request, context: BasicRequestContext, caller: UserCaller) async throws -> Response {
        try await playlistItems(request: request, context: context, caller: caller, maximum: 50)
    }

    @Sendable func playlistItemsUpTo100(request: Request, context: BasicRequestContext, caller: UserCaller) async throws -> Response {
        try await playlistItems(request: request, context: context, caller: caller, maximum: 100)
    }

    func playlistItems(request: Request, context: BasicRequestContext, caller: UserCaller, maximum: Int) async throws -> Response {
        let user = caller.user
        let playlist = try lookupPlaylist(context)
        guard playlist.ownerID == user.id || playlist.collaborative else {
            return SpotifyResponses.webAPIError(.forbidden, "Forbidden")
        }
        let (limit, offset) = try Self.limitAndOffset(request, maximum: maximum)
        return Self.conditional(itemsPage(playlist, limit: limit, offset: offset), request: request)
    }

    @Sendable func addPlaylistItems(request: Request, context: BasicRequestContext, caller: UserCaller) async throws -> Response {
        let (record, user) = (caller.token, caller.user)
        var playlist = try lookupPlaylist(context)
        guard playlist.ownerID == user.id || playlist.collaborative else {
            return SpotifyResponses.webAPIError(.forbidden, "Forbidden")
        }
        guard record.has(.playlistModify(isPublic: playlist.isPublic)) else {
            return SpotifyResponses.webAPIError(.forbidden, "Insufficient client scope")
        }
        let query = Self.query(request)
        var uris: [String]
        var position: Int?
        if let list = query["uris"] {
            // Query-string URIs win; the body is then ignored.
            uris = list.split(separator: ",").map(String.init)
            position = query["position"].flatMap(Int.init)
        } else {
            let raw = try await request.body.collect(upTo: 256 * 1024)
            guard let body = try? JSONDecoder().decode(AddItemsBody.self, from: Data(buffer: raw)), let list = body.uris else {
                return SpotifyResponses.webAPIError(.badRequest, "Missing uris")
            }
            uris = list
            position = body.isBareList ? query["position"].flatMap(Int.init) : body.position
        }
        guard !uris.isEmpty else { return SpotifyResponses.webAPIError(.badRequest, "Missing uris") }
        guard uris.count <= 100 else {
            return SpotifyResponses.webAPIError(.badRequest, "You can add a maximum of 100 tracks per request.")
        }
        for uri in uris {
            let parts = uri.split(separator: ":")
            guard parts.count == 3, parts[0] == "spotify", parts[1] == "track" || parts[1] == "episode", Base62.isValidID(parts[2]) else {
                return SpotifyResponses.webAPIError(.badRequest, "Invalid base62 id")
            }
            let exists =
                parts[1] == "episode" ? catalog.spoken.episodeIndexByID[String(parts[2])] != nil : catalog.trackIndexByID[String(parts[2])] != nil
            guard exists else {
                return SpotifyResponses.webAPIError(.badRequest, "Payload contains a non-existing ID")
            }
        }
        let now = state.now()
        let snapshot: String? = state.storage.withLock { storage in
            guard var current = storage.playlists[playlist.id] else { return nil }
            let insertAt = position ?? current.items.count
            guard (0...current.items.count).contains(insertAt) else { return nil }
            current.items.insert(contentsOf: uris.map { (uri: $0, addedAt: now) }, at: insertAt)
            current.snapshot += 1
            storage.playlists[playlist.id] = current
            playlist = current
            return Self.snapshotID(current)
        }
        guard let snapshot else { return SpotifyResponses.webAPIError(.badRequest, "Index out of bounds") }
        return SpotifyResponses.json(JSONValue.object([("snapshot_id", .string(snapshot))]).serialized, status: .created)
    }

    func lookupPlaylist(_ context: BasicRequestContext) throws(ErrorResponse) -> PlaylistRecord {
        let id = try Self.base62(context.parameters.get("id"))
        guard let playlist = state.storage.withLock({ $0.playlists[id] }) else {
            throw ErrorResponse(SpotifyResponses.webAPIError(.notFound, "Resource not found"))
        }
        return playlist
    }

    static func snapshotID(_ playlist: PlaylistRecord) -> String {
        Data("\(playlist.snapshot),\(playlist.id)".utf8).base64EncodedString()
    }

    func itemsPage(_ playlist: PlaylistRecord, limit: Int, offset: Int) -> String {
        let renderedCatalog = rendered
        let origin = self.origin.value
        let apiBase = origin + "/v1"
        let devMode = state.settings.devMode
        // The owner is the same for every entry: write it once.
        let addedBy = owner(of: playlist, origin: origin).serialized
        return Self.offsetPage(playlist.items, base: "\(apiBase)/playlists/\(playlist.id)/items", limit: limit, offset: offset) { entry in
            let parts = entry.uri.split(separator: ":")
            let id = parts.last.map(String.init) ?? ""
            let trackJSON =
                parts.count == 3 && parts[1] == "episode"
                ? catalog.spoken.episodeIndexByID[id].map { spokenRenderer.episode($0).serialized } ?? "null"
                : catalog.trackIndexByID[id].map { renderedCatalog.track($0, devMode: devMode, origin: origin) } ?? "null"
            // Live entries flag what their item is; extended-quota apps keep the old `track` beside `item`.
            let flagged = Self.flagging(trackJSON, episode: parts.count == 3 && parts[1] == "episode")
            return "{\"added_at\":\"" + WebAPIController.iso8601(milliseconds: Int64(entry.addedAt.timeIntervalSince1970 * 1000), fractional: false)
                + "\",\"added_by\":" + addedBy + ",\"is_local\":false,\"item\":" + flagged + (devMode ? "" : ",\"track\":" + flagged) + "}"
        }
    }

    /// A track or episode object of a playlist entry with the `track` and `episode` flags live
    /// answers carry (docs/emulator.md).
    static func flagging(_ object: String, episode: Bool) -> String {
        guard object.hasSuffix("}") else { return object }
        return String(object.dropLast()) + ",\"episode\":\(episode),\"track\":\(!episode)}"
    }

    /// The playlist's owner as a playlist shows it; Spotify itself for editorial playlists.
    func owner(of playlist: PlaylistRecord, origin: String) -> JSONValue {
        if let user = catalog.user(id: playlist.ownerID) { return rendered.owner(user, origin: origin) }
        let id = playlist.ownerID
        return .object([
            ("display_name", .string(id == PlaylistRecord.editorialOwner ? "Spotify" : id)),
            ("external_urls", .object([("spotify", .string("https://open.spotify.com/user/\(id)"))])),
            ("href", .string("\(origin)/v1/users/\(id)")), ("id", .string(id)), ("type", "user"), ("uri", .string("spotify:user:\(id)")),
        ])
    }

    /// The playlist object, its first 100 items as the spec's paging object (what Spotify sends
    /// to the owner, the only reader of items since February 2026).
    /// In lists (`simplified`), `items` is a link with the count instead. Extended-quota apps
    /// also get the deprecated `tracks`, the same value, as they always did; the full object
    /// carries `followers`.
    func render(_ playlist: PlaylistRecord, simplified: Bool = false) -> String {
        let origin = self.origin.value
        let apiBase = origin + "/v1"
        let devMode = state.settings.devMode
        let owner = owner(of: playlist, origin: origin)
        let items: JSONValue =
            simplified
            ? JSONValue.object([("href", .string("\(apiBase)/playlists/\(playlist.id)/items")), ("total", .int(playlist.items.count))])
            : JSONValue.raw(itemsPage(playlist, limit: 100, offset: 0))
        var fields: [(String, JSONValue)] = [
            ("collaborative", .bool(playlist.collaborative)),
            // Lists write a missing description as "" (their schema's description is never null).
            ("description", simplified ? .string(playlist.description ?? "") : .optional(playlist.description)),
            ("external_urls", .object([("spotify", .string("https://open.spotify.com/playlist/\(playlist.id)"))])),
        ]
        if !simplified { fields.append(("followers", .object([("href", .null), ("total", .int(playlist.followers))]))) }
        fields += [
            ("href", .string("\(apiBase)/playlists/\(playlist.id)")),
            ("id", .string(playlist.id)),
            ("images", playlistImages(playlist)),
            ("items", items),
            ("name", .string(playlist.name)),
            ("owner", owner),
            ("primary_color", .null),
            ("public", .bool(playlist.isPublic)),
            ("snapshot_id", .string(Self.snapshotID(playlist))),
        ]
        if !devMode { fields.append(("tracks", items)) }
        fields += [("type", "playlist"), ("uri", .string("spotify:playlist:\(playlist.id)"))]
        return JSONValue.object(fields).serialized
    }
}
