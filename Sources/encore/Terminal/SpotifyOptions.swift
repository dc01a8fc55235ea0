import ArgumentParser
import EncoreServer
import Foundation
import SpotifyWebAPI

/// Where the terminal commands find Spotify: flags, else the same `SPOTIFY_*` variables (and
/// `.env`) as the web app.
struct SpotifyOptions: ParsableArguments {
    @Option(help: "Spotify's accounts service (SPOTIFY_ACCOUNTS_URL), e.g. the emulator's http://127.0.0.1:9100.")
    var accountsURL: String?

    @Option(help: "The Web API base (SPOTIFY_API_URL), e.g. http://127.0.0.1:9100/v1.")
    var apiURL: String?

    @Option(help: "Your app's client id (SPOTIFY_CLIENT_ID).")
    var clientID: String?

    /// The client configuration for signing in; `port` replaces the redirect URI's port.
    func configuration(redirectPort: Int?) throws -> SpotifyClientConfiguration {
        var overrides: [String: String] = [:]
        overrides["SPOTIFY_ACCOUNTS_URL"] = accountsURL
        overrides["SPOTIFY_API_URL"] = apiURL
        overrides["SPOTIFY_CLIENT_ID"] = clientID
        let loaded = try AppConfiguration.load(overrides: overrides).configuration
        guard var spotify = loaded.spotify else {
            throw CLIFailure(
                cause: "no Spotify client id is configured",
                hint: "set SPOTIFY_CLIENT_ID (or pass --client-id); for the emulator see `encore emulator --help`", code: 1)
        }
        // The terminal is a public client: PKCE only, the secret is never needed.
        spotify.clientSecret = nil
        if let redirectPort {
            spotify.redirectURI = try RedirectURI("http://127.0.0.1:\(redirectPort)/callback")
        }
        return spotify
    }
}
