/// An artist as embedded in tracks and albums.
public struct SimplifiedArtist: Codable, Sendable, Hashable {
    /// The Spotify ID.
    public var id: ArtistID?
    /// The artist's name.
    public var name: String
    /// The Spotify URI.
    public var uri: String?
    /// The API link.
    public var href: String?
    /// Links to the artist.
    public var externalURLs: ExternalURLs?

    enum CodingKeys: String, CodingKey {
        case id, name, uri, href
        case externalURLs = "external_urls"
    }
}

/// A full artist, as returned by top artists and `GET /artists/{id}`.
///
/// `followers` and `popularity` are optional: Spotify removed them for development-mode apps in
/// February 2026.
public struct Artist: Codable, Sendable, Hashable {
    /// The Spotify ID.
    public var id: ArtistID
    /// The artist's name.
    public var name: String
    /// The Spotify URI.
    public var uri: String
    /// The API link.
    public var href: String?
    /// Genres, possibly empty.
    public var genres: [String]?
    /// Pictures, widest first.
    public var images: [SpotifyImage]?
    /// 0–100, when Spotify sends it.
    public var popularity: Int?
    /// Follower count, when Spotify sends it.
    public var followers: Followers?
    /// Links to the artist.
    public var externalURLs: ExternalURLs?

    enum CodingKeys: String, CodingKey {
        case id, name, uri, href, genres, images, popularity, followers
        case externalURLs = "external_urls"
    }
}
