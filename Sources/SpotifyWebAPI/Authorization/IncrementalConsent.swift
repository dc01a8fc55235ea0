import Foundation

extension Scope {
    /// Every scope Spotify defines (the Web API reference's list).
    public static let all: Set<Scope> = [
        .userTopRead, .userReadPrivate, .userReadEmail, .userReadRecentlyPlayed, .userLibraryRead, .userLibraryModify, .playlistReadPrivate,
        .playlistReadCollaborative, .playlistModifyPublic, .playlistModifyPrivate, .userFollowRead, .userFollowModify,
        .userReadPlaybackState, .userModifyPlaybackState, .userReadCurrentlyPlaying, .userReadPlaybackPosition, .ugcImageUpload,
        .appRemoteControl, .streaming,
    ]
}

extension AuthorizationCodeFlow {
    /// Starts a sign-in that asks for `additional` scopes on top of those the user granted: a
    /// permission asked for when a feature first needs it, not at the first sign-in.
    ///
    /// Spotify has no incremental consent of its own: a grant holds exactly the scopes its
    /// authorization asked for. So this asks for the configured scopes, those `granted`, and the
    /// new ones together, and the grant it ends in replaces the old one with nothing lost. If the
    /// person declines, their existing grant is untouched.
    /// - Parameters:
    ///   - additional: The scopes to add, e.g. ``SpotifyAPIError/missingScopes`` of a failed request.
    ///   - granted: The scopes of the user's current grant (``UserTokens/scopes``).
    ///   - redirectURI: As in ``startAuthorization(redirectURI:scopes:showDialog:)``.
    public func startAuthorization(
        adding additional: some Sequence<Scope>, to granted: Set<Scope>, redirectURI: String? = nil
    )
        -> PendingAuthorization
    {
        let scopes = configuration.scopes + granted.sorted { $0.rawValue < $1.rawValue } + Array(additional)
        var seen = Set<Scope>()
        return startAuthorization(redirectURI: redirectURI, scopes: scopes.filter { seen.insert($0).inserted })
    }
}

extension SpotifyClient where Authorization == TokenManager {
    /// Runs `operation`; if it fails because the grant lacks a scope, gets a grant with the missing
    /// scopes added from `reconsent` and runs `operation` once more with it.
    ///
    /// `reconsent` is where the person agrees again: a command-line tool opens the browser and
    /// waits for the redirect (``AuthorizationCodeFlow/startAuthorization(adding:to:redirectURI:)``
    /// builds the request); it returns the new tokens, which replace the manager's. A web server,
    /// whose consent is a redirect the browser comes back from later, instead catches the
    /// ``SpotifyAPIError/Code/insufficientScope`` error and sends the browser to that sign-in.
    /// - Parameters:
    ///   - operation: The request, given this client.
    ///   - reconsent: Given the scopes to add and those granted; throws to give up.
    public func retryingAfterConsent<T: Sendable>(
        _ operation: @Sendable (SpotifyClient) async throws -> T,
        reconsent: @Sendable (_ missing: [Scope], _ granted: Set<Scope>) async throws -> UserTokens
    ) async throws -> T {
        do {
            return try await operation(self)
        } catch let error as SpotifyAPIError where error.code == .insufficientScope && !error.missingScopes.isEmpty {
            let granted = await authorization.grantedScopes ?? []
            let tokens = try await reconsent(error.missingScopes, granted)
            await authorization.replaceTokens(tokens)
            return try await operation(self)
        }
    }
}
