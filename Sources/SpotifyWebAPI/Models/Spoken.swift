/// A full show: `GET /shows/{id}`, its first page of episodes included.
///
/// Reads like a ``SimplifiedShow`` (`show.name`, `show.publisher`) through dynamic member lookup.
@dynamicMemberLookup
public struct Show: Codable, Sendable {
    /// Everything but the episodes.
    public var details: SimplifiedShow
    /// The first page of episodes, newest first.
    public var episodes: Page<SimplifiedEpisode>

    /// Every ``SimplifiedShow`` property, read through as if it were this type's own.

    public subscript<T>(dynamicMember keyPath: KeyPath<SimplifiedShow, T>) -> T { details[keyPath: keyPath] }

    public init(from decoder: any Decoder) throws {
        details = try SimplifiedShow(from: decoder)
        episodes = try decoder.container(keyedBy: Keys.self).decode(Page<SimplifiedEpisode>.self, forKey: .episodes)
    }

    public func encode(to encoder: any Encoder) throws {
        try details.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(episodes, forKey: .episodes)
    }

    enum Keys: String, CodingKey { case episodes }
}

/// A full episode: `GET /episodes/{id}`, with its show.
@dynamicMemberLookup
public struct Episode: Codable, Sendable, Hashable {
    /// Everything but the show.
    public var details: SimplifiedEpisode
    /// The show it belongs to.
    public var show: SimplifiedShow

    /// Every ``SimplifiedEpisode`` property, read through as if it were this type's own.

    public subscript<T>(dynamicMember keyPath: KeyPath<SimplifiedEpisode, T>) -> T { details[keyPath: keyPath] }

    public init(from decoder: any Decoder) throws {
        details = try SimplifiedEpisode(from: decoder)
        show = try decoder.container(keyedBy: Keys.self).decode(SimplifiedShow.self, forKey: .show)
    }

    public func encode(to encoder: any Encoder) throws {
        try details.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(show, forKey: .show)
    }

    enum Keys: String, CodingKey { case show }
}

/// A full audiobook: `GET /audiobooks/{id}`, its first page of chapters included.
@dynamicMemberLookup
public struct Audiobook: Codable, Sendable {
    /// Everything but the chapters.
    public var details: SimplifiedAudiobook
    /// The first page of chapters, in order.
    public var chapters: Page<SimplifiedChapter>

    /// Every ``SimplifiedAudiobook`` property, read through as if it were this type's own.

    public subscript<T>(dynamicMember keyPath: KeyPath<SimplifiedAudiobook, T>) -> T { details[keyPath: keyPath] }

    public init(from decoder: any Decoder) throws {
        details = try SimplifiedAudiobook(from: decoder)
        chapters = try decoder.container(keyedBy: Keys.self).decode(Page<SimplifiedChapter>.self, forKey: .chapters)
    }

    public func encode(to encoder: any Encoder) throws {
        try details.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(chapters, forKey: .chapters)
    }

    enum Keys: String, CodingKey { case chapters }
}

/// A chapter as listed in an audiobook.
///
/// `available_markets` is optional: removed for development-mode apps in February 2026.
public struct SimplifiedChapter: Codable, Sendable, Hashable {
    /// The Spotify ID.
    public var id: ChapterID
    /// The chapter's name.
    public var name: String
    /// The Spotify URI.
    public var uri: String
    /// Its position in the book, from 1.
    public var chapterNumber: Int?
    /// Length in milliseconds.
    public var durationMs: Int
    /// The description, without HTML.
    public var description: String?
    /// Whether it has explicit content.
    public var explicit: Bool?
    /// Cover art, widest first.
    public var images: [SpotifyImage]?
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    public var releaseDate: String?
    /// Where the user stopped, with `user-read-playback-position`.
    public var resumePoint: ResumePoint?
    /// Whether it can be played in the user's market.
    public var isPlayable: Bool?
    /// Markets, when Spotify sends them.
    public var availableMarkets: [String]?
    /// Links to the chapter.
    public var externalURLs: ExternalURLs?
    /// The API link.
    public var href: String?

    enum CodingKeys: String, CodingKey {
        case id, name, uri, description, explicit, images, href
        case chapterNumber = "chapter_number"
        case durationMs = "duration_ms"
        case releaseDate = "release_date"
        case resumePoint = "resume_point"
        case isPlayable = "is_playable"
        case availableMarkets = "available_markets"
        case externalURLs = "external_urls"
    }
}

/// A full chapter: `GET /chapters/{id}`, with its audiobook.
@dynamicMemberLookup
public struct Chapter: Codable, Sendable, Hashable {
    /// Everything but the audiobook.
    public var details: SimplifiedChapter
    /// The book it belongs to.
    public var audiobook: SimplifiedAudiobook

    /// Every ``SimplifiedChapter`` property, read through as if it were this type's own.

    public subscript<T>(dynamicMember keyPath: KeyPath<SimplifiedChapter, T>) -> T { details[keyPath: keyPath] }

    public init(from decoder: any Decoder) throws {
        details = try SimplifiedChapter(from: decoder)
        audiobook = try decoder.container(keyedBy: Keys.self).decode(SimplifiedAudiobook.self, forKey: .audiobook)
    }

    public func encode(to encoder: any Encoder) throws {
        try details.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(audiobook, forKey: .audiobook)
    }

    enum Keys: String, CodingKey { case audiobook }
}
