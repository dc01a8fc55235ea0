import Crypto
import Foundation

/// What kind of thing was played.
public enum PlayedKind: Int, Sendable, Hashable, Codable {
    case track = 1
    case episode = 2
    case chapter = 3
    /// An export entry that names nothing (Spotify writes them for content it no longer knows):
    /// its time counts, in no top list.
    case unknown = 4
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
    /// The album artist's and the album's `spotify:` URIs, when the source says (the recorder
    /// does; the export names them only): what links to them use.
    public var artistURI: String? = nil
    public var albumURI: String? = nil
    /// A 63-bit number derived from its URI (or, without one, its names): every instance and every
    /// import computes the same one without asking the database, so a batch of plays needs no
    /// id lookups. Worked out once, here: a million plays ask for it several times each.
    let id: Int64
    /// The artist's number: plays are counted per artist by it, without comparing names.
    let artistID: Int64
    /// The album's number (an album is its name and its artist's).
    let albumID: Int64

    /// What an export entry that names nothing was a play of.
    public static let unknown = PlayedItem(uri: nil, kind: .unknown, name: "Unknown", artist: "Unknown", album: "")

    public init(
        uri: String?, kind: PlayedKind, name: String, artist: String, album: String, artists: String? = nil, durationMs: Int? = nil,
        artistURI: String? = nil, albumURI: String? = nil
    ) {
        self.artistURI = artistURI
        self.albumURI = albumURI
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

/// Where a play came from. When the same listening reaches the history from two sources, the
/// one that knows most stays: the extended export, then the account-data export, then the
/// recorder's estimate.
public enum PlaySource: Int, Sendable, Hashable, Codable {
    /// Polled from recently played: when, and what, but not how long (``Play/msPlayed`` is an
    /// estimate).
    case recorded = 1
    /// The extended streaming history (`Streaming_History_Audio_*.json`, `endsong_*.json`).
    case imported = 2
    /// The account-data export (`StreamingHistory*.json`): names and the minute a play ended.
    case accountData = 3

    /// Which source stays when two describe the same listening.
    var precedence: Int {
        switch self {
        case .imported: 3
        case .accountData: 2
        case .recorded: 1
        }
    }

    /// How the JSON, the CSV export and the command line name it.
    public var name: String {
        switch self {
        case .recorded: "recorded"
        case .imported: "imported"
        case .accountData: "account_data"
        }
    }
}

/// One play: when it ended, how long it was heard, what it was.
public struct Play: Sendable, Hashable {
    /// When the play ended, in Unix milliseconds (Spotify's `played_at`, the export's `ts`).
    public var playedAtMs: Int64
    /// How long it was heard. Under 30 s it is not a stream in Spotify's sense: it counts
    /// towards minutes listened, not towards plays. A recorded play's is an estimate.
    public var msPlayed: Int
    public var item: PlayedItem
    public var source: PlaySource
    /// The album, playlist or artist it was played from, when the recorder saw one.
    public var contextURI: String?
    /// Which entry this is: two plays with the same moment and entry are the same play, and any
    /// other two are not (``PlayIdentity``).
    public var entryID: Int64
    /// Why it started and ended, and whether it was skipped, as the export says.
    public var reasonStart: PlayReason?
    public var reasonEnd: PlayReason?
    public var skipped: Bool?

    public init(
        playedAtMs: Int64, msPlayed: Int, item: PlayedItem, source: PlaySource, contextURI: String? = nil, entryID: Int64? = nil,
        reasonStart: PlayReason? = nil, reasonEnd: PlayReason? = nil, skipped: Bool? = nil
    ) {
        self.playedAtMs = playedAtMs
        self.msPlayed = msPlayed
        self.item = item
        self.source = source
        self.contextURI = contextURI
        self.entryID = entryID ?? PlayIdentity.recorded(item: item)
        self.reasonStart = reasonStart
        self.reasonEnd = reasonEnd
        self.skipped = skipped
    }

    /// Whether ``msPlayed`` is the recorder's estimate rather than what Spotify counted.
    public var isEstimated: Bool { source == .recorded }

    /// Spotify counts a stream after 30 s.
    public static let countedAfterMs = 30_000

    /// Whether this play counts as a stream (30 s or more).
    public var isCounted: Bool { msPlayed >= Self.countedAfterMs }
}

/// Stable 63-bit identifiers from text, so ids are the same on every instance without a sequence.
enum HistoryID {
    static func of(_ text: String) -> Int64 {
        var text = text
        // Hashed in place: no copy of the text per id (an import works out millions).
        let digest = text.withUTF8 { SHA256.hash(data: UnsafeRawBufferPointer($0)) }
        var value: UInt64 = 0
        for byte in digest.prefix(8) { value = value << 8 | UInt64(byte) }
        return Int64(bitPattern: value & 0x7FFF_FFFF_FFFF_FFFF)
    }

    /// The listener id of a Spotify user (`account_id`, else `id`).
    static func listener(_ userID: String) -> Int64 { of("listener\u{1F}" + userID) }
}

/// What makes a play the play it is.
///
/// An export entry is one play: two entries are the same only when every field Spotify gives to
/// tell them apart is the same (``extended(endedAtMs:msPlayed:item:reasonStart:reasonEnd:offlineTimestamp:platform:)``),
/// so a re-import, overlapping files, or the JSON and the ZIP add nothing, and two different
/// entries are never merged, whatever their timestamps. A recorded play is its moment and track.
/// The id is stored beside the moment; `0` marks a play stored before entries had ids (its
/// entry is found again by ``HistoryStore`` when its file is imported once more).
public enum PlayIdentity {
    /// The id of plays stored before schema step 5.
    static let legacy: Int64 = 0

    /// A play recorded from recently played: its track (the moment is stored beside it).
    static func recorded(item: PlayedItem) -> Int64 { nonLegacy(item.id) }

    /// An entry of the extended streaming history.
    static func extended(
        endedAtMs: Int64, msPlayed: Int64, item: PlayedItem, reasonStart: String?, reasonEnd: String?, offlineTimestamp: Int64?, platform: String?
    ) -> Int64 {
        // The fields joined by U+001F, written into one string (the same text as joining them).
        var text = "e\u{1F}"
        text.reserveCapacity(160)
        text += String(endedAtMs)
        text += "\u{1F}"
        text += String(msPlayed)
        text += "\u{1F}"
        if let uri = item.uri {
            text += uri
        } else {
            text += "\(item.kind.rawValue)\u{1E}\(item.name)\u{1E}\(item.artist)\u{1E}\(item.album)"
        }
        for field in [reasonStart, reasonEnd, offlineTimestamp.map(String.init), platform] {
            text += "\u{1F}"
            text += field ?? "\u{0}"
        }
        return nonLegacy(HistoryID.of(text))
    }

    /// An entry of the account-data export: all it has.
    static func accountData(endedAtMs: Int64, msPlayed: Int64, item: PlayedItem) -> Int64 {
        nonLegacy(
            HistoryID.of(["a", String(endedAtMs), String(msPlayed), item.name, item.artist, String(item.kind.rawValue)].joined(separator: "\u{1F}")))
    }

    private static func nonLegacy(_ id: Int64) -> Int64 { id == legacy ? 1 : id }
}

/// Why a play started or ended, as the export says (`trackdone`, `fwdbtn`, …); stored as a small
/// number, with values Encore does not know kept as ``other``.
public struct PlayReason: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The number stored: an index into ``known`` plus one, or 0 for a value not in it.
    let code: Int

    /// Spotify's documented values and those seen in real exports.
    static let known = [
        "trackdone", "clickrow", "fwdbtn", "playbtn", "appload", "backbtn", "unknown", "remote", "trackerror", "endplay", "logout",
        "unexpected-exit-while-paused", "unexpected-exit", "popup", "uriopen", "persisted", "switched-to-audio", "switched-to-video",
        "clickside", "reconnect", "",
    ]
    private static let codes = Dictionary(uniqueKeysWithValues: known.enumerated().map { ($1, $0 + 1) })

    /// A value Encore does not know; the play's identity still tells it apart.
    public static let other = PlayReason(code: 0)

    public init(_ text: String) { code = Self.codes[text] ?? 0 }

    init(code: Int) { self.code = (0...Self.known.count).contains(code) ? code : 0 }

    public var description: String { code == 0 ? "other" : Self.known[code - 1] }

    public init(from decoder: any Decoder) throws { self.init(try decoder.singleValueContainer().decode(String.self)) }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
