extension SpotifyClient where Authorization: UserAuthorization {
    /// The signed-in user's profile: `GET /me`.
    ///
    /// `email` needs `user-read-email`; `country`, `product` and `explicit_content` need
    /// `user-read-private`; development-mode apps get none of them since February 2026.
    /// Reference: Get Current User's Profile.
    public func currentUserProfile() async throws -> CurrentUser {
        try await send(SpotifyRequest(path: "me", endpointName: "GET /me"))
    }
}
