import Configuration
import Foundation

extension SpotifyClientConfiguration {
    /// Reads the configuration with swift-configuration.
    ///
    /// Scope the reader to `spotify` and use `EnvironmentVariablesProvider` to read the
    /// `SPOTIFY_*` variables (`SPOTIFY_CLIENT_ID`, …).
    ///
    /// ## Configuration keys
    /// - `client.id` (string, required): the app's client id.
    /// - `client.secret` (string, secret, optional): the client secret; absent for PKCE-only clients.
    /// - `redirect.uri` (string, optional): the registered redirect URI; checked against Spotify's rules.
    /// - `scopes` (string, optional): space-separated scopes; default ``defaultScopes``.
    /// - `accounts.url` (string, optional, default `https://accounts.spotify.com`).
    /// - `api.url` (string, optional, default `https://api.spotify.com/v1`).
    /// - `timeout` (double, seconds, optional, default 10).
    /// - `retry.budget` (double, seconds, optional, default 30): the longest total rate-limit wait.
    /// - `quota` (string, optional, default `development`): the app's quota mode, `development`
    ///   or `extended`, as its dashboard says.
    ///
    /// - Throws: ``SpotifyConfigurationError`` for a missing client id, a malformed URL or a
    ///   redirect URI Spotify would refuse.
    public init(reader: ConfigReader) throws(SpotifyConfigurationError) {
        guard let clientID = reader.string(forKey: "client.id"), !clientID.isEmpty else {
            throw SpotifyConfigurationError(key: "client.id", message: "the client id is required; copy it from the app's dashboard")
        }
        let secret = reader.string(forKey: "client.secret", isSecret: true).flatMap { $0.isEmpty ? nil : ClientSecret($0) }
        let redirect = try reader.string(forKey: "redirect.uri").map { (value) throws(SpotifyConfigurationError) in try RedirectURI(value) }
        let scopes = reader.string(forKey: "scopes").map { $0.split(separator: " ").map { Scope(rawValue: String($0)) } }
        let quota = reader.string(forKey: "quota") ?? QuotaMode.development.rawValue
        guard let quotaMode = QuotaMode(rawValue: quota.lowercased()) else {
            throw SpotifyConfigurationError(key: "quota", message: "\"\(quota)\" is not a quota mode; use development or extended")
        }
        var retry = RetryPolicy.default
        if let budget = reader.double(forKey: "retry.budget") { retry.rateLimitBudget = .interval(budget) }
        self.init(
            clientID: clientID,
            clientSecret: secret,
            redirectURI: redirect,
            scopes: scopes ?? SpotifyClientConfiguration.defaultScopes,
            accountsBaseURL: try Self.url(reader, "accounts.url", default: .spotifyAccounts),
            apiBaseURL: try Self.url(reader, "api.url", default: .spotifyWebAPI),
            timeout: .interval(reader.double(forKey: "timeout", default: 10)),
            retry: retry,
            quotaMode: quotaMode
        )
    }

    private static func url(_ reader: ConfigReader, _ key: String, default fallback: URL) throws(SpotifyConfigurationError) -> URL {
        guard let value = reader.string(forKey: ConfigKey(key)) else { return fallback }
        guard let url = URL(string: value), let scheme = url.scheme, ["http", "https"].contains(scheme.lowercased()), url.host != nil else {
            throw SpotifyConfigurationError(key: key, message: "\"\(value)\" is not an http(s) URL")
        }
        return url
    }
}
