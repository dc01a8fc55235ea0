import Foundation
import SpotifyWebAPI

/// Step 1: what the app needs from Spotify's developer dashboard, read from the environment.
///
/// `SPOTIFY_ACCOUNTS_URL` and `SPOTIFY_API_URL` point the app at another Spotify, such as the
/// emulator (`swift run encore emulator` in Encore's repository).
public func spotifyConfiguration(from environment: [String: String] = ProcessInfo.processInfo.environment) throws -> SpotifyClientConfiguration {
    guard let clientID = environment["SPOTIFY_CLIENT_ID"], let secret = environment["SPOTIFY_CLIENT_SECRET"] else {
        throw SpotifyConfigurationError(
            key: "SPOTIFY_CLIENT_ID", message: "set SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET from your app's dashboard")
    }
    return SpotifyClientConfiguration(
        clientID: clientID,
        clientSecret: ClientSecret(secret),
        // Registered in the dashboard exactly so: Spotify refuses `localhost`, not 127.0.0.1.
        redirectURI: try RedirectURI(environment["SPOTIFY_REDIRECT_URI"] ?? "http://127.0.0.1:8080/callback"),
        scopes: [.userTopRead],
        accountsBaseURL: environment["SPOTIFY_ACCOUNTS_URL"].flatMap(URL.init(string:)) ?? .spotifyAccounts,
        apiBaseURL: environment["SPOTIFY_API_URL"].flatMap(URL.init(string:)) ?? .spotifyWebAPI
    )
}
