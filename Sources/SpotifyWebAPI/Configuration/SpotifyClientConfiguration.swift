import Foundation

/// Everything a ``SpotifyClient`` and the authorization flows need to know about the app.
///
/// Defaults point at the real Spotify; tests and demos point ``accountsBaseURL`` and
/// ``apiBaseURL`` at the emulator instead.
public struct SpotifyClientConfiguration: Sendable {
    /// The app's client id from the developer dashboard.
    public var clientID: String
    /// The client secret, for confidential clients; `nil` for PKCE-only public clients.
    public var clientSecret: ClientSecret?
    /// The redirect URI registered for the app, checked against Spotify's rules.
    public var redirectURI: RedirectURI?
    /// The scopes to ask for at sign-in.
    public var scopes: [Scope]
    /// Base of `/authorize` and `/api/token`.
    public var accountsBaseURL: URL
    /// Base of the Web API, ending in `/v1`.
    public var apiBaseURL: URL
    /// The budget of one call: every attempt, back-off and `Retry-After` wait, and a token
    /// refresh it needs, fit inside it (the body's arrival included). See ``SpotifyDeadline``.
    public var timeout: Duration
    /// How rate limits and failures are retried.
    public var retry: RetryPolicy
    /// How long before expiry an access token is refreshed.
    public var refreshLeeway: Duration
    /// The app's quota mode: endpoints and limits Spotify removed for development-mode apps
    /// fail before sending. Development, as for every new app, unless said.
    public var quotaMode: QuotaMode

    /// The scopes Encore asks for by default.
    public static let defaultScopes: [Scope] = [.userReadEmail, .userReadPrivate, .userTopRead, .playlistModifyPrivate]

    /// Creates a configuration.
    public init(
        clientID: String,
        clientSecret: ClientSecret? = nil,
        redirectURI: RedirectURI? = nil,
        scopes: [Scope] = SpotifyClientConfiguration.defaultScopes,
        accountsBaseURL: URL = .spotifyAccounts,
        apiBaseURL: URL = .spotifyWebAPI,
        timeout: Duration = .seconds(10),
        retry: RetryPolicy = .default,
        refreshLeeway: Duration = .seconds(60),
        quotaMode: QuotaMode = .development
    ) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.redirectURI = redirectURI
        self.scopes = scopes
        self.accountsBaseURL = accountsBaseURL
        self.apiBaseURL = apiBaseURL
        self.timeout = timeout
        self.retry = retry
        self.refreshLeeway = refreshLeeway
        self.quotaMode = quotaMode
    }
}

/// A client secret whose `description` never shows it.
public struct ClientSecret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The secret; sent only in the token endpoint's Basic authorization header.
    public let rawValue: String

    /// Wraps a secret.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public var description: String { "ClientSecret(redacted)" }
    public var debugDescription: String { description }
}

/// Spotify's own addresses, the defaults of ``SpotifyClientConfiguration``.
extension URL {
    /// `https://accounts.spotify.com`.
    public static let spotifyAccounts = URL(string: "https://accounts.spotify.com")!
    /// `https://api.spotify.com/v1`.
    public static let spotifyWebAPI = URL(string: "https://api.spotify.com/v1")!
}
