import Foundation
import Hummingbird
import NIOCore
import SpotifyWebAPI

/// The top-items pages (`/top/tracks`, `/top/artists`) and their JSON twins under `/api`.
struct TopItemsController {
    let services: AppServices

    /// The query shared by pages and API, and the Spotify request it makes. Spotify's ranges
    /// are the library's to check (once, as it builds the request); the app adds its own bound
    /// on `offset`, which keeps the cache's key space small.
    struct Query {
        var timeRange: TimeRange
        var limit: Int
        var offset: Int
        var spotifyRequest: SpotifyRequest

        init(_ kind: TopItemsType, _ request: Request) throws(AppError) {
            let reader = QueryReader(request)
            timeRange = try reader.timeRange()
            limit = try reader.wholeNumber("limit", default: 20)
            offset = try reader.wholeNumber("offset", default: 0)
            guard offset <= 100_000 else { throw .badParameter(name: "offset", message: "must be 100000 or less") }
            do {
                spotifyRequest = try .currentUserTop(kind, timeRange: timeRange, limit: limit, offset: offset)
            } catch {
                throw .badParameter(name: error.parameter ?? "limit", message: Self.explanation(of: error))
            }
        }

        /// The library's words without the parameter's name, which the page puts first.
        private static func explanation(of error: SpotifyAPIError) -> String {
            guard let message = error.message, let parameter = error.parameter, message.hasPrefix(parameter + " ") else { return "is out of range" }
            return String(message.dropFirst(parameter.count + 1))
        }
    }

    func pageRoutes() -> RouteCollection<SignedInContext> {
        let routes = RouteCollection(context: SignedInContext.self)
        routes.get("/top/tracks") { request, context in try await page(.tracks, request, context) }
        routes.get("/top/artists") { request, context in try await page(.artists, request, context) }
        return routes
    }

    func apiRoutes() -> RouteCollection<SignedInContext> {
        let routes = RouteCollection(context: SignedInContext.self)
        routes.get("/api/me") { request, context in
            let body = try await services.spotify(userID: context.userID) {
                try await services.users.cachedGET(
                    userID: context.userID, request: .currentUserProfile, bypassCache: Self.bypass(request)
                )
            }
            return Self.json(body)
        }
        routes.get("/api/top/tracks") { request, context in try await api(.tracks, request, context) }
        routes.get("/api/top/artists") { request, context in try await api(.artists, request, context) }
        return routes
    }

    typealias Kind = TopItemsType

    /// Spotify's paging object, byte for byte as Spotify sent it.
    private func api(_ kind: Kind, _ request: Request, _ context: SignedInContext) async throws -> Response {
        let query = try Query(kind, request)
        return Self.json(try await fetch(query, request: request, userID: context.userID))
    }

    /// The rows of a page and the total Spotify reported, as decoded from one answer.
    struct Rows: Sendable {
        var rows: [TopView.Row]
        var total: Int
    }

    private func page(_ kind: Kind, _ request: Request, _ context: SignedInContext) async throws -> Response {
        let query = try Query(kind, request)
        let answer = try await fetchAnswer(query, request: request, userID: context.userID)
        // Rendered once per stored answer (its slot is per cache key, and the key holds the kind
        // and the whole query); each view only puts this session's CSRF token in.
        let page = try answer.derived.value { () throws(AppError) -> PrerenderedPage in
            let decoded = try Self.rows(kind, offset: query.offset, from: answer.body)
            return services.views.prerender("top", Self.view(kind, query, decoded, csrfToken: ViewRenderer.csrfPlaceholder))
        }
        return ViewRenderer.response(page.html(csrfToken: services.csrf.token(forSession: context.sessionID)))
    }

