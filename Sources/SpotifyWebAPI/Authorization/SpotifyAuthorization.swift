/// Supplies access tokens to a ``SpotifyClient``.
public protocol SpotifyAuthorization: Sendable {
    /// A token that is valid now (refreshed first if it was about to expire).
    func accessToken() async throws -> AccessToken

    /// Called when the Web API answered 401 to `rejected`: returns a newer token, refreshing
    /// unless another caller already did.
    func accessTokenWasRejected(_ rejected: AccessToken) async throws -> AccessToken

    /// The scopes granted, when known; used to tell a missing scope from other 403s.
    var grantedScopes: Set<Scope>? { get async }
}

/// Authorization on behalf of a signed-in user.
///
/// Endpoints under `/me` are available only on clients whose authorization conforms to this
/// protocol, so an app-only client cannot call them: it does not compile.
public protocol UserAuthorization: SpotifyAuthorization {}
