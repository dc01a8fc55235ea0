import Foundation
import Logging

/// Refreshes a user's tokens; implemented by the user flows, and by servers that wrap a flow
/// with storage and cross-process locking.
public protocol TokenRefresher: Sendable {
    /// Exchanges the refresh token for a new token set.
    ///
    /// The result keeps the previous refresh token when Spotify sends none, and keeps
    /// ``UserTokens/grantedAt``.
    /// - Throws: ``SpotifyAPIError`` with ``SpotifyAPIError/Code/reauthorizationRequired`` when
    ///   Spotify answers `invalid_grant`.
    func refresh(_ tokens: UserTokens) async throws -> UserTokens
}

/// The machinery shared by the confidential and the PKCE-only authorization code flows.
struct AuthorizationCodeCore: Sendable {
    let configuration: SpotifyClientConfiguration
    let redirectURI: RedirectURI
    let authentication: ClientAuthentication
    let endpoint: TokenEndpoint

    init(
        configuration: SpotifyClientConfiguration,
        authentication: ClientAuthentication,
        transport: any HTTPTransport,
        clock: any SpotifyClock,
        logger: Logger
    ) throws(SpotifyConfigurationError) {
        guard let redirectURI = configuration.redirectURI else {
            throw SpotifyConfigurationError(key: "redirect.uri", message: "the authorization code flow needs a redirect URI, e.g. http://127.0.0.1:9000/callback")
        }
        self.configuration = configuration
        self.redirectURI = redirectURI
        self.authentication = authentication
        self.endpoint = TokenEndpoint(configuration: configuration, transport: transport, clock: clock, logger: logger)
    }

    func startAuthorization(redirectURI override: String?, scopes: [Scope]?, showDialog: Bool) -> PendingAuthorization {
        let state = AuthorizationState.random()
        let verifier = CodeVerifier.random()
        let redirect = override ?? redirectURI.url.absoluteString
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
        let url = URL(string: configuration.accountsBaseURL.appendingPathComponentString("authorize") + "?" + FormEncoding.encode(query))!
        return PendingAuthorization(authorizeURL: url, state: state, codeVerifier: verifier, redirectURI: redirect, createdAt: endpoint.clock.now())
    }

    func completeAuthorization(_ callback: AuthorizationCallback, pending: PendingAuthorization) async throws -> UserTokens {
        let code = try callback.verifiedCode(expecting: pending)
        return try await exchange(code: code, pending: pending)
    }

    func exchange(code: String, pending: PendingAuthorization) async throws -> UserTokens {
        let (response, receivedAt) = try await endpoint.requestToken(
            form: [
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", pending.redirectURI),
                ("code_verifier", pending.codeVerifier.rawValue),
            ],
            authentication: authentication
        )
        return UserTokens(
            accessToken: AccessToken(response.accessToken),
            refreshToken: response.refreshToken.map(RefreshToken.init),
            expiresAt: receivedAt.addingTimeInterval(TimeInterval(response.expiresIn)),
            scopes: response.scope.map(Scope.parseList) ?? Set(configuration.scopes),
            grantedAt: receivedAt
        )
    }

    func refresh(_ tokens: UserTokens) async throws -> UserTokens {
        guard let refreshToken = tokens.refreshToken else {
            throw SpotifyAPIError(code: .reauthorizationRequired, message: "there is no refresh token")
        }
        let result: (response: TokenResponse, receivedAt: Date)
        do {
            result = try await endpoint.requestToken(
                form: [("grant_type", "refresh_token"), ("refresh_token", refreshToken.rawValue)],
                authentication: authentication
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
