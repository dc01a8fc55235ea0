import Foundation
import Hummingbird

/// `GET /search` over the seeded catalog, with Spotify's field filters and both quota modes'
/// limits.
extension WebAPIController {
    static let searchTypes = ["album", "artist", "playlist", "track", "show", "episode", "audiobook"]

    func addSearchRoutes(to router: Router<BasicRequestContext>) {
        router.get("/v1/search", use: anyToken(search))
    }

    @Sendable func search(request: Request, context: BasicRequestContext, caller: TokenCaller) async throws -> Response {
        let devMode = state.settings.devMode
        let parameters = Self.query(request)
        guard let text = parameters["q"], !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            return SpotifyResponses.webAPIError(.badRequest, "No search query")
        }
        guard let typeList = parameters["type"], !typeList.isEmpty else { return SpotifyResponses.webAPIError(.badRequest, "Missing parameter type") }
        let types = typeList.split(separator: ",").map(String.init)
        guard types.allSatisfy(Self.searchTypes.contains) else { return SpotifyResponses.webAPIError(.badRequest, "Bad search type field") }
        // February 2026: development-mode apps get at most 10 results per type, 5 by default.
        let limit = try Self.intParameter(parameters, "limit", default: devMode ? 5 : 20, range: devMode ? 1...10 : 1...50, message: "Invalid limit")
        let offset = try Self.intParameter(parameters, "offset", default: 0, range: 0...1000, message: "Invalid offset")
        let query = SearchQuery(text)
        let origin = self.origin.value
        var sections: [(String, JSONValue)] = []
        for type in Self.searchTypes where types.contains(type) {
            let (matches, render) = searchMatches(type, query: query, devMode: devMode, origin: origin)
            let base = "\(origin)/v1/search"
            func href(_ offset: Int) -> String { "\(base)?offset=\(offset)&limit=\(limit)&query=\(FormFields.encode(text))&type=\(type)" }
            let total = min(matches.count, 1000)
            let items = offset < total ? matches[offset..<min(offset + limit, total)].map(render) : []
            let page = Self.page(
                href: href(offset), items: items, limit: limit, next: offset + limit < total ? href(offset + limit) : nil,
                offset: offset, previous: offset > 0 ? href(max(0, offset - limit)) : nil, total: total
            )
            sections.append((type + "s", .raw(page)))
        }
        return Self.conditional(JSONValue.object(sections).serialized, request: request)
    }

    /// The catalog indices matching `query` for one type, best first, and how to write one.
    func searchMatches(_ type: String, query: SearchQuery, devMode: Bool, origin: String) -> ([Int], (Int) -> String) {
        switch type {
        case "track":
            let matches = catalog.tracks.indices.filter { index in
                let track = catalog.tracks[index]
                let album = catalog.albums[track.albumIndex]
                return query.matches(
                    name: track.name, artists: track.artistIndices.map { catalog.artists[$0] }, album: album.name, year: album.releaseDate.prefix(4))
            }
            return (
                ranked(matches, name: { catalog.tracks[$0].name }, popularity: { catalog.tracks[$0].popularity }, query),
                {
                    rendered.track($0, devMode: devMode, origin: origin)
                }
            )
        case "album":
            let matches = catalog.albums.indices.filter { index in
                let album = catalog.albums[index]
                return query.matches(
                    name: album.name, artists: album.artistIndices.map { catalog.artists[$0] }, album: album.name, year: album.releaseDate.prefix(4))
            }
            let popularity: (Int) -> Int = { catalog.albums[$0].trackIndices.map { catalog.tracks[$0].popularity }.max() ?? 0 }
            return (
                ranked(matches, name: { catalog.albums[$0].name }, popularity: popularity, query),
                {
                    rendered.simplifiedAlbum($0, devMode: devMode, origin: origin)
                }
            )
        case "artist":
            let matches = catalog.artists.indices.filter {
                query.matches(name: catalog.artists[$0].name, artists: [catalog.artists[$0]], album: nil, year: nil)
            }
            return (
                ranked(matches, name: { catalog.artists[$0].name }, popularity: { catalog.artists[$0].popularity }, query),
                {
                    rendered.artist($0, devMode: devMode, origin: origin)
                }
            )
        case "show", "episode", "audiobook":
            return spokenMatches(type, query: query)
        default:
            return playlistMatches(query)
        }
    }

    /// Public playlists, as they stand now (made, renamed, made public or private, deleted), by
    /// their name or description, most followed first; a private playlist is never found.
    func playlistMatches(_ query: SearchQuery) -> ([Int], (Int) -> String) {
        let found = state.storage.withLock { storage in
            storage.playlists.values.filter { playlist in
                guard playlist.isSearchable else { return false }
                let fields = [playlist.name.lowercased(), (playlist.description ?? "").lowercased()]
                return query.words.allSatisfy { word in fields.contains { $0.contains(word) } }
            }
        }
        let ranked = found.sorted { ($0.followers, $1.id) > ($1.followers, $0.id) }
        return (Array(ranked.indices), { self.renderSimplified(ranked[$0]) })
    }

    /// Shows by name or publisher, episodes by their or their show's name, audiobooks by title
    /// or author; newest episodes first.
    func spokenMatches(_ type: String, query: SearchQuery) -> ([Int], (Int) -> String) {
        let spoken = catalog.spoken
        let renderer = spokenRenderer
        func matching(_ count: Int, _ names: (Int) -> [String]) -> [Int] {
            (0..<count).filter { index in
                let fields = names(index).map { $0.lowercased() }
                return query.words.allSatisfy { word in fields.contains { $0.contains(word) } }
            }
        }
        switch type {
        case "show":
            return (matching(spoken.shows.count) { [spoken.shows[$0].name, spoken.shows[$0].publisher] }, { renderer.simplifiedShow($0).serialized })
        case "episode":
            let found = matching(spoken.episodes.count) { [spoken.episodes[$0].name, spoken.shows[spoken.episodes[$0].showIndex].name] }
            return (found.sorted { spoken.episodes[$0].releaseDate > spoken.episodes[$1].releaseDate }, { renderer.simplifiedEpisode($0).serialized })
        default:
            return (
                matching(spoken.audiobooks.count) { [spoken.audiobooks[$0].name] + spoken.audiobooks[$0].authors },
                {
                    renderer.simplifiedAudiobook($0).serialized
                }
            )
        }
    }

    /// Exact name matches first, then by popularity, then catalog order.
    private func ranked(_ indices: [Int], name: (Int) -> String, popularity: (Int) -> Int, _ query: SearchQuery) -> [Int] {
        indices.sorted { left, right in
            let (exactLeft, exactRight) = (query.isExactName(name(left)), query.isExactName(name(right)))
            if exactLeft != exactRight { return exactLeft }
            let (popularLeft, popularRight) = (popularity(left), popularity(right))
            return popularLeft != popularRight ? popularLeft > popularRight : left < right
        }
    }
}

