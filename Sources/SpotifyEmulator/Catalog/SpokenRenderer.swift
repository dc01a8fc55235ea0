/// Spotify's JSON for shows, episodes, audiobooks and chapters, in the full and the
/// development-mode shape (no `available_markets` or `publisher`).
struct SpokenRenderer {
    let spoken: SpokenCatalog
    let origin: String
    let devMode: Bool
    var apiBase: String { origin + "/v1" }

    /// The fields every object has. A chapter calls itself an episode (`type`, `uri`, link), as
    /// Spotify's reference and the definition say, under its own `/chapters/` API link.
    private func common(_ type: String, _ id: String, name: String) -> [(String, JSONValue)] {
        let kind = type == "chapter" ? "episode" : type
        return [
            ("external_urls", .object([("spotify", .string("https://open.spotify.com/\(kind)/\(id)"))])),
            ("href", .string("\(apiBase)/\(type)s/\(id)")),
            ("id", .string(id)),
            (
                "images",
                .array(
                    [640, 300, 64].map {
                        .object([("height", .int($0)), ("url", .string("\(origin)/image/\(type)-\(id)-\($0)")), ("width", .int($0))])
                    })
            ),
            ("name", .string(name)),
            ("type", .string(kind)),
            ("uri", .string("spotify:\(kind):\(id)")),
        ]
    }

    private func text(_ description: String) -> [(String, JSONValue)] {
        [("description", .string(description)), ("html_description", .string("<p>\(description)</p>"))]
    }

    private var markets: [(String, JSONValue)] { devMode ? [] : [("available_markets", .array(Catalog.markets.map(JSONValue.string)))] }

    func simplifiedShow(_ index: Int) -> JSONValue {
        let show = spoken.shows[index]
        var fields = common("show", show.id, name: show.name) + markets + text(show.description)
        fields += [
            ("copyrights", []), ("explicit", .bool(show.explicit)), ("is_externally_hosted", false), ("languages", ["en"]),
            ("media_type", .string(show.mediaType)), ("total_episodes", .int(show.episodeIndices.count)),
        ]
        if !devMode { fields.append(("publisher", .string(show.publisher))) }
        return .object(fields)
    }

    func show(_ index: Int, episodes: String) -> JSONValue {
        guard case .object(var fields) = simplifiedShow(index) else { return .null }
        fields.append(("episodes", .raw(episodes)))
        return .object(fields)
    }

    func simplifiedEpisode(_ index: Int) -> JSONValue {
        let episode = spoken.episodes[index]
        return .object(
            common("episode", episode.id, name: episode.name) + text(episode.description) + [
                ("audio_preview_url", .null), ("duration_ms", .int(episode.durationMs)), ("explicit", .bool(episode.explicit)),
                ("is_externally_hosted", false), ("is_playable", true), ("language", "en"), ("languages", ["en"]),
                ("release_date", .string(episode.releaseDate)), ("release_date_precision", "day"),
            ])
    }

    func episode(_ index: Int) -> JSONValue {
        guard case .object(var fields) = simplifiedEpisode(index) else { return .null }
        fields.append(("show", simplifiedShow(spoken.episodes[index].showIndex)))
        return .object(fields)
    }

    func simplifiedAudiobook(_ index: Int) -> JSONValue {
        let book = spoken.audiobooks[index]
        var fields = common("audiobook", book.id, name: book.name) + markets + text(book.description)
        fields += [
            ("authors", .array(book.authors.map { .object([("name", .string($0))]) })), ("copyrights", []), ("edition", "Unabridged"),
            ("explicit", .bool(book.explicit)), ("languages", ["en"]), ("media_type", "audio"),
            ("narrators", .array(book.narrators.map { .object([("name", .string($0))]) })), ("total_chapters", .int(book.chapterIndices.count)),
        ]
        if !devMode { fields.append(("publisher", .string(book.publisher))) }
        return .object(fields)
    }

    func audiobook(_ index: Int, chapters: String) -> JSONValue {
        guard case .object(var fields) = simplifiedAudiobook(index) else { return .null }
        fields.append(("chapters", .raw(chapters)))
        return .object(fields)
    }

    func simplifiedChapter(_ index: Int) -> JSONValue {
        let chapter = spoken.chapters[index]
        let book = spoken.audiobooks[chapter.audiobookIndex]
        return .object(
            common("chapter", chapter.id, name: chapter.name) + markets + text("\(chapter.name) of \(book.name).") + [
                ("audio_preview_url", .null), ("chapter_number", .int(chapter.chapterNumber)), ("duration_ms", .int(chapter.durationMs)),
                ("explicit", .bool(book.explicit)), ("is_playable", true), ("languages", ["en"]),
                ("release_date", .string(chapter.releaseDate)), ("release_date_precision", "day"),
            ])
    }

    func chapter(_ index: Int) -> JSONValue {
        guard case .object(var fields) = simplifiedChapter(index) else { return .null }
        fields.append(("audiobook", simplifiedAudiobook(spoken.chapters[index].audiobookIndex)))
        return .object(fields)
    }
}
