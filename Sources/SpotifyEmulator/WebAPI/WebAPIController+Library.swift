import Foundation
import Hummingbird

/// The user's library: the saved lists of every kind, `PUT`/`DELETE /me/library` with
/// `GET /me/library/contains`, and the type-specific endpoints development-mode apps lost.
extension WebAPIController {
    func addLibraryRoutes(to router: Router<BasicRequestContext>) {
        router.get("/v1/me/tracks", use: listing("track", "tracks"))
        router.put("/v1/me/tracks", use: changing("track", maximum: 50, save: true))
        router.delete("/v1/me/tracks", use: changing("track", maximum: 50, save: false))
        router.get("/v1/me/tracks/contains", use: checking("track", maximum: 50))
        router.get("/v1/me/albums", use: listing("album", "albums"))
        router.put("/v1/me/albums", use: changing("album", maximum: 20, save: true))
        router.delete("/v1/me/albums", use: changing("album", maximum: 20, save: false))
        router.get("/v1/me/albums/contains", use: checking("album", maximum: 20))
        router.get("/v1/me/episodes", use: listing("episode", "episodes"))
        router.put("/v1/me/episodes", use: changing("episode", maximum: 50, save: true))
        router.delete("/v1/me/episodes", use: changing("episode", maximum: 50, save: false))
        router.get("/v1/me/episodes/contains", use: checking("episode", maximum: 50))
        router.get("/v1/me/shows", use: listing("show", "shows"))
        router.put("/v1/me/shows", use: changing("show", maximum: 50, save: true))
        router.delete("/v1/me/shows", use: changing("show", maximum: 50, save: false))
        router.get("/v1/me/shows/contains", use: checking("show", maximum: 50))
        router.get("/v1/me/audiobooks", use: listing("audiobook", "audiobooks"))
        router.put("/v1/me/audiobooks", use: changing("audiobook", maximum: 50, save: true))
        router.delete("/v1/me/audiobooks", use: changing("audiobook", maximum: 50, save: false))
        router.get("/v1/me/audiobooks/contains", use: checking("audiobook", maximum: 50))
        router.put("/v1/me/library", use: user { request, _, caller in try await changeByURIs(request, caller, save: true) })
        router.delete("/v1/me/library", use: user { request, _, caller in try await changeByURIs(request, caller, save: false) })
        router.get("/v1/me/library/contains", use: user(libraryContains))
    }

    private func listing(_ kind: String, _ path: String) -> Handler {
        user([.userLibraryRead]) { request, _, caller in try await savedList(request, caller, kind: kind, path: path) }
    }
    private func changing(_ kind: String, maximum: Int, save: Bool) -> Handler {
        user([.userLibraryModify]) { request, _, caller in try await changeByIDs(request, caller, kind: kind, maximum: maximum, save: save) }
    }
    private func checking(_ kind: String, maximum: Int) -> Handler {
        user([.userLibraryRead]) { request, _, caller in try await containsByIDs(request, caller, kind: kind, maximum: maximum) }
    }

    func savedList(_ request: Request, _ caller: UserCaller, kind: String, path: String) async throws -> Response {
        let user = caller.user
        let (limit, offset) = try Self.limitAndOffset(request)
        let entries = state.library(of: user, catalog: catalog).entries[kind] ?? []
        let body = Self.offsetPage(entries, base: "\(origin.value)/v1/me/\(path)", limit: limit, offset: offset) { entry in
            "{\"added_at\":\"" + Self.iso8601(milliseconds: entry.addedAt * 1000, fractional: false) + "\",\"\(kind)\":" + renderSaved(kind, entry.id)
                + "}"
        }
        return Self.conditional(body, request: request)
    }

    /// The object a saved list shows for an item: full tracks, albums, episodes and audiobooks,
    /// simplified shows.
    func renderSaved(_ kind: String, _ id: String) -> String {
        let devMode = state.settings.devMode
        let spoken = catalog.spoken
        let found: String? =
            switch kind {
            case "track": catalog.trackIndexByID[id].map { rendered.track($0, devMode: devMode, origin: origin.value) }
            case "album": catalog.albumIndexByID[id].map(fullAlbum)
            case "episode": spoken.episodeIndexByID[id].map { spokenRenderer.episode($0).serialized }
            case "show": spoken.showIndexByID[id].map { spokenRenderer.simplifiedShow($0).serialized }
            case "audiobook": spoken.audiobookIndexByID[id].map(audiobookWithChapters)
            default: nil
            }
        return found ?? "null"
    }

    /// Whether the catalog (or the emulator's users and playlists) has an item of this kind.
    func exists(_ kind: String, _ id: String) -> Bool {
        switch kind {
        case "track": catalog.trackIndexByID[id] != nil
        case "album": catalog.albumIndexByID[id] != nil
        case "artist": catalog.artistIndexByID[id] != nil
        case "episode": catalog.spoken.episodeIndexByID[id] != nil
        case "show": catalog.spoken.showIndexByID[id] != nil
        case "audiobook": catalog.spoken.audiobookIndexByID[id] != nil
        case "user": catalog.user(id: id) != nil
        case "playlist": state.storage.withLock { $0.playlists[id] != nil }
        default: false
        }
    }

    /// The scope `PUT`/`DELETE /me/library` (or, reading, `contains`) needs for a kind.
    static func libraryScope(_ kind: String, write: Bool) -> WebAPIScope {
        switch kind {
        case "artist", "user": write ? .userFollowModify : .userFollowRead
        case "playlist": write ? .playlistModifyPublic : .playlistReadPrivate
        default: write ? .userLibraryModify : .userLibraryRead
        }
    }

