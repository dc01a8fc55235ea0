import Foundation
import Logging

/// The authorization code flow for a confidential client (one with a client secret).
///
/// The secret goes to the token endpoint as HTTP Basic; PKCE S256 is added as defence in depth,
/// so an intercepted code is useless without the verifier that stays on the server.
///
/// ```swift
/// let flow = try AuthorizationCodeFlow(configuration: configuration)
/// let pending = flow.startAuthorization()          // keep it server-side
/// // redirect the browser to pending.authorizeURL …
/// let tokens = try await flow.completeAuthorization(AuthorizationCallback(url: callbackURL), pending: pending)
/// ```
public struct AuthorizationCodeFlow: TokenRefresher {
    private let core: AuthorizationCodeCore

    /// Creates the flow.
    /// - Throws: ``SpotifyConfigurationError`` when the configuration has no client secret or
    ///   no redirect URI.
    public init(
        configuration: SpotifyClientConfiguration,
        transport: any HTTPTransport = AsyncHTTPClientTransport.shared,
        clock: any SpotifyClock = SystemClock(),
        logger: Logger = Logger(label: "SpotifyWebAPI")
    ) throws(SpotifyConfigurationError) {
        guard let secret = configuration.clientSecret else {
            throw SpotifyConfigurationError(key: "client.secret", message: "the confidential flow needs a client secret; use PKCEFlow for public clients")
        }
        core = try AuthorizationCodeCore(
            configuration: configuration,
            authentication: .basic(clientID: configuration.clientID, secret: secret),
            transport: transport,
            clock: clock,
            logger: logger
        )
    }

    /// Starts a sign-in: fresh `state` and PKCE verifier, and the `/authorize` URL.
    /// - Parameters:
    ///   - redirectURI: A different port on a loopback redirect URI, for example; the
    ///     configured one when `nil`.
    ///   - scopes: The scopes to ask for; the configured ones when `nil`.
    ///   - showDialog: Make Spotify show the consent page even when the user already agreed.
    public func startAuthorization(redirectURI: String? = nil, scopes: [Scope]? = nil, showDialog: Bool = false) -> PendingAuthorization {
        core.startAuthorization(redirectURI: redirectURI, scopes: scopes, showDialog: showDialog)
    }

    /// Verifies `state` and exchanges the code for tokens.
    /// - Throws: ``SpotifyAPIError`` — `.stateMismatch` (nothing sent to Spotify), `.accessDenied`,
    ///   `.invalidGrant`, `.invalidClient`, or a transport error.
    public func completeAuthorization(_ callback: AuthorizationCallback, pending: PendingAuthorization) async throws -> UserTokens {
        try await core.completeAuthorization(callback, pending: pending)
    }

    public func refresh(_ tokens: UserTokens) async throws -> UserTokens {
        try await core.refresh(tokens)
    }
}

/// The authorization code flow with PKCE for a public client, which has no secret.
///
/// The token endpoint gets `client_id` and `code_verifier` in the body; this is the flow for
/// command-line tools and apps that cannot keep a secret.
public struct PKCEFlow: TokenRefresher {
    private let core: AuthorizationCodeCore

    /// Creates the flow. The configuration's client secret, if any, is not used.
    /// - Throws: ``SpotifyConfigurationError`` when the configuration has no redirect URI.
    public init(
        configuration: SpotifyClientConfiguration,
        transport: any HTTPTransport = AsyncHTTPClientTransport.shared,
        clock: any SpotifyClock = SystemClock(),
        logger: Logger = Logger(label: "SpotifyWebAPI")
    ) throws(SpotifyConfigurationError) {
        core = try AuthorizationCodeCore(
            configuration: configuration,
            authentication: .publicClient(clientID: configuration.clientID),
            transport: transport,
            clock: clock,
            logger: logger
        )
    }

    /// Starts a sign-in: fresh `state` and PKCE verifier, and the `/authorize` URL.
    public func startAuthorization(redirectURI: String? = nil, scopes: [Scope]? = nil, showDialog: Bool = false) -> PendingAuthorization {
        core.startAuthorization(redirectURI: redirectURI, scopes: scopes, showDialog: showDialog)
    }

    /// Verifies `state` and exchanges the code and verifier for tokens.
    public func completeAuthorization(_ callback: AuthorizationCallback, pending: PendingAuthorization) async throws -> UserTokens {
        try await core.completeAuthorization(callback, pending: pending)
    }

    public func refresh(_ tokens: UserTokens) async throws -> UserTokens {
        try await core.refresh(tokens)
    }
}