    /// The page's view model; `csrfToken` goes in the header's logout form and the save form.
    static func view(_ kind: Kind, _ query: Query, _ decoded: Rows, csrfToken: String) -> TopView {
        let rows = decoded.rows, total = decoded.total
        let path = "/top/\(kind.rawValue)"
        func href(range: TimeRange, offset: Int) -> String {
            var href = "\(path)?time_range=\(range.rawValue)"
            if query.limit != 20 { href += "&limit=\(query.limit)" }
            if offset > 0 { href += "&offset=\(offset)" }
            return href
        }
        let noun = kind == .tracks ? "tracks" : "artists"
        return TopView(
            title: "Top \(noun)",
            heading: "Your top \(noun)",
            caption:
                "\(Display.rangeLabel(query.timeRange)): \(noun) \(rows.isEmpty ? 0 : query.offset + 1)–\(query.offset + rows.count) of \(total)",
            chrome: Chrome(csrfToken: csrfToken, onTracks: kind == .tracks, onArtists: kind == .artists),
            tabs: TimeRange.allCases.map {
                TopView.Tab(label: Display.rangeLabel($0), href: href(range: $0, offset: 0), current: $0 == query.timeRange)
            },
            rows: rows,
            hasRows: !rows.isEmpty,
            isTracks: kind == .tracks,
            imageColumn: kind == .tracks ? "Cover" : "Photo",
            titleColumn: kind == .tracks ? "Title" : "Artist",
            timeRange: query.timeRange.rawValue,
            csrfToken: csrfToken,
            limit: query.limit,
            previousHref: query.offset > 0 ? href(range: query.timeRange, offset: max(0, query.offset - query.limit)) : nil,
            nextHref: query.offset + rows.count < total && !rows.isEmpty ? href(range: query.timeRange, offset: query.offset + query.limit) : nil
        )
    }

    private func fetch(_ query: Query, request: Request, userID: String) async throws -> ByteBuffer {
        try await fetchAnswer(query, request: request, userID: userID).body
    }

    private func fetchAnswer(_ query: Query, request: Request, userID: String) async throws -> ResponseCache.Entry {
        try await services.spotify(userID: userID) {
            try await services.users.cachedAnswer(userID: userID, request: query.spotifyRequest, bypassCache: Self.bypass(request))
        }
    }

    /// Decodes Spotify's page into display rows.
    static func rows(_ kind: Kind, offset: Int, from body: ByteBuffer) throws(AppError) -> Rows {
        let decoder = SpotifyJSON.makeDecoder()
        do {
            switch kind {
            case .tracks:
                let page = try decoder.decode(Page<Track>.self, from: body)
                return Rows(rows: page.items.enumerated().map { index, track in trackRow(track, rank: offset + index + 1) }, total: page.total)
            case .artists:
                let page = try decoder.decode(Page<Artist>.self, from: body)
                return Rows(rows: page.items.enumerated().map { index, artist in artistRow(artist, rank: offset + index + 1) }, total: page.total)
            }
        } catch {
            throw AppError.upstream(SpotifyAPIError(code: .decoding, service: .webAPI, message: "the top items were not in the expected shape"))
        }
    }

    private static func trackRow(_ track: Track, rank: Int) -> TopView.Row {
        let artists = track.artists.map(\.name).joined(separator: ", ")
        return TopView.Row(
            rank: rank,
            imageURL: track.album?.images?.bestImage(atLeast: 64)?.url,
            imageAlt: track.album.map { "Cover of \($0.name)" } ?? "",
            title: track.name,
            subtitle: artists.isEmpty ? nil : artists,
            detail: track.album?.name ?? "",
            duration: Display.duration(milliseconds: track.durationMs),
            spotifyURL: Display.spotifyURL(external: track.externalURLs, uri: track.uri, kind: "track", id: track.id)
        )
    }

    private static func artistRow(_ artist: Artist, rank: Int) -> TopView.Row {
        TopView.Row(
            rank: rank,
            imageURL: artist.images?.bestImage(atLeast: 64)?.url,
            imageAlt: "Photo of \(artist.name)",
            title: artist.name,
            subtitle: nil,
            detail: (artist.genres ?? []).prefix(3).joined(separator: ", "),
            duration: nil,
            spotifyURL: Display.spotifyURL(external: artist.externalURLs, uri: artist.uri, kind: "artist", id: artist.id)
        )
    }

    /// `Cache-Control: no-cache` (a hard reload) asks Spotify again. A plain reload's
    /// `max-age=0` does not: repeat views within the TTL are what the cache is for.
    static func bypass(_ request: Request) -> Bool {
        guard let value = request.headers[.cacheControl] else { return false }
        return value.split(separator: ",").contains { directive in
            let token = directive.trimmingWhitespace().lowercased()
            return token == "no-cache"
        }
    }

    static func json(_ body: ByteBuffer) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "private, no-store"],
            body: .init(byteBuffer: body)
        )
    }
}
