import Foundation
import Hummingbird

/// Albums, artists, tracks, new releases and markets, in both quota modes.
extension WebAPIController {
    func addCatalogRoutes(to router: Router<BasicRequestContext>) {
        router.get("/v1/tracks/:id", use: anyToken(track))
        router.get("/v1/tracks", use: anyToken(severalTracks))
        router.get("/v1/artists/:id", use: anyToken(artist))
        router.get("/v1/artists", use: anyToken(severalArtists))
        router.get("/v1/artists/:id/albums", use: anyToken(artistAlbums))
        router.get("/v1/artists/:id/top-tracks", use: anyToken(artistTopTracks))
        router.get("/v1/artists/:id/related-artists", use: anyToken(relatedArtists))
        router.get("/v1/albums/:id", use: anyToken(album))
        router.get("/v1/albums", use: anyToken(severalAlbums))
        router.get("/v1/albums/:id/tracks", use: anyToken(albumTracks))
        router.get("/v1/browse/new-releases", use: anyToken(newReleases))
        router.get("/v1/markets", use: anyToken(markets))
    }

    /// Development-mode apps get Spotify's bare 403 for what February 2026 removed.
    func refuseInDevelopmentMode() throws(ErrorResponse) {
        if state.settings.devMode { throw ErrorResponse(SpotifyResponses.webAPIError(.forbidden, "Forbidden")) }
    }

    @Sendable func track(request: Request, context: BasicRequestContext, caller: TokenCaller) async throws -> Response {
        let index = try lookUp(context.parameters.get("id"), in: catalog.trackIndexByID)
        return Self.conditional(rendered.track(index, devMode: state.settings.devMode, origin: origin.value), request: request)
    }

    @Sendable func artist(request: Request, context: BasicRequestContext, caller: TokenCaller) async throws -> Response {
        let index = try lookUp(context.parameters.get("id"), in: catalog.artistIndexByID)
        return Self.conditional(rendered.artist(index, devMode: state.settings.devMode, origin: origin.value), request: request)
    }

    @Sendable func album(request: Request, context: BasicRequestContext, caller: TokenCaller) async throws -> Response {
        let index = try lookUp(context.parameters.get("id"), in: catalog.albumIndexByID)
        return Self.conditional(fullAlbum(index), request: request)
    }

    @Sendable func severalTracks(request: Request, context: BasicRequestContext, caller: TokenCaller) async throws -> Response {
        try await several(request, key: "tracks", maximum: 50, index: catalog.trackIndexByID) { index in
            rendered.track(index, devMode: false, origin: origin.value)
        }
    }

    @Sendable func severalArtists(request: Request, context: BasicRequestContext, caller: TokenCaller) async throws -> Response {
        try await several(request, key: "artists", maximum: 50, index: catalog.artistIndexByID) { index in
            rendered.artist(index, devMode: false, origin: origin.value)
        }
    }

    @Sendable func severalAlbums(request: Request, context: BasicRequestContext, caller: TokenCaller) async throws -> Response {
        try await several(request, key: "albums", maximum: 20, index: catalog.albumIndexByID) { fullAlbum($0) }
    }

    /// `GET /tracks?ids=…` and its kin: unknown IDs answer `null` in their place.
    func several(
        _ request: Request, key: String, maximum: Int, index: [String: Int], render: (Int) -> String
    ) async throws -> Response {
        try refuseInDevelopmentMode()
        guard let list = Self.query(request)["ids"], !list.isEmpty else {
            return SpotifyResponses.webAPIError(.badRequest, "Missing parameter ids")
        }
        let ids = list.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard ids.count <= maximum else { return SpotifyResponses.webAPIError(.badRequest, "Too many ids requested") }
        var body = "{\"\(key)\":["
        for (position, id) in ids.enumerated() {
            if position > 0 { body += "," }
            guard Base62.isValidID(Substring(id)) else { return SpotifyResponses.webAPIError(.badRequest, "Invalid base62 id") }
            body += index[id].map(render) ?? "null"
        }
        return Self.conditional(body + "]}", request: request)
    }

    @Sendable func albumTracks(request: Request, context: BasicRequestContext, caller: TokenCaller) async throws -> Response {
        let index = try lookUp(context.parameters.get("id"), in: catalog.albumIndexByID)
        let (limit, offset) = try Self.limitAndOffset(request)
        return Self.conditional(albumTracksPage(index, limit: limit, offset: offset), request: request)
    }

    func albumTracksPage(_ index: Int, limit: Int, offset: Int) -> String {
        let devMode = state.settings.devMode
        let origin = self.origin.value
        let album = catalog.albums[index]
        return Self.offsetPage(album.trackIndices, base: "\(origin)/v1/albums/\(album.id)/tracks", limit: limit, offset: offset) {
            rendered.simplifiedTrack($0, devMode: devMode, origin: origin)
        }
    }

    /// The full album object: the simplified one plus its first 50 tracks, copyrights, UPC and,
    /// outside development mode, label and popularity.
    func fullAlbum(_ index: Int) -> String {
        let devMode = state.settings.devMode
        let album = catalog.albums[index]
        let simplified = rendered.simplifiedAlbum(index, devMode: devMode, origin: origin.value)
        let label = Names.label(for: album.id)
        let year = album.releaseDate.prefix(4)
        var extra: [(String, JSONValue)] = [
            ("tracks", .raw(albumTracksPage(index, limit: 50, offset: 0))),
            (
                "copyrights",
                [
                    .object([("text", .string("© \(year) \(label)")), ("type", "C")]),
                    .object([("text", .string("℗ \(year) \(label)")), ("type", "P")]),
                ]
            ),
            ("external_ids", .object([("upc", .string(Names.upc(for: album.id)))])),
            ("genres", []),
        ]
        if !devMode {
            let popularity = album.trackIndices.map { catalog.tracks[$0].popularity }.max() ?? 0
            extra += [("label", .string(label)), ("popularity", .int(popularity))]
        }
        // The simplified object is `{…}`: the extra fields go before its closing brace.
        return String(simplified.dropLast()) + "," + JSONValue.object(extra).serialized.dropFirst()
    }

    /// The catalog index of a path's ID: 400 for a malformed one, 404 for an unknown one.
    func lookUp(_ id: String?, in index: [String: Int]) throws(ErrorResponse) -> Int {
        let id = try Self.base62(id)
        guard let found = index[id] else { throw ErrorResponse(SpotifyResponses.webAPIError(.notFound, "Resource not found")) }
        return found
    }
}
