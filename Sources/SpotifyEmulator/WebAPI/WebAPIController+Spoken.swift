import Foundation
import Hummingbird

/// Shows, episodes, audiobooks and chapters; the multi-gets only outside development mode.
extension WebAPIController {
    func addSpokenRoutes(to router: Router<BasicRequestContext>) {
        router.get("/v1/shows/:id", use: anyToken(show))
        router.get("/v1/shows", use: anyToken(severalShows))
        router.get("/v1/shows/:id/episodes", use: anyToken(showEpisodes))
        router.get("/v1/episodes/:id", use: anyToken(episode))
        router.get("/v1/episodes", use: anyToken(severalEpisodes))
        router.get("/v1/audiobooks/:id", use: anyToken(audiobook))
        router.get("/v1/audiobooks", use: anyToken(severalAudiobooks))
        router.get("/v1/audiobooks/:id/chapters", use: anyToken(audiobookChapters))
        router.get("/v1/chapters/:id", use: anyToken(chapter))
        router.get("/v1/chapters", use: anyToken(severalChapters))
    }

    var spokenRenderer: SpokenRenderer { SpokenRenderer(spoken: catalog.spoken, origin: origin.value, devMode: state.settings.devMode) }

    @Sendable func show(request: Request, context: BasicRequestContext, caller: TokenCaller) async throws -> Response {
        let index = try lookUp(context.parameters.get("id"), in: catalog.spoken.showIndexByID)
        return Self.conditional(spokenRenderer.show(index, episodes: episodesPage(index, limit: 50, offset: 0)).serialized, request: request)
    }

    @Sendable func showEpisodes(request: Request, context: BasicRequestContext, caller: TokenCaller) async throws -> Response {
        let index = try lookUp(context.parameters.get("id"), in: catalog.spoken.showIndexByID)
        let (limit, offset) = try Self.limitAndOffset(request)
        return Self.conditional(episodesPage(index, limit: limit, offset: offset), request: request)
    }

    func episodesPage(_ showIndex: Int, limit: Int, offset: Int) -> String {
        let renderer = spokenRenderer
        let show = catalog.spoken.shows[showIndex]
        return Self.offsetPage(show.episodeIndices, base: "\(renderer.apiBase)/shows/\(show.id)/episodes", limit: limit, offset: offset) {
            renderer.simplifiedEpisode($0).serialized
        }
    }

    @Sendable func episode(request: Request, context: BasicRequestContext, caller: TokenCaller) async throws -> Response {
        let index = try lookUp(context.parameters.get("id"), in: catalog.spoken.episodeIndexByID)
        return Self.conditional(spokenRenderer.episode(index).serialized, request: request)
    }

    @Sendable func audiobook(request: Request, context: BasicRequestContext, caller: TokenCaller) async throws -> Response {
        let index = try lookUp(context.parameters.get("id"), in: catalog.spoken.audiobookIndexByID)
        return Self.conditional(spokenRenderer.audiobook(index, chapters: chaptersPage(index, limit: 50, offset: 0)).serialized, request: request)
    }

    @Sendable func audiobookChapters(request: Request, context: BasicRequestContext, caller: TokenCaller) async throws -> Response {
        let index = try lookUp(context.parameters.get("id"), in: catalog.spoken.audiobookIndexByID)
        let (limit, offset) = try Self.limitAndOffset(request)
        return Self.conditional(chaptersPage(index, limit: limit, offset: offset), request: request)
    }

    func chaptersPage(_ audiobookIndex: Int, limit: Int, offset: Int) -> String {
        let renderer = spokenRenderer
        let book = catalog.spoken.audiobooks[audiobookIndex]
        return Self.offsetPage(book.chapterIndices, base: "\(renderer.apiBase)/audiobooks/\(book.id)/chapters", limit: limit, offset: offset) {
            renderer.simplifiedChapter($0).serialized
        }
    }

    @Sendable func chapter(request: Request, context: BasicRequestContext, caller: TokenCaller) async throws -> Response {
        let index = try lookUp(context.parameters.get("id"), in: catalog.spoken.chapterIndexByID)
        return Self.conditional(spokenRenderer.chapter(index).serialized, request: request)
    }

    @Sendable func severalShows(request: Request, context: BasicRequestContext, caller: TokenCaller) async throws -> Response {
        let renderer = spokenRenderer
        return try await several(request, key: "shows", maximum: 50, index: catalog.spoken.showIndexByID) { renderer.simplifiedShow($0).serialized }
    }

    @Sendable func severalEpisodes(request: Request, context: BasicRequestContext, caller: TokenCaller) async throws -> Response {
        let renderer = spokenRenderer
        return try await several(request, key: "episodes", maximum: 50, index: catalog.spoken.episodeIndexByID) { renderer.episode($0).serialized }
    }

    @Sendable func severalAudiobooks(request: Request, context: BasicRequestContext, caller: TokenCaller) async throws -> Response {
        try await several(request, key: "audiobooks", maximum: 50, index: catalog.spoken.audiobookIndexByID) { index in
            audiobookWithChapters(index)
        }
    }

    @Sendable func severalChapters(request: Request, context: BasicRequestContext, caller: TokenCaller) async throws -> Response {
        let renderer = spokenRenderer
        return try await several(request, key: "chapters", maximum: 50, index: catalog.spoken.chapterIndexByID) { renderer.chapter($0).serialized }
    }

    func audiobookWithChapters(_ index: Int) -> String {
        spokenRenderer.audiobook(index, chapters: chaptersPage(index, limit: 50, offset: 0)).serialized
    }

    /// `limit` 1…50 (default 20) and `offset` ≥ 0, or Spotify's 400.
    static func limitAndOffset(_ request: Request, maximum: Int = 50) throws(ErrorResponse) -> (Int, Int) {
        let query = query(request)
        return (
            try intParameter(query, "limit", default: 20, range: 1...maximum, message: "Invalid limit"),
            try intParameter(query, "offset", default: 0, range: 0...Self.maxOffset, message: "Invalid offset")
        )
    }
}
