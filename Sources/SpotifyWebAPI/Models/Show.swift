/// A podcast as listed in search results, saved shows and an episode.
///
/// `available_markets` and `publisher` are optional: Spotify removed them for
/// development-mode apps in February 2026.
public struct SimplifiedShow: Codable, Sendable, Hashable {
    /// The Spotify ID.
    public var id: ShowID
    /// The show's name.
    public var name: String
    /// The Spotify URI.
    public var uri: String
    /// The description, without HTML.
    public var description: String?
    /// Whether it has explicit content.
    public var explicit: Bool?
    /// Cover art, widest first.
    public var images: [SpotifyImage]?
    /// Languages, as ISO 639 codes.
    public var languages: [String]?
    /// `audio`, `video` or `mixed`.
    public var mediaType: String?
    /// How many episodes there are.
    public var totalEpisodes: Int?
    /// The publisher, when Spotify sends it.
    public var publisher: String?
    /// Links to the show.
    public var externalURLs: ExternalURLs?
    /// The API link.
    public var href: String?

    enum CodingKeys: String, CodingKey {
        case id, name, uri, description, explicit, images, languages, publisher, href
        case mediaType = "media_type"
        case totalEpisodes = "total_episodes"
        case externalURLs = "external_urls"
    }
}

/// A podcast episode as listed in a show, search results or saved episodes.
public struct SimplifiedEpisode: Codable, Sendable, Hashable {
    /// The Spotify ID.
    public var id: EpisodeID
    /// The episode's name.
    public var name: String
    /// The Spotify URI.
    public var uri: String
    /// The description, without HTML.
    public var description: String?
    /// Length in milliseconds.
    public var durationMs: Int
    /// Whether it has explicit content.
    public var explicit: Bool?
    /// Cover art, widest first.
    public var images: [SpotifyImage]?
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    public var releaseDate: String?
    /// `year`, `month` or `day`.
    public var releaseDatePrecision: String?
    /// Where the user stopped, with `user-read-playback-position`.
    public var resumePoint: ResumePoint?
    /// Whether it can be played in the user's market.
    public var isPlayable: Bool?
    /// Links to the episode.
    public var externalURLs: ExternalURLs?
    /// The API link.
    public var href: String?

    enum CodingKeys: String, CodingKey {
        case id, name, uri, description, explicit, images, href
        case durationMs = "duration_ms"
        case releaseDate = "release_date"
        case releaseDatePrecision = "release_date_precision"
        case resumePoint = "resume_point"
        case isPlayable = "is_playable"
        case externalURLs = "external_urls"
    }
}

/// Where a user stopped in an episode or chapter.
public struct ResumePoint: Codable, Sendable, Hashable {
    /// Whether it was played to the end.
    public var fullyPlayed: Bool?
    /// The position in milliseconds.
    public var resumePositionMs: Int?

    enum CodingKeys: String, CodingKey {
        case fullyPlayed = "fully_played"
        case resumePositionMs = "resume_position_ms"
    }
}

/// An audiobook as listed in search results and saved audiobooks.
///
/// `available_markets` and `publisher` are optional: removed for development-mode apps.
public struct SimplifiedAudiobook: Codable, Sendable, Hashable {
    /// A person credited on an audiobook.
    public struct Person: Codable, Sendable, Hashable {
        /// Their name.
        public var name: String?
    }

    /// The Spotify ID.
    public var id: AudiobookID
    /// The title.
    public var name: String
    /// The Spotify URI.
    public var uri: String
    /// The authors.
    public var authors: [Person]?
    /// The narrators.
    public var narrators: [Person]?
    /// The description, without HTML.
    public var description: String?
    /// The edition, such as `Unabridged`.
    public var edition: String?
    /// Whether it has explicit content.
    public var explicit: Bool?
    /// Cover art, widest first.
    public var images: [SpotifyImage]?
    /// Languages, as ISO 639 codes.
    public var languages: [String]?
    /// How many chapters there are.
    public var totalChapters: Int?
    /// The publisher, when Spotify sends it.
    public var publisher: String?
    /// Links to the audiobook.
    public var externalURLs: ExternalURLs?
    /// The API link.
    public var href: String?

    enum CodingKeys: String, CodingKey {
        case id, name, uri, authors, narrators, description, edition, explicit, images, languages, publisher, href
        case totalChapters = "total_chapters"
        case externalURLs = "external_urls"
    }
}
