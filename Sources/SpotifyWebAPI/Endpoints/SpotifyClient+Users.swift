extension SpotifyRequest {
    /// `GET /me`: the signed-in user's profile, for the raw-bytes ``SpotifyClient/send(_:)``.
    /// Reference: [Get Current User's Profile](https://developer.spotify.com/documentation/web-api/reference/get-current-users-profile).
    public static var currentUserProfile: SpotifyRequest { SpotifyRequest(path: "me", endpointName: "GET /me") }
}

extension SpotifyClient where Authorization: UserAuthorization {
    /// The signed-in user's profile: `GET /me`.
    ///
    /// `email` needs `user-read-email`; `country`, `product` and `explicit_content` need
    /// `user-read-private`; development-mode apps get none of them since February 2026.
    /// Reference: [Get Current User's Profile](https://developer.spotify.com/documentation/web-api/reference/get-current-users-profile).
    public func currentUserProfile() async throws -> CurrentUser {
        try await send(.currentUserProfile)
    }
}