/// Spotify's query syntax, the parts the emulator honours: free words (each must appear in the
/// name or an artist's name) and the `artist:`, `album:`, `track:`, `genre:` and `year:` filters,
/// with quoted values.
struct SearchQuery: Sendable {
    var words: [String] = []
    var filters: [String: String] = [:]

    init(_ text: String) {
        for token in Self.tokens(text.lowercased()) {
            if let colon = token.firstIndex(of: ":"), ["artist", "album", "track", "genre", "year"].contains(String(token[..<colon])) {
                filters[String(token[..<colon])] = String(token[token.index(after: colon)...]).replacingOccurrences(of: "\"", with: "")
            } else {
                words.append(token.replacingOccurrences(of: "\"", with: ""))
            }
        }
    }

    /// Whitespace-separated tokens; a quoted stretch stays one token.
    static func tokens(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        var quoted = false
        for character in text {
            if character == "\"" { quoted.toggle() }
            if character.isWhitespace && !quoted {
                if !current.isEmpty { tokens.append(current) }
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    func isExactName(_ name: String) -> Bool { name.lowercased() == words.joined(separator: " ") }

    func matches(name: String, artists: [Catalog.Artist], album: String?, year: Substring?) -> Bool {
        let name = name.lowercased()
        let artistNames = artists.map { $0.name.lowercased() }
        for word in words where !name.contains(word) && !artistNames.contains(where: { $0.contains(word) }) { return false }
        if let artist = filters["artist"], !artistNames.contains(where: { $0.contains(artist) }) { return false }
        if let track = filters["track"], !name.contains(track) { return false }
        if let wanted = filters["album"], !(album?.lowercased().contains(wanted) ?? false) { return false }
        if let genre = filters["genre"], !artists.contains(where: { $0.genres.contains { $0.contains(genre) } }) { return false }
        if let range = filters["year"], let year = year.flatMap({ Int($0) }) {
            let bounds = range.split(separator: "-").compactMap { Int($0) }
            guard let low = bounds.first, let high = bounds.last, low <= high, (low...high).contains(year) else { return false }
        }
        return true
    }
}
