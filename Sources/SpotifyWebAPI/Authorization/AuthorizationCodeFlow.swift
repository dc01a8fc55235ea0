import Foundation
import Logging

/// Refreshes a user's tokens: the flow itself, or a server's wrapper around it that stores the
/// new set (and takes a cross-process claim) before handing it out.
public protocol TokenRefresher: Sendable {
    /// Exchanges the refresh token for a new token set.
    ///
    /// The result keeps the previous refresh token when Spotify sends none, and keeps
    /// ``UserTokens/grantedAt``.
    /// - Throws: ``SpotifyAPIError`` with ``SpotifyAPIError/Code/reauthorizationRequired`` when
    ///   Spotify answers `invalid_grant`.
    func refresh(_ tokens: UserTokens) async throws -> UserTokens
}

/// The authorization code flow, with PKCE S256 always.
///
/// A server app that keeps a client secret authenticates with it (HTTP Basic), so an intercepted
/// code is useless without both the secret and the verifier; a command-line tool or any other
/// public client uses ``ClientAuthentication/pkceOnly`` and sends `client_id` in the body.
///
/// ```swift
/// let flow = try AuthorizationCodeFlow(configuration: configuration)
/// let pending = flow.startAuthorization()          // keep it server-side
/// // redirect the browser to pending.authorizeURL …
/// let tokens = try await flow.completeAuthorization(AuthorizationCallback(url: callbackURL), pending: pending)
/// ```
public struct AuthorizationCodeFlow: TokenRefresher {
    /// How the flow proves who the client is at the token endpoint.
    public enum ClientAuthentication: Sendable, Hashable {
        /// HTTP Basic with the configuration's client secret: a confidential (server) client.
        case clientSecret
        /// No secret: `client_id` in the body and the PKCE verifier alone (a public client).
        case pkceOnly
    }

    /// The configuration.
    public let configuration: SpotifyClientConfiguration
    /// How the client authenticates.
    public let clientAuthentication: ClientAuthentication
    private let redirectURI: RedirectURI
    private let credentials: TokenEndpointCredentials
    private let endpoint: TokenEndpoint

    /// Creates the flow.
    /// - Throws: ``SpotifyConfigurationError`` when the configuration has no redirect URI, or no
    ///   client secret for ``ClientAuthentication/clientSecret``.
    public init(
        configuration: SpotifyClientConfiguration,
        clientAuthentication: ClientAuthentication = .clientSecret,
        transport: any HTTPTransport = AsyncHTTPClientTransport.shared,
        clock: any SpotifyClock = SystemClock(),
        logger: Logger = Logger(label: "SpotifyWebAPI")
    ) throws(SpotifyConfigurationError) {
        guard let redirectURI = configuration.redirectURI else {
            throw SpotifyConfigurationError(
                key: "redirect.uri", message: "the authorization code flow needs a redirect URI, e.g. http://127.0.0.1:9000/callback")
        }
        switch clientAuthentication {
        case .clientSecret:
            guard let secret = configuration.clientSecret else {
                throw SpotifyConfigurationError(
                    key: "client.secret", message: "clientAuthentication .clientSecret needs a client secret; use .pkceOnly for a public client")
            }
            credentials = .basic(clientID: configuration.clientID, secret: secret)
        case .pkceOnly:
            credentials = .publicClient(clientID: configuration.clientID)
        }
        self.configuration = configuration
        self.clientAuthentication = clientAuthentication
        self.redirectURI = redirectURI
        self.endpoint = TokenEndpoint(configuration: configuration, transport: transport, clock: clock, logger: logger)
    }

