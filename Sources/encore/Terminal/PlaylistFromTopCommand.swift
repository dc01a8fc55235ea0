import ArgumentParser
import Foundation
import SpotifyWebAPI

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
