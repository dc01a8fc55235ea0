import ArgumentParser
import Foundation

/// The `encore` command: the web app, the emulator and the terminal client.
///
/// Exit codes: 0 ok, 1 usage, 2 sign-in needed, 3 Spotify error, 4 network.
@main
struct Encore: AsyncParsableCommand {
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            // Usage mistakes exit 1 (ArgumentParser's own default is 64).
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(1)
            }
            exit(withError: error)
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "encore",
        abstract: "Your Spotify listening — in a browser or a terminal.",
        subcommands: [
            Serve.self, EmulatorCommand.self, LoginCommand.self, LogoutCommand.self, StatusCommand.self, MeCommand.self, TopCommand.self,
            RecentCommand.self, SavedCommand.self, PlaylistCommand.self, SearchCommand.self, CatalogCommands.Album.self, CatalogCommands.Artist.self,
            CatalogCommands.Show.self, CatalogCommands.Episode.self, CatalogCommands.Audiobook.self, PlaylistsCommand.self, LibraryCommand.self,
            PlayerCommand.self, HistoryCommand.self,
        ],
        defaultSubcommand: Serve.self
    )
}
