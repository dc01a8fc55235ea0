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
