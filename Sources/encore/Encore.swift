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

/// `encore serve`: the web app.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the Encore web app.")

    @Flag(help: "Do not open a browser.")
    var noBrowser = false

    func run() async throws {
        print("""
        Encore's web app is not part of this build yet.
        When it is, `encore serve` will start the embedded Spotify emulator (demo mode, when
        SPOTIFY_CLIENT_ID is not set), store sessions in .encore/encore.sqlite and serve
        http://127.0.0.1:9000.
        """)
    }
}
