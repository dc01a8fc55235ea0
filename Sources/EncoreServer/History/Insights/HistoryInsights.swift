import Foundation

/// What an item page is about.
public enum HistoryItemKind: String, Sendable, Codable, CaseIterable {
    case track, artist, album

    /// "tracks", "artists", "albums": the table pages' and commands' word.
    public var plural: String { rawValue + "s" }
}

/// A track, artist or album with what it was played: a row of a table, a top list's entry, an
/// item page's heading. First and latest play are over the whole history.
public struct HistoryItemRow: Sendable, Codable, Equatable {
    public var kind: HistoryItemKind
    /// Its link id (``HistoryLinkID``): `/history/{kind}/{id}`.
    public var id: String
    public var name: String
    /// For a track or an album, its artist; for a track, its album.
    public var artist: String?
    public var album: String?
    /// A track's Spotify URI, when known.
    public var uri: String?
    public var plays: Int
    public var msPlayed: Int64
    public var firstPlayedAt: Date?
    public var lastPlayedAt: Date?
}

/// Every track, artist or album of a period, sorted, filtered and a page of it.
public struct HistoryItemTable: Sendable, Codable, Equatable {
    public enum Sort: String, Sendable, Codable, CaseIterable {
        case plays, minutes, first, last, name
    }

    public enum Order: String, Sendable, Codable, CaseIterable {
        case asc, desc
    }

    /// Rows a page holds.
    public static let pageSize = 50

    public var kind: HistoryItemKind
    public var from: LocalDate
    public var to: LocalDate
    public var timeZone: String
    public var sort: Sort
    public var order: Order
    /// The text filter, when there is one.
    public var query: String?
    /// This page (from 1) and how many there are.
    public var page: Int
    public var pages: Int
    /// Items that match, on every page.
    public var total: Int
    public var rows: [HistoryItemRow]
}

/// One item's story over the whole history (or a period): plays, minutes, first and latest play,
/// plays per month, listening by hour of day, its top tracks and albums, and its share of all
/// the listening.
public struct HistoryItemStory: Sendable, Codable, Equatable {
    public var item: HistoryItemRow
    /// Plays under 30 s, in ``HistoryItemRow/msPlayed`` and not in its plays.
    public var shortPlays: Int
    /// The period, when the story is of one; `nil` for the whole history.
    public var from: LocalDate?
    public var to: LocalDate?
    public var timeZone: String
    /// Its plays and listening as a share (0…1) of the listener's in the same span.
    public var shareOfPlays: Double
    public var shareOfListening: Double
    /// Plays per local month, every month from its first play's to its latest's.
    public var months: [HistoryChart.Point]
    /// Plays (30 s or more) by local hour of the day, 0 to 23.
    public var hours: [Int]
    /// For an artist or album: its tracks, most played first (at most 20).
    public var topTracks: [HistoryItemRow]
    /// For an artist: its albums, most played first (at most 20).
    public var topAlbums: [HistoryItemRow]
}

// Flat, as the command line prints it (DESIGN.md: `name`, `plays`, `ms_played`, `first_played`,
// `last_played`, `top_tracks`), with the item's fields beside the story's.
extension HistoryItemStory {
    enum CodingKeys: String, CodingKey {
        case kind, id, name, artist, album, uri, plays, shortPlays, msPlayed, firstPlayed, lastPlayed, from, to, timeZone, shareOfPlays
        case shareOfListening, months, hours, topTracks, topAlbums
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(item.kind, forKey: .kind)
        try container.encode(item.id, forKey: .id)
        try container.encode(item.name, forKey: .name)
        try container.encodeIfPresent(item.artist, forKey: .artist)
        try container.encodeIfPresent(item.album, forKey: .album)
        try container.encodeIfPresent(item.uri, forKey: .uri)
        try container.encode(item.plays, forKey: .plays)
        try container.encode(shortPlays, forKey: .shortPlays)
        try container.encode(item.msPlayed, forKey: .msPlayed)
        try container.encodeIfPresent(item.firstPlayedAt, forKey: .firstPlayed)
        try container.encodeIfPresent(item.lastPlayedAt, forKey: .lastPlayed)
        try container.encodeIfPresent(from, forKey: .from)
        try container.encodeIfPresent(to, forKey: .to)
        try container.encode(timeZone, forKey: .timeZone)
        try container.encode(shareOfPlays, forKey: .shareOfPlays)
        try container.encode(shareOfListening, forKey: .shareOfListening)
        try container.encode(months, forKey: .months)
        try container.encode(hours, forKey: .hours)
        try container.encode(topTracks, forKey: .topTracks)
        try container.encode(topAlbums, forKey: .topAlbums)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        item = HistoryItemRow(
            kind: try container.decode(HistoryItemKind.self, forKey: .kind), id: try container.decode(String.self, forKey: .id),
            name: try container.decode(String.self, forKey: .name), artist: try container.decodeIfPresent(String.self, forKey: .artist),
            album: try container.decodeIfPresent(String.self, forKey: .album), uri: try container.decodeIfPresent(String.self, forKey: .uri),
            plays: try container.decode(Int.self, forKey: .plays), msPlayed: try container.decode(Int64.self, forKey: .msPlayed),
            firstPlayedAt: try container.decodeIfPresent(Date.self, forKey: .firstPlayed),
            lastPlayedAt: try container.decodeIfPresent(Date.self, forKey: .lastPlayed))
        shortPlays = try container.decode(Int.self, forKey: .shortPlays)
        from = try container.decodeIfPresent(LocalDate.self, forKey: .from)
        to = try container.decodeIfPresent(LocalDate.self, forKey: .to)
        timeZone = try container.decode(String.self, forKey: .timeZone)
        shareOfPlays = try container.decode(Double.self, forKey: .shareOfPlays)
        shareOfListening = try container.decode(Double.self, forKey: .shareOfListening)
        months = try container.decode([HistoryChart.Point].self, forKey: .months)
        hours = try container.decode([Int].self, forKey: .hours)
        topTracks = try container.decode([HistoryItemRow].self, forKey: .topTracks)
        topAlbums = try container.decode([HistoryItemRow].self, forKey: .topAlbums)
    }
}

/// A listening session (DESIGN.md: entries sorted by start, each within 15 minutes of the
/// latest end so far).
public struct HistorySession: Sendable, Codable, Equatable {
    public var start: Date
    public var end: Date
    public var lengthMs: Int64
    /// Its entries, plays of 30 s or more among them, and what was heard.
    public var entries: Int
    public var plays: Int
    public var msPlayed: Int64
    /// What was played in it, most first (for the longest session of a period).
    public var tracks: [HistoryItemRow]?

    init(_ span: SessionSpan, tracks: [HistoryItemRow]? = nil) {
        start = Date(unixMilliseconds: span.start)
        end = Date(unixMilliseconds: span.end)
        lengthMs = span.lengthMs
        entries = Int(span.entries)
        plays = Int(span.plays)
        msPlayed = span.msPlayed
        self.tracks = tracks
    }
}