    /// Starts a sign-in: fresh `state` and PKCE verifier, and the `/authorize` URL.
    /// - Parameters:
    ///   - redirectURI: A different port on a loopback redirect URI, for example; the
    ///     configured one when `nil`.
    ///   - scopes: The scopes to ask for; the configured ones when `nil`.
    ///   - showDialog: Make Spotify show the consent page even when the user already agreed.
    public func startAuthorization(redirectURI: String? = nil, scopes: [Scope]? = nil, showDialog: Bool = false) -> PendingAuthorization {
        let state = AuthorizationState.random()
        let verifier = CodeVerifier.random()
        let redirect = redirectURI ?? self.redirectURI.url.absoluteString
        var query: [(String, String)] = [
            ("response_type", "code"),
            ("client_id", configuration.clientID),
            ("redirect_uri", redirect),
            ("scope", Scope.formatList(scopes ?? configuration.scopes)),
            ("state", state.rawValue),
            ("code_challenge_method", "S256"),
            ("code_challenge", verifier.challenge),
        ]
        if showDialog { query.append(("show_dialog", "true")) }
        let text = configuration.accountsBaseURL.appendingPathComponentString("authorize") + "?" + FormEncoding.encode(query)
        // Built from a valid base URL and percent-encoded parts, so it always parses.
        let url = URL(string: text) ?? configuration.accountsBaseURL
        return PendingAuthorization(authorizeURL: url, state: state, codeVerifier: verifier, redirectURI: redirect, createdAt: endpoint.clock.now())
    }

    /// Verifies `state` and exchanges the code for tokens.
    /// - Throws: ``SpotifyAPIError`` — `.stateMismatch` (nothing sent to Spotify), `.accessDenied`,
    ///   `.invalidGrant`, `.invalidClient`, or a transport error.
    public func completeAuthorization(_ callback: AuthorizationCallback, pending: PendingAuthorization) async throws -> UserTokens {
        let code = try callback.verifiedCode(expecting: pending)
        return try await exchange(code: code, verifier: pending.codeVerifier, redirectURI: pending.redirectURI)
    }

    /// Exchanges a code for tokens, for a caller that checked `state` itself (a web app that
    /// keeps the sign-in under way in its own storage).
    /// - Parameters:
    ///   - code: The `code` from the redirect.
    ///   - verifier: The verifier whose challenge went to `/authorize`.
    ///   - redirectURI: The redirect URI sent to `/authorize`, exactly.
    /// - Throws: ``SpotifyAPIError`` — `.invalidGrant` for a used, expired or foreign code,
    ///   `.invalidClient`, or a transport error.
    public func exchange(code: String, verifier: CodeVerifier, redirectURI: String) async throws -> UserTokens {
        let (response, receivedAt) = try await endpoint.requestToken(
            form: [
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", redirectURI),
                ("code_verifier", verifier.rawValue),
            ],
            credentials: credentials
        )
        return UserTokens(
            accessToken: AccessToken(response.accessToken),
            refreshToken: response.refreshToken.map(RefreshToken.init),
            expiresAt: receivedAt.addingTimeInterval(TimeInterval(response.expiresIn)),
            scopes: response.scope.map(Scope.parseList) ?? Set(configuration.scopes),
            grantedAt: receivedAt
        )
    }

    public func refresh(_ tokens: UserTokens) async throws -> UserTokens {
        guard let refreshToken = tokens.refreshToken else {
            throw SpotifyAPIError(code: .reauthorizationRequired, message: "there is no refresh token")
        }
        let result: (response: TokenResponse, receivedAt: Date)
        do {
            result = try await endpoint.requestToken(
                form: [("grant_type", "refresh_token"), ("refresh_token", refreshToken.rawValue)],
                credentials: credentials
            )
        } catch var error as SpotifyAPIError where error.code == .invalidGrant {
            // The grant is gone (revoked, or past its six months): retrying cannot help.
            error.code = .reauthorizationRequired
            throw error
        }
        return UserTokens(
            accessToken: AccessToken(result.response.accessToken),
            // Spotify may omit refresh_token on refresh; keep the previous one.
            refreshToken: result.response.refreshToken.map(RefreshToken.init) ?? refreshToken,
            expiresAt: result.receivedAt.addingTimeInterval(TimeInterval(result.response.expiresIn)),
            scopes: result.response.scope.map(Scope.parseList) ?? tokens.scopes,
            grantedAt: tokens.grantedAt
        )
    }
}
