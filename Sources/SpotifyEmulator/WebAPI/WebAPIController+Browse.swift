import Foundation
import Hummingbird

/// Browse categories, featured playlists, audio features and analysis, and recommendations:
/// removed for development-mode apps (and for apps made after November 2024); in extended mode
/// derived from the seeded catalog.
extension WebAPIController {
    func addBrowseRoutes(to router: Router<BasicRequestContext>) {
        router.get("/v1/browse/categories", use: anyToken(categories))
        router.get("/v1/browse/categories/:id", use: anyToken(category))
        router.get(
            "/v1/browse/categories/:id/playlists",
            use: anyToken { request, context, _ in
                _ = try lookUpCategory(context)
                return try editorialPlaylists(request, message: "Popular in this category")
            })
        router.get(
            "/v1/browse/featured-playlists",
            use: anyToken { request, _, _ in
                try refuseInDevelopmentMode()
                return try editorialPlaylists(request, message: "Popular playlists")
            })
        router.get(
            "/v1/audio-features/:id",
            use: anyToken { _, context, _ in
                try refuseInDevelopmentMode()
                return SpotifyResponses.json(audioFeatures(try lookUp(context.parameters.get("id"), in: catalog.trackIndexByID)).serialized)
            })
        router.get(
            "/v1/audio-features",
            use: anyToken { request, _, _ in
                try await several(request, key: "audio_features", maximum: 100, index: catalog.trackIndexByID) { audioFeatures($0).serialized }
            })
        router.get("/v1/audio-analysis/:id", use: anyToken(audioAnalysis))
        router.get("/v1/recommendations", use: anyToken(recommendations))
        router.get(
            "/v1/recommendations/available-genre-seeds",
            use: anyToken { _, _, _ in
                try refuseInDevelopmentMode()
                return SpotifyResponses.json(JSONValue.object([("genres", .array(Names.genres.map(JSONValue.string)))]).serialized)
            })
    }

