import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// The Web API under `/v1`, answering in Spotify's shapes from the seeded catalog.
struct WebAPIController: Sendable {
    let state: EmulatorState
    let catalog: Catalog
    let rendered: RenderedCatalog
    let origin: OriginBox

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/v1/me", use: user(me))
        router.get("/v1/me/top/:type", use: user([.userTopRead], topItems))
        router.get("/v1/me/player/recently-played", use: user([.userReadRecentlyPlayed], recentlyPlayed))
        router.post("/v1/me/playlists", use: user(createPlaylist))
        router.get("/v1/playlists/:id", use: anyToken(playlist))
        router.get("/v1/playlists/:id/items", use: user(playlistItems))
        router.post("/v1/playlists/:id/items", use: user(addPlaylistItems))
        addCatalogRoutes(to: router)
        addSearchRoutes(to: router)
        addSpokenRoutes(to: router)
        addLibraryRoutes(to: router)
        addFollowRoutes(to: router)
        addPlaylistEditingRoutes(to: router)
        addPlayerRoutes(to: router)
        addBrowseRoutes(to: router)
    }

    // MARK: Users and personalization

    @Sendable func me(request: Request, context: BasicRequestContext, caller: UserCaller) async throws -> Response {
        let (record, user) = (caller.token, caller.user)
        let body = rendered.user(user, scopes: record.scopes, devMode: state.settings.devMode, origin: origin.value)
        return Self.conditional(body, request: request)
    }

    @Sendable func topItems(request: Request, context: BasicRequestContext, caller: UserCaller) async throws -> Response {
        let user = caller.user
        let type = context.parameters.get("type") ?? ""
        guard type == "tracks" || type == "artists" else {
            return SpotifyResponses.webAPIError(.notFound, "Service not found")
        }
        let query = Self.query(request)
        let limit = try Self.intParameter(query, "limit", default: 20, range: 1...50, message: "Invalid limit")
        let offset = try Self.intParameter(query, "offset", default: 0, range: 0...Self.maxOffset, message: "Invalid offset")
        let range = query["time_range"] ?? "medium_term"
        guard Catalog.timeRanges.contains(range) else {
            return SpotifyResponses.webAPIError(.badRequest, "Invalid time range")
        }
        let indices = (type == "tracks" ? user.topTracks[range] : user.topArtists[range]) ?? []
        let renderedCatalog = rendered
        let origin = self.origin.value
        let apiBase = origin + "/v1"
        let devMode = state.settings.devMode
        let base = "\(apiBase)/me/top/\(type)"
        func href(_ limit: Int, _ offset: Int) -> String { "\(base)?limit=\(limit)&offset=\(offset)&time_range=\(range)" }
        let body: String
        if offset >= indices.count {
            // Past the ~50 items Spotify computes, it answers an empty page with total and limit 0.
            body = Self.page(
                href: href(0, offset), items: [], limit: 0, next: nil,
                offset: offset, previous: indices.isEmpty ? nil : href(limit, max(0, indices.count - limit)), total: 0
            )
        } else {
            let slice = indices[offset..<min(offset + limit, indices.count)]
            let items = slice.map {
                type == "tracks"
                    ? renderedCatalog.track($0, devMode: devMode, origin: origin) : renderedCatalog.artist($0, devMode: devMode, origin: origin)
            }
            body = Self.page(
                href: href(limit, offset), items: items, limit: limit,
                next: offset + limit < indices.count ? href(limit, offset + limit) : nil,
                offset: offset, previous: offset > 0 ? href(limit, max(0, offset - limit)) : nil, total: indices.count
            )
        }
        return Self.conditional(body, request: request)
    }

    @Sendable func recentlyPlayed(request: Request, context: BasicRequestContext, caller: UserCaller) async throws -> Response {
        let user = caller.user
        let query = Self.query(request)
        let limit = try Self.intParameter(query, "limit", default: 20, range: 1...50, message: "Invalid limit")
        let after = try query["after"].map { try Self.millis($0, "after") }
        let before = try query["before"].map { try Self.millis($0, "before") }
        if after != nil && before != nil {
            return SpotifyResponses.webAPIError(.badRequest, "Only one of after and before may be specified")
        }
        // The 50 plays Spotify keeps: the simulated listening up to the emulator's clock, or the
        // seeded history that ends on a fixed day.
        let history: [(track: Int, playedAtMs: Int64)] =
            state.settings.simulatesListening
            ? ListeningSimulator(catalog: catalog).recentlyPlayed(by: user, nowMs: Int64(state.now().timeIntervalSince1970 * 1000)).map {
                ($0.track, $0.playedAtMs)
            }
            : user.recentlyPlayed
        let plays: [(track: Int, playedAtMs: Int64)]
        var hasOlder = false
        if let after {
            // The plays just after the cursor, newest first.
            let newer = history.filter { $0.playedAtMs > after }
            plays = Array(newer.suffix(limit))
        } else {
            let older = before.map { cursor in history.filter { $0.playedAtMs < cursor } } ?? history
            plays = Array(older.prefix(limit))
            hasOlder = older.count > limit
        }
        let renderedCatalog = rendered
        let origin = self.origin.value
        let apiBase = origin + "/v1"
        let devMode = state.settings.devMode
        let base = "\(apiBase)/me/player/recently-played"
        var href = "\(base)?limit=\(limit)"
        if let after { href += "&after=\(after)" }
        if let before { href += "&before=\(before)" }
        var body = "{\"items\":["
        for (index, play) in plays.enumerated() {
            if index > 0 { body += "," }
            body += playHistoryObject(play, rendered: renderedCatalog, devMode: devMode, origin: origin)
        }
        body += "],\"next\":"
        if hasOlder, let oldest = plays.last { body += "\"\(base)?before=\(oldest.playedAtMs)&limit=\(limit)\"" } else { body += "null" }
        body += ",\"cursors\":"
        if let newest = plays.first, let oldest = plays.last {
            body += "{\"after\":\"\(newest.playedAtMs)\",\"before\":\"\(oldest.playedAtMs)\"}"
        } else {
            // Nothing to point at: both cursors are null, never a missing object.
            body += "{\"after\":null,\"before\":null}"
        }
        // The reference's example counts the plays kept (at most 50).
        body += ",\"limit\":\(limit),\"total\":\(history.count),\"href\":" + JSONValue.string(href).serialized + "}"
        return Self.conditional(body, request: request)
    }

    /// One PlayHistoryObject: the track, when it was played, and its album as the context.
    private func playHistoryObject(_ play: (track: Int, playedAtMs: Int64), rendered: RenderedCatalog, devMode: Bool, origin: String) -> String {
        let album = catalog.albums[catalog.tracks[play.track].albumIndex]
        let context = JSONValue.object([
            ("type", "album"),
            ("href", .string("\(origin)/v1/albums/\(album.id)")),
            ("external_urls", .object([("spotify", .string("https://open.spotify.com/album/\(album.id)"))])),
            ("uri", .string("spotify:album:\(album.id)")),
        ])
        return "{\"track\":" + rendered.track(play.track, devMode: devMode, origin: origin) + ",\"played_at\":\""
            + Self.iso8601(milliseconds: play.playedAtMs) + "\",\"context\":" + context.serialized + "}"
    }

    // MARK: Helpers

    static func query(_ request: Request) -> [String: String] {
        FormFields.parse(Substring(request.uri.query ?? ""))
    }

    /// The largest offset or position accepted: Spotify's parameters are 32-bit (`int32` in its
    /// definition), and keeping them there keeps every sum of them in range.
    static let maxOffset = Int(Int32.max)

    static func intParameter(
        _ query: [String: String], _ name: String, default fallback: Int, range: ClosedRange<Int>, message: String
    ) throws(ErrorResponse) -> Int {
        guard let text = query[name] else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw ErrorResponse(SpotifyResponses.webAPIError(.badRequest, message))
        }
        return value
    }

    static func millis(_ text: String, _ name: String) throws(ErrorResponse) -> Int64 {
        guard let value = Int64(text), value >= 0 else {
            throw ErrorResponse(SpotifyResponses.webAPIError(.badRequest, "Invalid \(name)"))
        }
        return value
    }

    static func base62(_ id: String?) throws(ErrorResponse) -> String {
        guard let id, Base62.isValidID(Substring(id)) else {
            throw ErrorResponse(SpotifyResponses.webAPIError(.badRequest, "Invalid base62 id"))
        }
        return id
    }

    /// An `offset`/`limit` page over a whole list, with links in `offset, limit` order as
    /// Spotify writes them for library and playlist lists.
    static func offsetPage<Element>(_ all: [Element], base: String, limit: Int, offset: Int, render: (Element) -> String) -> String {
        func href(_ offset: Int) -> String { "\(base)?offset=\(offset)&limit=\(limit)" }
        let total = all.count
        let items = offset < total ? all[offset..<min(offset + limit, total)].map(render) : []
        return page(
            href: href(offset), items: items, limit: limit, next: offset + limit < total ? href(offset + limit) : nil,
            offset: offset, previous: offset > 0 ? href(max(0, offset - limit)) : nil, total: total
        )
    }

    /// Spotify's paging object with pre-rendered items.
    static func page(href: String, items: [String], limit: Int, next: String?, offset: Int, previous: String?, total: Int) -> String {
        var body = "{\"href\":" + JSONValue.string(href).serialized + ",\"items\":["
        body.reserveCapacity(items.reduce(256) { $0 + $1.utf8.count + 1 })
        for (index, item) in items.enumerated() {
            if index > 0 { body += "," }
            body += item
        }
        body += "],\"limit\":\(limit),\"next\":" + JSONValue.optional(next).serialized
        body += ",\"offset\":\(offset),\"previous\":" + JSONValue.optional(previous).serialized
        body += ",\"total\":\(total)}"
        return body
    }

    /// A 200 with an `ETag`, or a 304 when the client already holds this version.
    static func conditional(_ body: String, request: Request) -> Response {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in body.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        let etag = "\"" + String(hash, radix: 16) + "\""
        if let candidates = request.headers[.ifNoneMatch],
            candidates.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == etag })
        {
            return Response(status: .notModified, headers: [.eTag: etag, .cacheControl: "private, max-age=0"])
        }
        return SpotifyResponses.json(body, extraHeaders: [.eTag: etag])
    }

    static func iso8601(milliseconds: Int64, fractional: Bool = true) -> String {
        let date = Date(timeIntervalSince1970: TimeInterval(milliseconds) / 1000)
        return date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: fractional))
    }
}

/// A Spotify-shaped error thrown out of a handler; the emulator's middleware turns it back into
/// its response.
struct ErrorResponse: Error, HTTPResponseError {
    let response: Response

    init(_ response: Response) { self.response = response }

    var status: HTTPResponse.Status { response.status }

    func response(from request: Request, context: some RequestContext) throws -> Response { response }
}

/// The emulator's own origin (`http://127.0.0.1:PORT`), known once the server is bound.
final class OriginBox: Sendable {
    private let storage = Mutex("http://127.0.0.1")

    var value: String { storage.withLock { $0 } }

    func set(_ origin: String) { storage.withLock { $0 = origin } }
}
