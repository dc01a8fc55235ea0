/// Links to an object on the web; `spotify` is the open.spotify.com page.
public struct ExternalURLs: Codable, Sendable, Hashable {
    /// The Spotify web player URL.
    public var spotify: String?

    /// Creates external URLs.
    public init(spotify: String?) { self.spotify = spotify }
}

/// An image in several sizes; Spotify may leave the dimensions `null`.
public struct SpotifyImage: Codable, Sendable, Hashable {
    /// The image URL.
    public var url: String
    /// Height in pixels, when known.
    public var height: Int?
    /// Width in pixels, when known.
    public var width: Int?

    /// Creates an image.
    public init(url: String, height: Int?, width: Int?) {
        self.url = url
        self.height = height
        self.width = width
    }
}

/// A follower count (removed for development-mode apps in 2026).
public struct Followers: Codable, Sendable, Hashable {
    /// Always `null` in Spotify's responses.
    public var href: String?
    /// The number of followers.
    public var total: Int
}

/// Picking an image of the right size from the ones Spotify lists.
extension Array where Element == SpotifyImage {
    /// The smallest image at least `minimum` pixels wide, else the largest one.
    public func bestImage(atLeast minimum: Int) -> SpotifyImage? {
        let sorted = self.sorted { ($0.width ?? 0) < ($1.width ?? 0) }
        return sorted.first { ($0.width ?? 0) >= minimum } ?? sorted.last
    }
}
