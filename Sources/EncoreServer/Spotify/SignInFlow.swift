import SpotifyWebAPI

/// The authorization code flow the app signs users in with: confidential (with the client
/// secret) or PKCE-only. Both use PKCE S256.
protocol SignInFlow: TokenRefresher {
    func startAuthorization(redirectURI: String?, scopes: [Scope]?, showDialog: Bool) -> PendingAuthorization
    func completeAuthorization(_ callback: AuthorizationCallback, pending: PendingAuthorization) async throws -> UserTokens
}

extension AuthorizationCodeFlow: SignInFlow {}
extension PKCEFlow: SignInFlow {}
