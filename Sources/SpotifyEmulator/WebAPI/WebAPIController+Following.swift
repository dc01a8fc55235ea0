import Foundation
import Hummingbird

/// Followed artists (cursor paged) and the deprecated follow endpoints for artists, users and
/// playlists, which share the user's library.
extension WebAPIController {
    func addFollowRoutes(to router: Router<BasicRequestContext>) {
        router.get("/v1/me/following", use: user([.userFollowRead], followedArtists))
        router.put("/v1/me/following", use: user([.userFollowModify]) { request, _, caller in try await follow(request, caller, follow: true) })
        router.delete("/v1/me/following", use: user([.userFollowModify]) { request, _, caller in try await follow(request, caller, follow: false) })
        router.get("/v1/me/following/contains", use: user([.userFollowRead], followsContain))
        router.put("/v1/playlists/:id/followers", use: user { _, context, caller in try await followPlaylist(context, caller, follow: true) })
        router.delete("/v1/playlists/:id/followers", use: user { _, context, caller in try await followPlaylist(context, caller, follow: false) })
        router.get("/v1/playlists/:id/followers/contains", use: user(playlistFollowersContain))
    }

    /// `GET /me/following?type=artist`: newest follows first, `after` the last ID of a page.
    @Sendable func followedArtists(request: Request, context: BasicRequestContext, caller: UserCaller) async throws -> Response {
        let user = caller.user
        let query = Self.query(request)
        guard query["type"] == "artist" else { return SpotifyResponses.webAPIError(.badRequest, "Invalid type: only artist is supported") }
        let limit = try Self.intParameter(query, "limit", default: 20, range: 1...50, message: "Invalid limit")
        let followed = state.library(of: user, catalog: catalog).entries["artist"] ?? []
        var start = 0
        if let after = query["after"] {
            guard let position = followed.firstIndex(where: { $0.id == after }) else {
                return SpotifyResponses.webAPIError(.badRequest, "Invalid after")
            }
            start = position + 1
        }
        let page = followed[min(start, followed.count)..<min(start + limit, followed.count)]
        let base = "\(origin.value)/v1/me/following?type=artist"
        let items = page.compactMap { catalog.artistIndexByID[$0.id] }.map {
            rendered.artist($0, devMode: state.settings.devMode, origin: origin.value)
        }
        let hasMore = start + limit < followed.count
        let body = JSONValue.object([
            (
                "artists",
                .object([
                    ("href", .string(base + (query["after"].map { "&after=\($0)" } ?? "") + "&limit=\(limit)")),
                    ("items", .raw("[" + items.joined(separator: ",") + "]")),
                    ("limit", .int(limit)),
                    ("next", hasMore ? .string("\(base)&after=\(page.last?.id ?? "")&limit=\(limit)") : .null),
                    // Only `after`, `null` on the last page, as live answers give it (spotify/web-api#429).
                    ("cursors", .object([("after", hasMore ? .string(page.last?.id ?? "") : .null)])),
                    ("total", .int(followed.count)),
                ])
            )
        ])
        return Self.conditional(body.serialized, request: request)
    }

    func follow(_ request: Request, _ caller: UserCaller, follow: Bool) async throws -> Response {
        let user = caller.user
        try refuseInDevelopmentMode()
        guard let kind = Self.query(request)["type"], kind == "artist" || kind == "user" else {
            return SpotifyResponses.webAPIError(.badRequest, "Invalid type: artist or user")
        }
        let ids = try await requestIDs(request, maximum: 50, base62: kind == "artist")
        guard ids.allSatisfy({ exists(kind, $0) }) else { return SpotifyResponses.webAPIError(.notFound, "Resource not found") }
        let now = Int64(state.now().timeIntervalSince1970)
        state.updateLibrary(of: user, catalog: catalog) { follow ? $0.save(kind, ids, at: now) : $0.remove(kind, ids) }
        return Response(status: .noContent)
    }

    @Sendable func followsContain(request: Request, context: BasicRequestContext, caller: UserCaller) async throws -> Response {
        let user = caller.user
        try refuseInDevelopmentMode()
        guard let kind = Self.query(request)["type"], kind == "artist" || kind == "user" else {
            return SpotifyResponses.webAPIError(.badRequest, "Invalid type: artist or user")
        }
        let ids = try await requestIDs(request, maximum: 50, base62: kind == "artist")
        let library = state.library(of: user, catalog: catalog)
        return SpotifyResponses.json("[" + ids.map { library.contains(kind, $0) ? "true" : "false" }.joined(separator: ",") + "]")
    }

    func followPlaylist(_ context: BasicRequestContext, _ caller: UserCaller, follow: Bool) async throws -> Response {
        let user = caller.user
        try caller.require(.playlistModifyPublic, or: .playlistModifyPrivate)
        try refuseInDevelopmentMode()
        let id = try Self.base62(context.parameters.get("id"))
        guard exists("playlist", id) else { return SpotifyResponses.webAPIError(.notFound, "Resource not found") }
        let now = Int64(state.now().timeIntervalSince1970)
        let wasFollowing = state.library(of: user, catalog: catalog).contains("playlist", id)
        state.updateLibrary(of: user, catalog: catalog) { follow ? $0.save("playlist", [id], at: now) : $0.remove("playlist", [id]) }
        state.storage.withLock { storage in
            guard var playlist = storage.playlists[id] else { return }
            if follow != wasFollowing { playlist.followers = max(0, playlist.followers + (follow ? 1 : -1)) }
            // The owner unfollowing is how a playlist is deleted; following it again restores it.
            if playlist.ownerID == user.id { playlist.deleted = !follow }
            storage.playlists[id] = playlist
        }
        return Response(status: .ok)
    }

    /// Whether the current user follows the playlist: `ids` may name only them since 2024.
    @Sendable func playlistFollowersContain(request: Request, context: BasicRequestContext, caller: UserCaller) async throws -> Response {
        let user = caller.user
        try refuseInDevelopmentMode()
        let id = try Self.base62(context.parameters.get("id"))
        let ids = try await requestIDs(request, maximum: 1, base62: false)
        let library = state.library(of: user, catalog: catalog)
        return SpotifyResponses.json(
            "[" + ids.map { $0 == user.id && library.contains("playlist", id) ? "true" : "false" }.joined(separator: ",") + "]")
    }
}
