import ArgumentParser
import Foundation
import NIOCore
import NIOFoundationCompat
import SpotifyWebAPI

/// `encore top tracks|artists`: the most played, as a table, JSON or CSV.
struct TopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "top",
        abstract: "Show your top tracks or artists.",
        discussion: """
            Examples:
              encore top tracks
              encore top artists --range long --limit 10
              encore top tracks --all --format csv > top.csv
            """
    )

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case tracks, artists

        var type: TopItemsType { self == .tracks ? .tracks : .artists }
    }

    enum Range: String, ExpressibleByArgument, CaseIterable {
        case short, medium, long
        var timeRange: TimeRange {
            switch self {
            case .short: .shortTerm
            case .medium: .mediumTerm
            case .long: .longTerm
            }
        }
    }

    @Argument(help: "tracks or artists.")
    var kind: Kind

    @Option(help: "short (4 weeks), medium (6 months) or long (years).")
    var range: Range = .medium

    @OptionGroup var page: PageSize

    @Flag(help: "Every item, following Spotify's pages.")
    var all = false

    @Option(help: "table, json or csv.")
    var format: OutputFormat = .table

    func run() async throws {
        try await runReportingFailures {
            let session = try SignedInSession.load()
            let spotify = session.client
            if format == .json && !all {
                // Spotify's own paging object, unchanged.
                let request = try SpotifyRequest.currentUserTop(kind.type, timeRange: range.timeRange, limit: page.limit)
                return try await Output.passThrough(request, from: session)
            }
            switch kind {
            case .tracks:
                let tracks =
                    all
                    ? try await spotify.allCurrentUserTopTracks(timeRange: range.timeRange).collect()
                    : try await spotify.currentUserTopTracks(timeRange: range.timeRange, limit: page.limit).items
                try Output.emit(tracks, format: format, headers: ["#", "Title", "Artists", "Album", "Length"]) { index, track in
                    [
                        String(index + 1), track.name, track.artists.map(\.name).joined(separator: ", "), track.album?.name ?? "",
                        Self.duration(track.durationMs),
                    ]
                }
            case .artists:
                let artists =
                    all
                    ? try await spotify.allCurrentUserTopArtists(timeRange: range.timeRange).collect()
                    : try await spotify.currentUserTopArtists(timeRange: range.timeRange, limit: page.limit).items
                try Output.emit(artists, format: format, headers: ["#", "Artist", "Genres", "Followers"]) { index, artist in
                    [
                        String(index + 1), artist.name, (artist.genres ?? []).prefix(3).joined(separator: ", "),
                        artist.followers.map { String($0.total) } ?? "",
                    ]
                }
            }
        }
    }

    static func duration(_ milliseconds: Int) -> String {
        let seconds = milliseconds / 1000
        return "\(seconds / 60):" + (seconds % 60 < 10 ? "0" : "") + "\(seconds % 60)"
    }
}
