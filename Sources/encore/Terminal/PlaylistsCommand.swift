import ArgumentParser
import Foundation
import SpotifyWebAPI

/// `encore playlists`: list, show, create, rename, add to, remove from, reorder and set the cover
/// of the user's playlists.
struct PlaylistsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "playlists", abstract: "List and edit your playlists.",
        discussion: """
            Examples:
              encore playlists
              encore playlists show 37i9dQZF1DXcBWIGoYBM5M
              encore playlists create "Road trip" --description "Summer 2026"
              encore playlists add 37i9dQZF1DXcBWIGoYBM5M spotify:track:4uLU6hMCjMI75M1A2tKUQC
              encore playlists reorder 37i9dQZF1DXcBWIGoYBM5M --from 0 --to 5
              encore playlists cover 37i9dQZF1DXcBWIGoYBM5M cover.jpg
            """,
        subcommands: [List.self, Show.self, Create.self, Rename.self, Add.self, Remove.self, Reorder.self, Cover.self],
        defaultSubcommand: List.self
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List the playlists you own or follow.", discussion: "Examples:\n  encore playlists list --format csv")
        @Option(help: "table, json or csv.") var format: OutputFormat = .table

        func run() async throws {
            try await runReportingFailures {
                let playlists = try await SignedInSession.load().client.allCurrentUserPlaylists().collect()
                try Output.emit(playlists, format: format, headers: ["Name", "Items", "Owner", "ID"]) { _, playlist in
                    [playlist.name, String(playlist.items?.total ?? 0), playlist.owner?.displayName ?? "", playlist.id.rawValue]
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Show a playlist's items.",
            discussion: "Examples:\n  encore playlists show 37i9dQZF1DXcBWIGoYBM5M --format json")
        @Argument(help: "The playlist's ID, URI or link.") var id: String
        @Option(help: "table, json or csv.") var format: OutputFormat = .table

        func run() async throws {
            try await runReportingFailures {
                let spotify = try SignedInSession.load().client
                let playlist = try await spotify.playlist(id: try PlaylistID(id))
                let items = try await spotify.allPlaylistItems(id: playlist.id).collect()
                Output.title("\(playlist.name) (\(items.count) items)", format: format)
                try Output.emit(items, format: format, headers: ["#", "Title", "Artists", "URI"]) { index, item in
                    [String(index), item.track?.name ?? "", (item.track?.artists ?? []).map(\.name).joined(separator: ", "), item.track?.uri ?? ""]
                }
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create", abstract: "Create a playlist (private unless --public).",
            discussion: "Examples:\n  encore playlists create \"Road trip\" --description \"Summer 2026\"")
        @Argument(help: "The playlist's name.") var name: String
        @Flag(help: "Make it public (needs playlist-modify-public).") var `public` = false
        @Option(help: "Shown under the name.") var description: String?

        func run() async throws {
            try await runReportingFailures {
                let playlist = try await SignedInSession.load().client.createPlaylist(name: name, isPublic: `public`, description: description)
                print("Created “\(playlist.name)”: \(playlist.id)")
            }
        }
    }

    struct Rename: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rename", abstract: "Rename a playlist.",
            discussion: "Examples:\n  encore playlists rename 37i9dQZF1DXcBWIGoYBM5M \"Road trip 2\"")
        @Argument(help: "The playlist's ID, URI or link.") var id: String
        @Argument(help: "The new name.") var name: String

        func run() async throws {
            try await runReportingFailures {
                try await SignedInSession.load().client.changePlaylistDetails(try PlaylistID(id), name: name)
                print("Renamed to “\(name)”.")
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "Add tracks or episodes at the end (or at --position).",
            discussion:
                "Examples:\n  encore playlists add 37i9dQZF1DXcBWIGoYBM5M spotify:track:4uLU6hMCjMI75M1A2tKUQC https://open.spotify.com/track/…")
        @Argument(help: "The playlist's ID, URI or link.") var id: String
        @Argument(help: "Track or episode URIs or links.") var items: [String]
        @Option(help: "Where to insert the first item, from 0.") var position: Int?

        func run() async throws {
            try await runReportingFailures {
                let uris = try items.map(SpotifyURI.init)
                try await SignedInSession.load().client.addItems(uris, to: try PlaylistID(id), position: position)
                print("Added \(uris.count) item\(uris.count == 1 ? "" : "s").")
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove", abstract: "Remove every occurrence of these items.",
            discussion: "Examples:\n  encore playlists remove 37i9dQZF1DXcBWIGoYBM5M spotify:track:4uLU6hMCjMI75M1A2tKUQC")
        @Argument(help: "The playlist's ID, URI or link.") var id: String
        @Argument(help: "Track or episode URIs or links.") var items: [String]

        func run() async throws {
            try await runReportingFailures {
                let uris = try items.map(SpotifyURI.init)
                try await SignedInSession.load().client.removePlaylistItems(uris, from: try PlaylistID(id))
                print("Removed \(uris.count) item\(uris.count == 1 ? "" : "s").")
            }
        }
    }

    struct Reorder: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reorder", abstract: "Move items: --from, --length, before --to (positions from 0, as before the move).",
            discussion: "Examples:\n  encore playlists reorder 37i9dQZF1DXcBWIGoYBM5M --from 0 --to 5 --length 2")
        @Argument(help: "The playlist's ID, URI or link.") var id: String
        @Option(help: "The first item to move.") var from: Int
        @Option(help: "Insert before this position.") var to: Int
        @Option(help: "How many to move.") var length = 1

        func validate() throws {
            guard from >= 0, to >= 0, length >= 1 else { throw ValidationError("positions are 0 or more and --length at least 1") }
        }

        func run() async throws {
            try await runReportingFailures {
                try await SignedInSession.load().client.reorderPlaylistItems(
                    try PlaylistID(id), rangeStart: from, insertBefore: to, rangeLength: length)
                print("Moved.")
            }
        }
    }

    struct Cover: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cover", abstract: "Set the cover from a JPEG file (at most about 190 KB; needs ugc-image-upload).",
            discussion: "Examples:\n  encore playlists cover 37i9dQZF1DXcBWIGoYBM5M cover.jpg")
        @Argument(help: "The playlist's ID, URI or link.") var id: String
        @Argument(help: "A JPEG file.") var file: String

        func run() async throws {
            try await runReportingFailures {
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw CLIFailure(cause: "cannot read \(file)", hint: "check the path", code: 1)
                }
                try await SignedInSession.load().client.uploadPlaylistCover(try PlaylistID(id), jpeg: data)
                print("Cover set.")
            }
        }
    }
}
