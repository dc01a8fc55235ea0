import ArgumentParser
import Foundation
import SpotifyWebAPI

/// `encore library save|remove|contains URI…`: the user's library, every kind in one place.
struct LibraryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "library", abstract: "Save, remove or check items in your library.",
        discussion: """
            Tracks, albums, episodes, shows and audiobooks are saved; artists, users and playlists
            are followed. Saving needs user-library-modify (user-follow-modify for artists and users).

            Examples:
              encore library save spotify:track:4uLU6hMCjMI75M1A2tKUQC https://open.spotify.com/album/4aawyAB9vmqN3uQ7FjRGTy
              encore library contains spotify:track:4uLU6hMCjMI75M1A2tKUQC --format json
              encore library remove spotify:artist:08td7MxkoHQkXnWAYD8d6Q
            """,
        subcommands: [Save.self, Remove.self, Contains.self]
    )

    struct Save: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "save", abstract: "Save (or follow) items.")
        @Argument(help: "URIs or links.") var items: [String]

        func run() async throws {
            try await runReportingFailures {
                let uris = try items.map(SpotifyURI.init)
                try await SignedInSession.load().client.saveToLibrary(uris)
                print("Saved \(uris.count) item\(uris.count == 1 ? "" : "s").")
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove (or unfollow) items.")
        @Argument(help: "URIs or links.") var items: [String]

        func run() async throws {
            try await runReportingFailures {
                let uris = try items.map(SpotifyURI.init)
                try await SignedInSession.load().client.removeFromLibrary(uris)
                print("Removed \(uris.count) item\(uris.count == 1 ? "" : "s").")
            }
        }
    }

    struct Contains: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "contains", abstract: "Say which items are in your library.")
        @Argument(help: "URIs or links.") var items: [String]
        @Option(help: "table, json or csv.") var format: OutputFormat = .table

        func run() async throws {
            try await runReportingFailures {
                let uris = try items.map(SpotifyURI.init)
                let answers = try await SignedInSession.load().client.libraryContains(uris)
                let rows = zip(uris, answers).map { Entry(uri: $0.description, saved: $1) }
                try Output.emit(rows, format: format, headers: ["URI", "In library"]) { _, row in [row.uri, row.saved ? "yes" : "no"] }
            }
        }

        struct Entry: Encodable {
            var uri: String
            var saved: Bool
        }
    }
}
