import Foundation
import Hummingbird
import NIOCore
import SpotifyWebAPI

/// The top-items pages (`/top/tracks`, `/top/artists`) and their JSON twins under `/api`.
struct TopItemsController {
    let spotify: SpotifyAccess
    let pages: Pages

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
            let body = try await spotify(userID: context.userID) { users in
                try await users.cachedGET(
                    userID: context.userID, request: .currentUserProfile, bypassCache: Self.bypass(request)
                )
            }
            return Self.json(body)
        }
        routes.get("/api/top/tracks") { request, context in try await api(.tracks, request, context) }
        routes.get("/api/top/artists") { request, context in try await api(.artists, request, context) }
        return routes
    }

    /// Spotify's paging object, byte for byte as Spotify sent it.
    private func api(_ kind: TopItemsType, _ request: Request, _ context: SignedInContext) async throws -> Response {
        let query = try Query(kind, request)
        return Self.json(try await fetch(query, request: request, userID: context.userID))
    }

    private func page(_ kind: TopItemsType, _ request: Request, _ context: SignedInContext) async throws -> Response {
        let query = try Query(kind, request)
        let answer = try await fetchAnswer(query, request: request, userID: context.userID)
        // Rendered once per stored answer (its slot is per cache key, and the key holds the kind
        // and the whole query); each view only puts this session's CSRF token in.
        let page = try answer.derived.value { () throws(AppError) -> PrerenderedPage in
            let decoded = try TopView.Rows(kind, offset: query.offset, from: answer.body)
            return pages.views.prerender(
                "top",
                TopView(kind, timeRange: query.timeRange, limit: query.limit, offset: query.offset, decoded, csrfToken: ViewRenderer.csrfPlaceholder))
        }
        return ViewRenderer.response(page.html(csrfToken: pages.csrfToken(sessionID: context.sessionID)))
    }

    private func fetch(_ query: Query, request: Request, userID: String) async throws -> ByteBuffer {
        try await fetchAnswer(query, request: request, userID: userID).body
    }

    private func fetchAnswer(_ query: Query, request: Request, userID: String) async throws -> ResponseCache.Entry {
        try await spotify(userID: userID) { users in
            try await users.cachedAnswer(userID: userID, request: query.spotifyRequest, bypassCache: Self.bypass(request))
        }
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
