/// A full album: `GET /albums/{id}`, saved albums and the multi-get.
///
/// `available_markets`, `label`, `popularity` and `album_group` are optional: Spotify removed
/// them for development-mode apps in February 2026.
public struct Album: Codable, Sendable {
    /// The Spotify ID.
    public var id: AlbumID
    /// The album name.
    public var name: String
    /// The Spotify URI.
    public var uri: String
    /// `album`, `single` or `compilation`.
    public var albumType: String
    /// The number of tracks.
    public var totalTracks: Int
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, per ``releaseDatePrecision``.
    public var releaseDate: String
    /// `year`, `month` or `day`.
    public var releaseDatePrecision: String
    /// The album's artists.
    public var artists: [SimplifiedArtist]
    /// The first page of its tracks; walk the rest with ``SpotifyClient/allAlbumTracks(id:market:)``.
    public var tracks: Page<SimplifiedTrack>
    /// Cover art, widest first.
    public var images: [SpotifyImage]
    /// Copyright lines.
    public var copyrights: [Copyright]?
    /// Identifiers such as `upc`.
    public var externalIDs: [String: String]?
    /// Links to the album.
    public var externalURLs: ExternalURLs?
    /// The API link.
    public var href: String?
    /// Always empty, Spotify says.
    public var genres: [String]?
    /// The record label, when Spotify sends it.
    public var label: String?
    /// 0–100, when Spotify sends it.
    public var popularity: Int?
    /// Markets it is available in, when Spotify sends them.
    public var availableMarkets: [String]?

    enum CodingKeys: String, CodingKey {
        case id, name, uri, artists, tracks, images, copyrights, href, genres, label, popularity
        case albumType = "album_type"
        case totalTracks = "total_tracks"
        case releaseDate = "release_date"
        case releaseDatePrecision = "release_date_precision"
        case externalIDs = "external_ids"
        case externalURLs = "external_urls"
        case availableMarkets = "available_markets"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(AlbumID.self, forKey: .id)
        name = try container.decode(String.self, forKey: .name)
        uri = try container.decode(String.self, forKey: .uri)
        albumType = try container.decode(String.self, forKey: .albumType)
        releaseDate = try container.decode(String.self, forKey: .releaseDate)
        releaseDatePrecision = try container.decode(String.self, forKey: .releaseDatePrecision)
        artists = try container.decode([SimplifiedArtist].self, forKey: .artists)
        tracks = try container.decode(Page<SimplifiedTrack>.self, forKey: .tracks)
        // Answers from before 2018 (and captures of them) lack `total_tracks`; the first page's
        // total is the same number.
        totalTracks = try container.decodeIfPresent(Int.self, forKey: .totalTracks) ?? tracks.total
        images = try container.decode([SpotifyImage].self, forKey: .images)
        copyrights = try container.decodeIfPresent([Copyright].self, forKey: .copyrights)
        externalIDs = try container.decodeIfPresent([String: String].self, forKey: .externalIDs)
        externalURLs = try container.decodeIfPresent(ExternalURLs.self, forKey: .externalURLs)
        href = try container.decodeIfPresent(String.self, forKey: .href)
        genres = try container.decodeIfPresent([String].self, forKey: .genres)
        label = try container.decodeIfPresent(String.self, forKey: .label)
        popularity = try container.decodeIfPresent(Int.self, forKey: .popularity)
        availableMarkets = try container.decodeIfPresent([String].self, forKey: .availableMarkets)
    }
}

/// An album in an artist's discography (`GET /artists/{id}/albums`), with how the artist
/// relates to it. Reads like a ``SimplifiedAlbum`` (`entry.name`) through dynamic member lookup.
@dynamicMemberLookup
public struct DiscographyAlbum: Codable, Sendable, Hashable {
    /// The album.
    public var album: SimplifiedAlbum
    /// `album`, `single`, `compilation` or `appears_on`; removed for development-mode apps.
    public var albumGroup: String?

    /// Every ``SimplifiedAlbum`` property, read through as if it were this type's own.

    public subscript<T>(dynamicMember keyPath: KeyPath<SimplifiedAlbum, T>) -> T { album[keyPath: keyPath] }

    public init(from decoder: any Decoder) throws {
        album = try SimplifiedAlbum(from: decoder)
        albumGroup = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(String.self, forKey: .albumGroup)
    }

    public func encode(to encoder: any Encoder) throws {
        try album.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(albumGroup, forKey: .albumGroup)
    }

    enum CodingKeys: String, CodingKey {
        case albumGroup = "album_group"
    }
}

/// A track as listed in an album, without the album.
public struct SimplifiedTrack: Codable, Sendable, Hashable {
    /// The Spotify ID; `nil` for a local file.
    public var id: TrackID?
    /// The track name.
    public var name: String
    /// The Spotify URI.
    public var uri: String
    /// The performing artists.
    public var artists: [SimplifiedArtist]
    /// Length in milliseconds.
    public var durationMs: Int
    /// Whether it has explicit lyrics.
    public var explicit: Bool?
    /// The position on its disc.
    public var trackNumber: Int?
    /// The disc number.
    public var discNumber: Int?
    /// Whether it can be played in the market asked for.
    public var isPlayable: Bool?
    /// Whether it is a local file.
    public var isLocal: Bool?
    /// Links to the track.
    public var externalURLs: ExternalURLs?
    /// The API link.
    public var href: String?
    /// Markets, when Spotify sends them.
    public var availableMarkets: [String]?

    enum CodingKeys: String, CodingKey {
        case id, name, uri, artists, explicit, href
        case durationMs = "duration_ms"
        case trackNumber = "track_number"
        case discNumber = "disc_number"
        case isPlayable = "is_playable"
        case isLocal = "is_local"
        case externalURLs = "external_urls"
        case availableMarkets = "available_markets"
    }
}

/// A copyright line of an album, show or audiobook.
public struct Copyright: Codable, Sendable, Hashable {
    /// The text.
    public var text: String?
    /// `C` (copyright) or `P` (performance copyright).
    public var type: String?
}

/// The answer of the multi-get endpoints: a list whose unknown IDs come back as `null`,
/// dropped here.
struct ManyItems<Item: Decodable & Sendable>: Decodable, Sendable {
    let items: [Item]

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        guard let key = container.allKeys.first else {
            items = []
            return
        }
        items = try container.decodeItems(forKey: key)
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
