import ArgumentParser
import Foundation
import SpotifyWebAPI

/// `encore search QUERY`: the catalog, one table per type.
struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search", abstract: "Search Spotify's catalog.",
        discussion: """
            Spotify's query syntax works: artist:, album:, track:, year:1990-1999, genre:.

            Examples:
              encore search "tania bowra"
              encore search "year:1979 genre:post-punk" --type track,album --limit 10
              encore search podcast --type show,episode --format json
            """
    )

    @Argument(help: "What to look for.")
    var query: String

    @Option(help: "Comma-separated: track, album, artist, playlist, show, episode, audiobook.")
    var type = "track"

    @Option(help: "How many per type, 1–10 (Spotify's limit for development-mode apps).")
    var limit = 5

    @Option(help: "table, json or csv.")
    var format: OutputFormat = .table

    func validate() throws {
        guard (1...10).contains(limit) else { throw ValidationError("--limit must be between 1 and 10") }
        for name in type.split(separator: ",") where SearchType(rawValue: String(name)) == nil {
            throw ValidationError("unknown --type \(name); choose from \(SearchType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() async throws {
        try await runReportingFailures {
            let session = try SignedInSession.load()
            let types = Set(type.split(separator: ",").compactMap { SearchType(rawValue: String($0)) })
            if format == .json {
                return try await Output.passThrough(try .search(query, types: types, limit: limit), from: session)
            }
            let results = try await session.client.search(query, types: types, limit: limit)
            var rows: [SearchRow] = []
            rows += (results.tracks?.items ?? []).map {
                SearchRow(type: "track", name: $0.name, by: $0.artists.map(\.name).joined(separator: ", "), uri: $0.uri)
            }
            rows += (results.albums?.items ?? []).map {
                SearchRow(type: "album", name: $0.name, by: ($0.artists ?? []).map(\.name).joined(separator: ", "), uri: $0.uri ?? "")
            }
            rows += (results.artists?.items ?? []).map { SearchRow(type: "artist", name: $0.name, by: "", uri: $0.uri) }
            rows += (results.playlists?.items ?? []).map { SearchRow(type: "playlist", name: $0.name, by: $0.owner?.displayName ?? "", uri: $0.uri) }
            rows += (results.shows?.items ?? []).map { SearchRow(type: "show", name: $0.name, by: $0.publisher ?? "", uri: $0.uri) }
            rows += (results.episodes?.items ?? []).map { SearchRow(type: "episode", name: $0.name, by: $0.releaseDate ?? "", uri: $0.uri) }
            rows += (results.audiobooks?.items ?? []).map {
                SearchRow(type: "audiobook", name: $0.name, by: ($0.authors ?? []).compactMap(\.name).joined(separator: ", "), uri: $0.uri)
            }
            try Output.emit(rows, format: format, headers: ["Type", "Name", "By", "URI"]) { _, row in [row.type, row.name, row.by, row.uri] }
        }
    }

    struct SearchRow: Encodable {
        var type: String
        var name: String
        var by: String
        var uri: String
    }
}

/// `encore album|artist|show|episode|audiobook ID-or-URL`: one catalog object. Each takes an
/// ID, a spotify: URI or an open.spotify.com link.
enum CatalogCommands {
    struct Album: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "album", abstract: "Show an album and its tracks.",
            discussion: "Examples:\n  encore album spotify:album:4aawyAB9vmqN3uQ7FjRGTy\n  encore album 4aawyAB9vmqN3uQ7FjRGTy --format csv")
        @Argument(help: "The album's ID, URI or link.") var id: String
        @Option(help: "table, json or csv.") var format: OutputFormat = .table

        func run() async throws {
            try await runReportingFailures {
                let session = try SignedInSession.load()
                let album = try await session.client.album(id: try AlbumID(id))
                if format == .json { return try Output.emitOne(album) }
                let tracks = try await session.client.allAlbumTracks(id: album.id).collect()
                Output.title(
                    "\(album.name) — \(album.artists.map(\.name).joined(separator: ", ")) (\(album.releaseDate), \(album.totalTracks) tracks)",
                    format: format)
                try Output.emit(tracks, format: format, headers: ["#", "Title", "Length", "URI"]) { _, track in
                    [String(track.trackNumber ?? 0), track.name, TopCommand.duration(track.durationMs), track.uri]
                }
            }
        }
    }

    struct Artist: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "artist", abstract: "Show an artist and their albums.",
            discussion: "Examples:\n  encore artist spotify:artist:08td7MxkoHQkXnWAYD8d6Q\n  encore artist 08td7MxkoHQkXnWAYD8d6Q --format json")
        @Argument(help: "The artist's ID, URI or link.") var id: String
        @Option(help: "table, json or csv.") var format: OutputFormat = .table

        func run() async throws {
            try await runReportingFailures {
                let session = try SignedInSession.load()
                let artist = try await session.client.artist(id: try ArtistID(id))
                if format == .json { return try Output.emitOne(artist) }
                let albums = try await session.client.allArtistAlbums(id: artist.id).collect()
                Output.title(
                    "\(artist.name)" + ((artist.genres ?? []).isEmpty ? "" : " — " + (artist.genres ?? []).joined(separator: ", ")), format: format)
                try Output.emit(albums, format: format, headers: ["Released", "Album", "Type", "URI"]) { _, album in
                    [album.releaseDate ?? "", album.name, album.albumGroup ?? album.albumType ?? "", album.uri ?? ""]
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Show a podcast and its episodes, newest first.",
            discussion: "Examples:\n  encore show spotify:show:38bS44xjbVVZ3No3ByF1dJ\n  encore show 38bS44xjbVVZ3No3ByF1dJ --format csv")
        @Argument(help: "The show's ID, URI or link.") var id: String
        @Option(help: "table, json or csv.") var format: OutputFormat = .table

        func run() async throws {
            try await runReportingFailures {
                let session = try SignedInSession.load()
                let show = try await session.client.show(id: try ShowID(id))
                if format == .json { return try Output.emitOne(show) }
                let episodes = try await session.client.allShowEpisodes(id: show.id).collect()
                Output.title(
                    "\(show.name)\(show.publisher.map { " — \($0)" } ?? "") (\(show.totalEpisodes ?? episodes.count) episodes)", format: format)
                try Output.emit(episodes, format: format, headers: ["Released", "Episode", "Length", "URI"]) { _, episode in
                    [episode.releaseDate ?? "", episode.name, TopCommand.duration(episode.durationMs), episode.uri]
                }
            }
        }
    }

    struct Episode: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "episode", abstract: "Show a podcast episode.",
            discussion: "Examples:\n  encore episode spotify:episode:512ojhOuo1ktJprKbVcKyQ\n  encore episode 512ojhOuo1ktJprKbVcKyQ --format json")
        @Argument(help: "The episode's ID, URI or link.") var id: String
        @Option(help: "table, json or csv.") var format: OutputFormat = .table

        func run() async throws {
            try await runReportingFailures {
                let session = try SignedInSession.load()
                let episode = try await session.client.episode(id: try EpisodeID(id))
                if format == .json { return try Output.emitOne(episode) }
                try Output.emit([episode], format: format, headers: ["Released", "Episode", "Show", "Length"]) { _, episode in
                    [episode.releaseDate ?? "", episode.name, episode.show.name, TopCommand.duration(episode.durationMs)]
                }
            }
        }
    }

    struct Audiobook: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "audiobook", abstract: "Show an audiobook and its chapters.",
            discussion:
                "Examples:\n  encore audiobook spotify:audiobook:7iHfbu1YPACw6oZPAFJtqe\n  encore audiobook 7iHfbu1YPACw6oZPAFJtqe --format csv")
        @Argument(help: "The audiobook's ID, URI or link.") var id: String
        @Option(help: "table, json or csv.") var format: OutputFormat = .table

        func run() async throws {
            try await runReportingFailures {
                let session = try SignedInSession.load()
                let book = try await session.client.audiobook(id: try AudiobookID(id))
                if format == .json { return try Output.emitOne(book) }
                let chapters = try await session.client.allAudiobookChapters(id: book.id).collect()
                Output.title("\(book.name) — \((book.authors ?? []).compactMap(\.name).joined(separator: ", "))", format: format)
                try Output.emit(chapters, format: format, headers: ["#", "Chapter", "Length", "URI"]) { _, chapter in
                    [String(chapter.chapterNumber ?? 0), chapter.name, TopCommand.duration(chapter.durationMs), chapter.uri]
                }
            }
        }
    }
}

extension Output {
    /// A heading above a table; CSV and JSON stay machine-readable without it. Written through
    /// the same handle as the rows, so it comes first.
    static func title(_ text: String, format: OutputFormat) {
        if format == .table { FileHandle.standardOutput.write(Data((text + "\n").utf8)) }
    }

    /// One object as JSON.
    static func emitOne<Item: Encodable>(_ item: Item) throws {
        let encoder = SpotifyJSON.makeEncoder()
        encoder.outputFormatting = [.sortedKeys]
        FileHandle.standardOutput.write(Data(try encoder.encode(item)) + Data("\n".utf8))
    }
}