    /// The `uris` of a library request as (kind, id), or Spotify's 400.
    func libraryURIs(_ request: Request, kinds: [String]) throws(ErrorResponse) -> [(kind: String, id: String)] {
        guard let list = Self.query(request)["uris"], !list.isEmpty else {
            throw ErrorResponse(SpotifyResponses.webAPIError(.badRequest, "Missing parameter uris"))
        }
        let uris = list.split(separator: ",", omittingEmptySubsequences: false)
        guard uris.count <= 40 else { throw ErrorResponse(SpotifyResponses.webAPIError(.badRequest, "Too many uris requested")) }
        return try uris.map { (uri) throws(ErrorResponse) in
            let parts = uri.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0] == "spotify" else { throw ErrorResponse(SpotifyResponses.webAPIError(.badRequest, "Invalid URI")) }
            guard kinds.contains(String(parts[1])) else { throw ErrorResponse(SpotifyResponses.webAPIError(.badRequest, "Unsupported URI type")) }
            let id = String(parts[2])
            guard parts[1] == "user" ? !id.isEmpty : Base62.isValidID(Substring(id)) else {
                throw ErrorResponse(SpotifyResponses.webAPIError(.badRequest, "Invalid base62 id"))
            }
            return (String(parts[1]), id)
        }
    }

    func changeByURIs(_ request: Request, _ caller: UserCaller, save: Bool) async throws -> Response {
        let (record, user) = (caller.token, caller.user)
        // Artists are accepted too: the deprecated follow endpoints point here.
        let items = try libraryURIs(request, kinds: UserLibrary.kinds)
        guard items.allSatisfy({ record.has(Self.libraryScope($0.kind, write: true)) }) else {
            return SpotifyResponses.webAPIError(.forbidden, "Insufficient client scope")
        }
        guard items.allSatisfy({ exists($0.kind, $0.id) }) else { return SpotifyResponses.webAPIError(.notFound, "Resource not found") }
        let now = Int64(state.now().timeIntervalSince1970)
        state.updateLibrary(of: user, catalog: catalog) { library in
            for kind in UserLibrary.kinds {
                let ids = items.filter { $0.kind == kind }.map(\.id)
                guard !ids.isEmpty else { continue }
                if save { library.save(kind, ids, at: now) } else { library.remove(kind, ids) }
            }
        }
        return Response(status: .ok)
    }

    @Sendable func libraryContains(request: Request, context: BasicRequestContext, caller: UserCaller) async throws -> Response {
        let (record, user) = (caller.token, caller.user)
        let items = try libraryURIs(request, kinds: UserLibrary.kinds)
        guard items.allSatisfy({ record.has(Self.libraryScope($0.kind, write: false)) }) else {
            return SpotifyResponses.webAPIError(.forbidden, "Insufficient client scope")
        }
        let library = state.library(of: user, catalog: catalog)
        return SpotifyResponses.json("[" + items.map { library.contains($0.kind, $0.id) ? "true" : "false" }.joined(separator: ",") + "]")
    }

    /// The IDs of a type-specific request, from `ids=` or a JSON body's `ids`, or Spotify's 400.
    func requestIDs(_ request: Request, maximum: Int, base62: Bool = true) async throws -> [String] {
        var ids = Self.query(request)["ids"].map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) } ?? []
        if ids.isEmpty {
            let body = try await request.body.collect(upTo: 64 * 1024)
            ids = (try? JSONDecoder().decode(IDsBody.self, from: Data(buffer: body)))?.ids ?? []
        }
        guard !ids.isEmpty else { throw ErrorResponse(SpotifyResponses.webAPIError(.badRequest, "Missing parameter ids")) }
        guard ids.count <= maximum else { throw ErrorResponse(SpotifyResponses.webAPIError(.badRequest, "Too many ids requested")) }
        guard !base62 || ids.allSatisfy({ Base62.isValidID(Substring($0)) }) else {
            throw ErrorResponse(SpotifyResponses.webAPIError(.badRequest, "Invalid base62 id"))
        }
        return ids
    }

    func changeByIDs(_ request: Request, _ caller: UserCaller, kind: String, maximum: Int, save: Bool) async throws -> Response {
        let user = caller.user
        try refuseInDevelopmentMode()
        let ids = try await requestIDs(request, maximum: maximum)
        guard ids.allSatisfy({ exists(kind, $0) }) else { return SpotifyResponses.webAPIError(.notFound, "Resource not found") }
        let now = Int64(state.now().timeIntervalSince1970)
        state.updateLibrary(of: user, catalog: catalog) { save ? $0.save(kind, ids, at: now) : $0.remove(kind, ids) }
        return Response(status: .ok)
    }

    func containsByIDs(_ request: Request, _ caller: UserCaller, kind: String, maximum: Int) async throws -> Response {
        let user = caller.user
        try refuseInDevelopmentMode()
        let ids = try await requestIDs(request, maximum: maximum)
        let library = state.library(of: user, catalog: catalog)
        return SpotifyResponses.json("[" + ids.map { library.contains(kind, $0) ? "true" : "false" }.joined(separator: ",") + "]")
    }
}

/// A body's `ids`, where a type-specific request may send them instead of the query.
struct IDsBody: Decodable {
    var ids: [String]?
}
