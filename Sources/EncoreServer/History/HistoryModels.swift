import Crypto
import Foundation

/// What kind of thing was played.
public enum PlayedKind: Int, Sendable, Hashable, Codable {
    case track = 1
    case episode = 2
    case chapter = 3
}

/// A track, podcast episode or audiobook chapter as the history keeps it: stored once, shared by
/// every play of it (and by every listener).
///
/// Spotify's export names a track by its URI, title, album artist and album; the recorder knows
/// more (every artist, the duration). The artist and album kept are the ones both sources give,
/// so plays from either count towards the same artist and album.
public struct PlayedItem: Sendable, Hashable {
    /// `spotify:track:…`, `spotify:episode:…` or `spotify:chapter:…`; `nil` when the source gave
    /// only names (the older, basic export).
    public let uri: String?
    public let kind: PlayedKind
    /// The track, episode or chapter title.
    public let name: String
    /// The album's artist; for an episode its show, for a chapter its audiobook.
    public let artist: String
    /// The album; for an episode its show, for a chapter its audiobook.
    public let album: String
    /// Every artist, joined with ", ", when the source says (the recorder does).
    public let artists: String?
    /// Length in milliseconds, when the source says.
    public let durationMs: Int?
    /// A 63-bit number derived from its URI (or, without one, its names): every instance and every
    /// import computes the same one without asking the database, so a batch of plays needs no
    /// id lookups. Worked out once, here: a million plays ask for it several times each.
    let id: Int64
    /// The artist's number: plays are counted per artist by it, without comparing names.
    let artistID: Int64
    /// The album's number (an album is its name and its artist's).
    let albumID: Int64

    public init(uri: String?, kind: PlayedKind, name: String, artist: String, album: String, artists: String? = nil, durationMs: Int? = nil) {
        self.uri = uri
        self.kind = kind
        self.name = name
        self.artist = artist
        self.album = album
        self.artists = artists
        self.durationMs = durationMs
        id = HistoryID.of(uri ?? "\(kind.rawValue)\u{1F}\(name)\u{1F}\(artist)\u{1F}\(album)")
        artistID = HistoryID.of("artist\u{1F}" + artist)
        albumID = HistoryID.of("album\u{1F}" + album + "\u{1F}" + artist)
    }
}

/// Where a play came from.
public enum PlaySource: Int, Sendable, Hashable, Codable {
    /// Polled from recently played.
    case recorded = 1
    /// Read from Spotify's streaming-history export.
    case imported = 2
}

/// One play: when it ended, how long it was heard, what it was.
public struct Play: Sendable, Hashable {
    /// When the play ended, in Unix milliseconds (Spotify's `played_at`, the export's `ts`).
    public var playedAtMs: Int64
    /// How long it was heard. Under 30 s it is not a stream in Spotify's sense: it counts
    /// towards minutes listened, not towards plays.
    public var msPlayed: Int
    public var item: PlayedItem
    public var source: PlaySource
    /// The album, playlist or artist it was played from, when the recorder saw one.
    public var contextURI: String?

    public init(playedAtMs: Int64, msPlayed: Int, item: PlayedItem, source: PlaySource, contextURI: String? = nil) {
        self.playedAtMs = playedAtMs
        self.msPlayed = msPlayed
        self.item = item
        self.source = source
        self.contextURI = contextURI
    }

    /// Spotify counts a stream after 30 s.
    public static let countedAfterMs = 30_000

    /// Whether this play counts as a stream (30 s or more).
    public var isCounted: Bool { msPlayed >= Self.countedAfterMs }
}

/// Stable 63-bit identifiers from text, so ids are the same on every instance without a sequence.
enum HistoryID {
    static func of(_ text: String) -> Int64 {
        let digest = SHA256.hash(data: Data(text.utf8))
        var value: UInt64 = 0
        for byte in digest.prefix(8) { value = value << 8 | UInt64(byte) }
        return Int64(bitPattern: value & 0x7FFF_FFFF_FFFF_FFFF)
    }

    /// The listener id of a Spotify user (`account_id`, else `id`).
    static func listener(_ userID: String) -> Int64 { of("listener\u{1F}" + userID) }
}
