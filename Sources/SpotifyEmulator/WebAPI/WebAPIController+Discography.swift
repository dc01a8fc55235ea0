import Foundation
import Hummingbird

/// An artist's albums, top tracks and related artists; new releases; markets.
extension WebAPIController {
    @Sendable func artistAlbums(request: Request, context: BasicRequestContext, caller: TokenCaller) async throws -> Response {
        let artistIndex = try lookUp(context.parameters.get("id"), in: catalog.artistIndexByID)
        let devMode = state.settings.devMode
        let query = Self.query(request)
        // February 2026: development-mode apps page this list 10 at a time at most, 5 by default.
        let limit = try Self.intParameter(query, "limit", default: devMode ? 5 : 20, range: devMode ? 1...10 : 1...50, message: "Invalid limit")
        let offset = try Self.intParameter(query, "offset", default: 0, range: 0...Self.maxOffset, message: "Invalid offset")
        let known = ["album", "single", "compilation", "appears_on"]
        let groups = query["include_groups"].map { $0.split(separator: ",").map(String.init) } ?? known
        guard groups.allSatisfy(known.contains) else { return SpotifyResponses.webAPIError(.badRequest, "Invalid include_groups") }
        let discography = discography(of: artistIndex).filter { groups.contains($0.group) }
        let origin = self.origin.value
        let base = "\(origin)/v1/artists/\(catalog.artists[artistIndex].id)/albums"
        let body = Self.offsetPage(discography, base: base, limit: limit, offset: offset) { entry in
            let album = rendered.simplifiedAlbum(entry.album, devMode: devMode, origin: origin)
            return devMode ? album : String(album.dropLast()) + ",\"album_group\":\"\(entry.group)\"}"
        }
        return Self.conditional(body, request: request)
    }

    /// The artist's own releases, newest first, then the albums they appear on.
    func discography(of artistIndex: Int) -> [(album: Int, group: String)] {
        var own: [(album: Int, group: String)] = []
        var appearsOn: [(album: Int, group: String)] = []
        for (index, album) in catalog.albums.enumerated() {
            if album.artistIndices.contains(artistIndex) {
                own.append((index, album.albumType))
            } else if album.trackIndices.contains(where: { catalog.tracks[$0].artistIndices.contains(artistIndex) }) {
                appearsOn.append((index, "appears_on"))
            }
        }
        let newestFirst: ((album: Int, group: String), (album: Int, group: String)) -> Bool = {
            catalog.albums[$0.album].releaseDate > catalog.albums[$1.album].releaseDate
        }
        return own.sorted(by: newestFirst) + appearsOn.sorted(by: newestFirst)
    }

    @Sendable func artistTopTracks(request: Request, context: BasicRequestContext, caller: TokenCaller) async throws -> Response {
        try refuseInDevelopmentMode()
        let artistIndex = try lookUp(context.parameters.get("id"), in: catalog.artistIndexByID)
        let tracks = catalog.tracks.indices.filter { catalog.tracks[$0].artistIndices.contains(artistIndex) }
            .sorted {
                catalog.tracks[$0].popularity != catalog.tracks[$1].popularity
                    ? catalog.tracks[$0].popularity > catalog.tracks[$1].popularity : $0 < $1
            }
            .prefix(10)
        let items = tracks.map { rendered.track($0, devMode: false, origin: origin.value) }
        return Self.conditional("{\"tracks\":[" + items.joined(separator: ",") + "]}", request: request)
    }

    @Sendable func relatedArtists(request: Request, context: BasicRequestContext, caller: TokenCaller) async throws -> Response {
        try refuseInDevelopmentMode()
        let artistIndex = try lookUp(context.parameters.get("id"), in: catalog.artistIndexByID)
        let genres = Set(catalog.artists[artistIndex].genres)
        let related = catalog.artists.indices.filter { $0 != artistIndex && !genres.isDisjoint(with: catalog.artists[$0].genres) }
            .sorted {
                catalog.artists[$0].popularity != catalog.artists[$1].popularity
                    ? catalog.artists[$0].popularity > catalog.artists[$1].popularity : $0 < $1
            }
            .prefix(20)
        let items = related.map { rendered.artist($0, devMode: false, origin: origin.value) }
        return Self.conditional("{\"artists\":[" + items.joined(separator: ",") + "]}", request: request)
    }

    @Sendable func newReleases(request: Request, context: BasicRequestContext, caller: TokenCaller) async throws -> Response {
        try refuseInDevelopmentMode()
        let (limit, offset) = try Self.limitAndOffset(request)
        let newest = catalog.albums.indices.sorted { catalog.albums[$0].releaseDate > catalog.albums[$1].releaseDate }.prefix(100)
        let origin = self.origin.value
        let page = Self.offsetPage(Array(newest), base: "\(origin)/v1/browse/new-releases", limit: limit, offset: offset) {
            rendered.simplifiedAlbum($0, devMode: false, origin: origin)
        }
        return Self.conditional("{\"albums\":" + page + "}", request: request)
    }

    @Sendable func markets(request: Request, context: BasicRequestContext, caller: TokenCaller) async throws -> Response {
        try refuseInDevelopmentMode()
        return Self.conditional(JSONValue.object([("markets", .array(Catalog.markets.map(JSONValue.string)))]).serialized, request: request)
    }
}
