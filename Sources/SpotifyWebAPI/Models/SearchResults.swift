/// What `GET /search` looks for.
public enum SearchType: String, Sendable, Hashable, CaseIterable, Codable {
    /// Albums.
    case album
    /// Artists.
    case artist
    /// Playlists.
    case playlist
    /// Tracks.
    case track
    /// Shows (podcasts).
    case show
    /// Podcast episodes.
    case episode
    /// Audiobooks (in the markets that have them).
    case audiobook
}

/// One page of search results for each type asked for; the others are `nil`.
public struct SearchResults: Codable, Sendable {
    /// Matching tracks.
    public var tracks: Page<Track>?
    /// Matching artists.
    public var artists: Page<Artist>?
    /// Matching albums.
    public var albums: Page<SimplifiedAlbum>?
    /// Matching playlists (their items are not included).
    public var playlists: Page<Playlist>?
    /// Matching shows.
    public var shows: Page<SimplifiedShow>?
    /// Matching episodes.
    public var episodes: Page<SimplifiedEpisode>?
    /// Matching audiobooks (only in markets that sell them).
    public var audiobooks: Page<SimplifiedAudiobook>?
}
