import Foundation

/// A track in the user's library, with when it was saved.
public struct SavedTrack: Codable, Sendable, Hashable {
    /// When the user saved it.
    public var addedAt: Date
    /// The track.
    public var track: Track

    enum CodingKeys: String, CodingKey {
        case addedAt = "added_at"
        case track
    }
}

/// One play from the user's recently played history.
public struct PlayHistory: Codable, Sendable, Hashable {
    /// The track played.
    public var track: Track
    /// When it was played.
    public var playedAt: Date
    /// Where it was played from; may be `null`.
    public var context: PlaybackContext?

    enum CodingKeys: String, CodingKey {
        case track, context
        case playedAt = "played_at"
    }
}

/// The album, artist or playlist a track was played from.
public struct PlaybackContext: Codable, Sendable, Hashable {
    /// `album`, `artist`, `playlist` or `show`.
    public var type: String
    /// The API link.
    public var href: String?
    /// Links to the context.
    public var externalURLs: ExternalURLs?
    /// The Spotify URI.
    public var uri: String

    enum CodingKeys: String, CodingKey {
        case type, href, uri
        case externalURLs = "external_urls"
    }
}

/// An album in the user's library, with when it was saved.
public struct SavedAlbum: Codable, Sendable {
    /// When the user saved it.
    public var addedAt: Date
    /// The album.
    public var album: Album

    enum CodingKeys: String, CodingKey {
        case addedAt = "added_at"
        case album
    }
}

/// An episode in the user's library, with when it was saved.
public struct SavedEpisode: Codable, Sendable, Hashable {
    /// When the user saved it.
    public var addedAt: Date
    /// The episode.
    public var episode: Episode

    enum CodingKeys: String, CodingKey {
        case addedAt = "added_at"
        case episode
    }
}

/// A show the user follows, with when they started.
public struct SavedShow: Codable, Sendable, Hashable {
    /// When the user saved it.
    public var addedAt: Date
    /// The show.
    public var show: SimplifiedShow

    enum CodingKeys: String, CodingKey {
        case addedAt = "added_at"
        case show
    }
}

/// An audiobook in the user's library, with when it was saved.
public struct SavedAudiobook: Codable, Sendable {
    /// When the user saved it.
    public var addedAt: Date
    /// The audiobook.
    public var audiobook: Audiobook

    enum CodingKeys: String, CodingKey {
        case addedAt = "added_at"
        case audiobook
    }
}
