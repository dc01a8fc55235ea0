/// A track, as returned by top items, saved tracks and playlists.
///
/// `popularity`, `available_markets` and `linked_from` are optional: Spotify removed them for
/// development-mode apps in February 2026.
public struct Track: Codable, Sendable, Hashable {
    /// The Spotify ID; `null` for local files.
    public var id: TrackID?
    /// The track name.
    public var name: String
    /// The Spotify URI.
    public var uri: String
    /// The API link.
    public var href: String?
    /// Length in milliseconds.
    public var durationMs: Int
    /// Whether it has explicit lyrics.
    public var explicit: Bool
    /// 0–100, when Spotify sends it.
    public var popularity: Int?
    /// A 30-second preview, usually `null` since November 2024.
    public var previewURL: String?
    /// The position on its disc.
    public var trackNumber: Int?
    /// The disc number.
    public var discNumber: Int?
    /// Whether it is a local file.
    public var isLocal: Bool?
    /// Whether it can be played in the user's market.
    public var isPlayable: Bool?
    /// Identifiers such as `isrc`.
    public var externalIDs: [String: String]?
    /// Links to the track.
    public var externalURLs: ExternalURLs?
    /// The performing artists.
    public var artists: [SimplifiedArtist]
    /// The album it appears on.
    public var album: SimplifiedAlbum?
    /// Markets it is available in.
    public var availableMarkets: [String]?

    enum CodingKeys: String, CodingKey {
        case id, name, uri, href, explicit, popularity, artists, album
        case durationMs = "duration_ms"
        case previewURL = "preview_url"
        case trackNumber = "track_number"
        case discNumber = "disc_number"
        case isLocal = "is_local"
        case isPlayable = "is_playable"
        case externalIDs = "external_ids"
        case externalURLs = "external_urls"
        case availableMarkets = "available_markets"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeIfPresent(TrackID.self, forKey: .id)
        name = try container.decode(String.self, forKey: .name)
        uri = try container.decode(String.self, forKey: .uri)
        href = try container.decodeIfPresent(String.self, forKey: .href)
        durationMs = try container.decodeIfPresent(Int.self, forKey: .durationMs) ?? 0
        explicit = try container.decodeIfPresent(Bool.self, forKey: .explicit) ?? false
        popularity = try container.decodeIfPresent(Int.self, forKey: .popularity)
        previewURL = try container.decodeIfPresent(String.self, forKey: .previewURL)
        trackNumber = try container.decodeIfPresent(Int.self, forKey: .trackNumber)
        discNumber = try container.decodeIfPresent(Int.self, forKey: .discNumber)
        isLocal = try container.decodeIfPresent(Bool.self, forKey: .isLocal)
        isPlayable = try container.decodeIfPresent(Bool.self, forKey: .isPlayable)
        externalIDs = try container.decodeIfPresent([String: String].self, forKey: .externalIDs)
        externalURLs = try container.decodeIfPresent(ExternalURLs.self, forKey: .externalURLs)
        artists = try container.decodeIfPresent([SimplifiedArtist].self, forKey: .artists) ?? []
        album = try container.decodeIfPresent(SimplifiedAlbum.self, forKey: .album)
        availableMarkets = try container.decodeIfPresent([String].self, forKey: .availableMarkets)
    }
}

/// An album as embedded in a track.
public struct SimplifiedAlbum: Codable, Sendable, Hashable {
    /// The Spotify ID.
    public var id: AlbumID?
    /// The album name.
    public var name: String
    /// `album`, `single` or `compilation`.
    public var albumType: String?
    /// The Spotify URI.
    public var uri: String?
    /// The API link.
    public var href: String?
    /// Cover art, widest first.
    public var images: [SpotifyImage]?
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, per ``releaseDatePrecision``.
    public var releaseDate: String?
    /// `year`, `month` or `day`.
    public var releaseDatePrecision: String?
    /// The number of tracks.
    public var totalTracks: Int?
    /// The album's artists.
    public var artists: [SimplifiedArtist]?
    /// Links to the album.
    public var externalURLs: ExternalURLs?
    /// Markets (removed for development-mode apps).
    public var availableMarkets: [String]?

    enum CodingKeys: String, CodingKey {
        case id, name, uri, href, images, artists
        case albumType = "album_type"
        case releaseDate = "release_date"
        case releaseDatePrecision = "release_date_precision"
        case totalTracks = "total_tracks"
        case externalURLs = "external_urls"
        case availableMarkets = "available_markets"
    }
}
