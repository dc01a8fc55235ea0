import Foundation

/// The kinds of object a Spotify URI can name.
public enum SpotifyItemType: String, Sendable, Hashable, CaseIterable, Codable {
    /// A track.
    case track
    /// An album.
    case album
    /// An artist.
    case artist
    /// A playlist.
    case playlist
    /// A show (podcast).
    case show
    /// A podcast episode.
    case episode
    /// An audiobook.
    case audiobook
    /// A chapter of an audiobook.
    case chapter
    /// A user.
    case user
}

/// The kind of object a ``SpotifyID`` names; a marker type, never instantiated.
public protocol SpotifyIDKind: Sendable {
    /// The URI type, such as `track` in `spotify:track:…`.
    static var itemType: SpotifyItemType { get }
}

/// The marker kinds behind ``TrackID``, ``AlbumID`` and the rest.
public enum SpotifyIDKinds {
    /// The kind of ``SpotifyID`` that names a track.
    public enum Track: SpotifyIDKind { public static var itemType: SpotifyItemType { .track } }
    /// The kind of ``SpotifyID`` that names an album.
    public enum Album: SpotifyIDKind { public static var itemType: SpotifyItemType { .album } }
    /// The kind of ``SpotifyID`` that names an artist.
    public enum Artist: SpotifyIDKind { public static var itemType: SpotifyItemType { .artist } }
    /// The kind of ``SpotifyID`` that names a playlist.
    public enum Playlist: SpotifyIDKind { public static var itemType: SpotifyItemType { .playlist } }
    /// The kind of ``SpotifyID`` that names a show.
    public enum Show: SpotifyIDKind { public static var itemType: SpotifyItemType { .show } }
    /// The kind of ``SpotifyID`` that names an episode.
    public enum Episode: SpotifyIDKind { public static var itemType: SpotifyItemType { .episode } }
    /// The kind of ``SpotifyID`` that names an audiobook.
    public enum Audiobook: SpotifyIDKind { public static var itemType: SpotifyItemType { .audiobook } }
    /// The kind of ``SpotifyID`` that names a chapter.
    public enum Chapter: SpotifyIDKind { public static var itemType: SpotifyItemType { .chapter } }
    /// The kind of ``SpotifyID`` that names a user.
    public enum User: SpotifyIDKind { public static var itemType: SpotifyItemType { .user } }
}

/// A track's Spotify ID.
public typealias TrackID = SpotifyID<SpotifyIDKinds.Track>
/// An album's Spotify ID.
public typealias AlbumID = SpotifyID<SpotifyIDKinds.Album>
/// An artist's Spotify ID.
public typealias ArtistID = SpotifyID<SpotifyIDKinds.Artist>
/// A playlist's Spotify ID.
public typealias PlaylistID = SpotifyID<SpotifyIDKinds.Playlist>
/// A show's (podcast's) Spotify ID.
public typealias ShowID = SpotifyID<SpotifyIDKinds.Show>
/// An episode's Spotify ID.
public typealias EpisodeID = SpotifyID<SpotifyIDKinds.Episode>
/// An audiobook's Spotify ID.
public typealias AudiobookID = SpotifyID<SpotifyIDKinds.Audiobook>
/// An audiobook chapter's Spotify ID.
public typealias ChapterID = SpotifyID<SpotifyIDKinds.Chapter>
/// A user's Spotify user ID (not base62: older accounts have their chosen user name).
public typealias UserID = SpotifyID<SpotifyIDKinds.User>

/// The ID of one kind of Spotify object, checked when it is made.
///
/// Each kind is its own type, so a track ID cannot be passed where a playlist ID goes:
/// `spotify.playlist(id: trackID)` does not compile. Make one from whatever a user pasted: a
/// bare ID, a `spotify:track:…` URI or an `https://open.spotify.com/track/…` link.
///
/// ```swift
/// let id = try TrackID("https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC?si=abc")
/// id.rawValue  // "4uLU6hMCjMI75M1A2tKUQC"
/// id.uri       // spotify:track:4uLU6hMCjMI75M1A2tKUQC
/// ```
public struct SpotifyID<Kind: SpotifyIDKind>: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The bare ID, as it goes into a path.
    public let rawValue: String

    /// Parses a bare ID, a URI or an open.spotify.com link of this kind.
    /// - Throws: ``SpotifyAPIError/Code/invalidRequest`` saying what was expected, before any
    ///   request is made.
    public init(_ text: String) throws(SpotifyAPIError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.contains(":") || trimmed.contains("/") {
            let uri = try SpotifyURI(trimmed)
            guard uri.type == Kind.itemType else {
                throw Self.invalid(text, "it names a \(uri.type.rawValue), not a \(Kind.itemType.rawValue)")
            }
            rawValue = uri.id
        } else {
            guard Self.isValid(trimmed) else {
                throw Self.invalid(text, Kind.itemType == .user ? "it is empty or too long" : "an ID is 22 letters and digits")
            }
            rawValue = trimmed
        }
    }

    /// Wraps an ID Spotify itself returned, which needs no check.
    init(trusted rawValue: String) { self.rawValue = rawValue }

    /// `spotify:TYPE:ID`.
    public var uri: SpotifyURI { SpotifyURI(trusted: Kind.itemType, id: rawValue) }

    public var description: String { rawValue }

    /// Decodes an ID from Spotify's JSON without the format check: only input from people is
    /// checked, and an answer is never refused over an ID's shape.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard !text.isEmpty else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "an empty \(Kind.itemType.rawValue) ID"))
        }
        rawValue = text
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// Whether `id` is a well-formed ID of this kind: 22 base62 characters for catalog objects;
    /// for users, 1…256 characters with nothing that would need guessing in a path.
    static func isValid(_ id: some StringProtocol) -> Bool {
        if Kind.itemType == .user {
            return (1...256).contains(id.utf8.count) && !id.unicodeScalars.contains { $0.properties.isWhitespace || $0.value < 0x20 }
        }
        return id.utf8.count == 22 && id.utf8.allSatisfy(Self.isBase62)
    }

    static func isBase62(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    private static func invalid(_ text: String, _ why: String) -> SpotifyAPIError {
        SpotifyAPIError(
            code: .invalidRequest,
            message: "\"\(text.prefix(80))\" is not a Spotify \(Kind.itemType.rawValue) ID, URI or link: \(why)",
            parameter: "id"
        )
    }
}

extension SpotifyID {
    /// IDs from a list of strings, failing on the first that is not one.
    public static func list(_ texts: [String]) throws(SpotifyAPIError) -> [SpotifyID] {
        var ids: [SpotifyID] = []
        ids.reserveCapacity(texts.count)
        for text in texts { ids.append(try SpotifyID(text)) }
        return ids
    }
}