    static func categoryID(_ genre: String) -> String {
        String(genre.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }

    func categoryJSON(_ genre: String) -> JSONValue {
        let id = Self.categoryID(genre)
        return .object([
            ("href", .string("\(origin.value)/v1/browse/categories/\(id)")),
            ("icons", [.object([("height", 274), ("url", .string("\(origin.value)/image/category-\(id)")), ("width", 274)])]),
            ("id", .string(id)), ("name", .string(genre.capitalized)),
        ])
    }

    @Sendable func categories(request: Request, context: BasicRequestContext, caller: TokenCaller) async throws -> Response {
        try refuseInDevelopmentMode()
        let (limit, offset) = try Self.limitAndOffset(request)
        let page = Self.offsetPage(Names.genres, base: "\(origin.value)/v1/browse/categories", limit: limit, offset: offset) {
            categoryJSON($0).serialized
        }
        return Self.conditional("{\"categories\":" + page + "}", request: request)
    }

    func lookUpCategory(_ context: BasicRequestContext) throws(ErrorResponse) -> String {
        try refuseInDevelopmentMode()
        let id = context.parameters.get("id") ?? ""
        guard let genre = Names.genres.first(where: { Self.categoryID($0) == id }) else {
            throw ErrorResponse(SpotifyResponses.webAPIError(.notFound, "Resource not found"))
        }
        return genre
    }

    @Sendable func category(request: Request, context: BasicRequestContext, caller: TokenCaller) async throws -> Response {
        Self.conditional(categoryJSON(try lookUpCategory(context)).serialized, request: request)
    }

    /// Spotify's editorial playlists are gone for most apps since November 2024, and the seeded
    /// catalog has none: an empty page with the message.
    func editorialPlaylists(_ request: Request, message: String) throws -> Response {
        let (limit, offset) = try Self.limitAndOffset(request)
        let page = Self.offsetPage([String](), base: "\(origin.value)/v1/browse/featured-playlists", limit: limit, offset: offset) { $0 }
        return Self.conditional("{\"message\":" + JSONValue.string(message).serialized + ",\"playlists\":" + page + "}", request: request)
    }

    /// A track's features, drawn from a generator seeded by its ID: the same track, the same figures.
    func audioFeatures(_ index: Int) -> JSONValue {
        let track = catalog.tracks[index]
        var random = SeededGenerator(seed: Names.stableHash("features-" + track.id))
        func unit() -> JSONValue { .double((Double.random(in: 0...1, using: &random) * 1000).rounded() / 1000) }
        return .object([
            ("acousticness", unit()), ("analysis_url", .string("\(origin.value)/v1/audio-analysis/\(track.id)")), ("danceability", unit()),
            ("duration_ms", .int(track.durationMs)), ("energy", unit()), ("id", .string(track.id)), ("instrumentalness", unit()),
            ("key", .int(Int.random(in: 0...11, using: &random))), ("liveness", unit()),
            ("loudness", .double((Double.random(in: -20 ... -3, using: &random) * 100).rounded() / 100)),
            ("mode", .int(Int.random(in: 0...1, using: &random))),
            ("speechiness", unit()), ("tempo", .double((Double.random(in: 70...180, using: &random) * 10).rounded() / 10)),
            ("time_signature", .int([3, 4, 4, 4, 5].randomElement(using: &random) ?? 4)),
            ("track_href", .string("\(origin.value)/v1/tracks/\(track.id)")), ("type", "audio_features"),
            ("uri", .string("spotify:track:\(track.id)")),
            ("valence", unit()),
        ])
    }

    @Sendable func audioAnalysis(request: Request, context: BasicRequestContext, caller: TokenCaller) async throws -> Response {
        try refuseInDevelopmentMode()
        let index = try lookUp(context.parameters.get("id"), in: catalog.trackIndexByID)
        let seconds = Double(catalog.tracks[index].durationMs) / 1000
        let beat = 0.5
        func intervals(_ length: Double) -> JSONValue {
            .array(
                stride(from: 0, to: seconds, by: length).map {
                    .object([("start", .double($0)), ("duration", .double(min(length, seconds - $0))), ("confidence", .double(0.8))])
                })
        }
        let sections: [JSONValue] = stride(from: 0, to: seconds, by: 30).map {
            .object([
                ("start", .double($0)), ("duration", .double(min(30, seconds - $0))), ("confidence", 1), ("loudness", .double(-8)),
                ("tempo", .double(120)),
                ("tempo_confidence", .double(0.7)), ("key", 0), ("key_confidence", .double(0.5)), ("mode", .double(1)),
                ("mode_confidence", .double(0.5)),
                ("time_signature", 4), ("time_signature_confidence", 1),
            ])
        }
        // A segment every two seconds, its pitch and timbre varying with the track and the time,
        // so that two tracks' analyses differ.
        let segments: [JSONValue] = stride(from: 0, to: seconds, by: 2).enumerated().map { step, start in
            let wave = { (k: Int) in (sin(Double(index * 7 + step * 3 + k)) + 1) / 2 }
            return .object([
                ("start", .double(start)), ("duration", .double(min(2, seconds - start))), ("confidence", .double(0.6)),
                ("loudness_start", .double(-20 + 4 * wave(1))), ("loudness_max", .double(-8 + 2 * wave(2))),
                ("loudness_max_time", .double(0.08)), ("loudness_end", 0),
                ("pitches", .array((0..<12).map { .double(((wave($0) * 1000).rounded()) / 1000) })),
                ("timbre", .array((0..<12).map { .double(((wave($0 + 12) * 200 - 100) * 1000).rounded() / 1000) })),
            ])
        }
        let body = JSONValue.object([
            ("meta", .object([("analyzer_version", "4.0.0"), ("platform", "Linux"), ("status_code", 0), ("timestamp", .int(1_795_000_000))])),
            ("track", .object([("duration", .double(seconds)), ("tempo", .double(120)), ("time_signature", 4), ("key", 0), ("mode", 1)])),
            ("bars", intervals(beat * 4)), ("beats", intervals(beat)), ("sections", .array(sections)), ("segments", .array(segments)),
            ("tatums", intervals(beat / 2)),
        ])
        return SpotifyResponses.json(body.serialized)
    }

    /// Up to 5 seeds across artists, genres and tracks; tracks whose first artist shares a
    /// genre with the seeds, most popular first.
    @Sendable func recommendations(request: Request, context: BasicRequestContext, caller: TokenCaller) async throws -> Response {
        try refuseInDevelopmentMode()
        let query = Self.query(request)
        let limit = try Self.intParameter(query, "limit", default: 20, range: 1...100, message: "Invalid limit")
        func list(_ name: String) -> [String] { query[name].map { $0.split(separator: ",").map(String.init) } ?? [] }
        let (artists, genres, tracks) = (list("seed_artists"), list("seed_genres"), list("seed_tracks"))
        guard (1...5).contains(artists.count + genres.count + tracks.count) else {
            return SpotifyResponses.webAPIError(.badRequest, "Between 1 and 5 seeds are needed")
        }
        var wanted = Set(genres)
        for id in artists {
            guard let index = catalog.artistIndexByID[id] else { return SpotifyResponses.webAPIError(.badRequest, "Invalid artist seed") }
            wanted.formUnion(catalog.artists[index].genres)
        }
        for id in tracks {
            guard let index = catalog.trackIndexByID[id] else { return SpotifyResponses.webAPIError(.badRequest, "Invalid track seed") }
            wanted.formUnion(catalog.artists[catalog.tracks[index].artistIndices[0]].genres)
        }
        let pool = catalog.tracks.indices.filter { !wanted.isDisjoint(with: catalog.artists[catalog.tracks[$0].artistIndices[0]].genres) }
        let picked = pool.sorted {
            catalog.tracks[$0].popularity != catalog.tracks[$1].popularity ? catalog.tracks[$0].popularity > catalog.tracks[$1].popularity : $0 < $1
        }.prefix(limit)
        let seeds: [JSONValue] =
            artists.map { seed("artist", $0, pool.count, picked.count) } + genres.map { seed("genre", $0, pool.count, picked.count) }
            + tracks.map { seed("track", $0, pool.count, picked.count) }
        let items = picked.map { rendered.track($0, devMode: false, origin: origin.value) }
        return SpotifyResponses.json(
            JSONValue.object([("seeds", .array(seeds)), ("tracks", .raw("[" + items.joined(separator: ",") + "]"))]).serialized)
    }

    private func seed(_ type: String, _ id: String, _ pool: Int, _ picked: Int) -> JSONValue {
        // A genre seed has no API link: its href is null, as the definition says.
        .object(
            [("afterFilteringSize", .int(pool)), ("afterRelinkingSize", .int(picked))]
                + [("href", type == "genre" ? .null : .string("\(origin.value)/v1/\(type)s/\(id)"))]
                + [("id", .string(id)), ("initialPoolSize", .int(pool)), ("type", .string(type.uppercased()))])
    }
}
