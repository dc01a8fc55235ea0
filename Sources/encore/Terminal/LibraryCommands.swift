import ArgumentParser
import Foundation
import SpotifyWebAPI

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `encore recent`: the last plays.
struct RecentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recent", abstract: "Show what you played most recently.",
        discussion: "Examples:\n  encore recent\n  encore recent --limit 50 --format csv"
    )

    @OptionGroup var page: PageSize

    @Option(help: "table, json or csv.")
    var format: OutputFormat = .table

    func run() async throws {
        try await runReportingFailures {
            let session = try SignedInSession.load()
            let plays = try await session.client.recentlyPlayed(limit: page.limit).items
            let formatter = ISO8601DateFormatter()
            try Output.emit(plays, format: format, headers: ["Played at", "Title", "Artists"]) { _, play in
                [formatter.string(from: play.playedAt), play.track.name, play.track.artists.map(\.name).joined(separator: ", ")]
            }
        }
    }
}

/// `encore saved`: every saved track, page by page.
struct SavedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "saved", abstract: "List every track in your library.",
        discussion: "Examples:\n  encore saved\n  encore saved --format csv --output library.csv"
    )

    @Option(help: "table, json or csv.")
    var format: OutputFormat = .table

    @Option(help: "Write to this file instead of standard output.")
    var output: String?

    func run() async throws {
        try await runReportingFailures {
            let session = try SignedInSession.load()
            let progress = Progress(enabled: isatty(STDERR_FILENO) != 0)
            var saved: [SavedTrack] = []
            for try await page in session.client.allSavedTracks().pages {
                saved += page.items
                progress.show(saved.count, of: page.total)
            }
            progress.finish()
            let formatter = ISO8601DateFormatter()
            let text = try Output.render(saved, format: format, headers: ["Added", "Title", "Artists", "Album"]) { _, item in
                [
                    formatter.string(from: item.addedAt), item.track.name, item.track.artists.map(\.name).joined(separator: ", "),
                    item.track.album?.name ?? "",
                ]
            }
            if let output {
                do {
                    try text.write(toFile: output, atomically: true, encoding: .utf8)
                } catch {
                    throw CLIFailure(cause: "cannot write \(output)", hint: "check the folder exists and is writable", code: 1)
                }
                FileHandle.standardError.write(Data("Wrote \(saved.count) tracks to \(output).\n".utf8))
            } else {
                FileHandle.standardOutput.write(Data(text.utf8))
            }
        }
    }

    /// A one-line bar on stderr, only when stderr is a terminal.
    struct Progress {
        let enabled: Bool

        func show(_ done: Int, of total: Int) {
            guard enabled, total > 0 else { return }
            let width = 30
            let filled = min(width, done * width / total)
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            FileHandle.standardError.write(Data("\r\(bar) \(done)/\(total)".utf8))
        }

        func finish() {
            if enabled { FileHandle.standardError.write(Data("\n".utf8)) }
        }
    }
}

/// `encore playlist from-top`: a private playlist of the top tracks.
struct PlaylistCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "playlist", abstract: "Make playlists.", subcommands: [FromTop.self]
    )

    struct FromTop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "from-top", abstract: "Save your top tracks as a private playlist.",
            discussion: "Examples:\n  encore playlist from-top\n  encore playlist from-top --range short --name \"This month\""
        )

        @Option(help: "short, medium or long.")
        var range: TopCommand.Range = .medium

        @OptionGroup var page: PageSize

        @Option(help: "The playlist's name.")
        var name: String?

        func run() async throws {
            try await runReportingFailures {
                let session = try SignedInSession.load()
                let title = name ?? "Encore · Top tracks (\(range.rawValue) term)"
                let (playlist, count) = try await session.client.saveTopTracksAsPlaylist(timeRange: range.timeRange, limit: page.limit, name: title) {
                    _ in "Saved by encore from your top tracks."
                }
                print("Saved \(count) tracks to “\(playlist.name)”: \(playlist.externalURLs?.spotify ?? playlist.uri)")
            }
        }
    }
}

/// Table, JSON or CSV for a list of Spotify objects.
enum Output {
    static func render<Item: Encodable>(_ items: [Item], format: OutputFormat, headers: [String], row: (Int, Item) -> [String]) throws -> String {
        let rows = items.enumerated().map { row($0.offset, $0.element) }
        switch format {
        case .table:
            return TextTable(headers: headers, rows: rows, flexible: Set(1..<headers.count)).render(width: TextTable.terminalWidth())
        case .csv:
            return CSV.render(headers: headers, rows: rows)
        case .json:
            let encoder = SpotifyJSON.makeEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return String(decoding: try encoder.encode(items), as: UTF8.self) + "\n"
        }
    }

    static func emit<Item: Encodable>(_ items: [Item], format: OutputFormat, headers: [String], row: (Int, Item) -> [String]) throws {
        FileHandle.standardOutput.write(Data(try render(items, format: format, headers: headers, row: row).utf8))
    }

    /// Spotify's own JSON for one request, byte for byte, for `--format json`.
    static func passThrough(_ request: SpotifyRequest, from session: SignedInSession) async throws {
        let response = try await session.client.send(request)
        FileHandle.standardOutput.write(Data(buffer: response.body))
        FileHandle.standardOutput.write(Data("\n".utf8))
    }
}

/// `--limit`, shared by the commands that fetch one page.
struct PageSize: ParsableArguments {
    @Option(help: "How many, 1–50.")
    var limit: Int = 20

    func validate() throws {
        guard (1...50).contains(limit) else { throw ValidationError("--limit must be between 1 and 50") }
    }
}
