import ArgumentParser

/// The `encore` command: the web app, the emulator and the terminal client.
@main
struct Encore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encore",
        abstract: "Your Spotify listening — in a browser or a terminal.",
        subcommands: [Serve.self, EmulatorCommand.self],
        defaultSubcommand: Serve.self
    )
}
