extension SpotifyClient {
    /// The markets Spotify is available in, as ISO 3166-1 alpha-2 codes: `GET /markets`.
    /// Reference: [Get Available Markets](https://developer.spotify.com/documentation/web-api/reference/get-available-markets).
    /// Extended quota only since February 2026.
    @available(*, deprecated, message: "Removed for development-mode apps in February 2026, with no replacement")
    public func availableMarkets() async throws -> [String] {
        let answer: Markets = try await send(
            SpotifyRequest(path: "markets", endpointName: "GET /markets", developmentMode: .removed(replacement: nil)))
        return answer.markets
    }
}

private struct Markets: Decodable, Sendable {
    var markets: [String]
}
