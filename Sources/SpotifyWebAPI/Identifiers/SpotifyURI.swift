import Foundation

/// A Spotify URI, `spotify:TYPE:ID`: what the library and player endpoints take for "an item".
///
/// Parses the forms people paste: `spotify:track:…`, the legacy
/// `spotify:user:NAME:playlist:…`, and `https://open.spotify.com/[intl-xx/]track/…?si=…` links.
/// Prints as `spotify:TYPE:ID`.
public struct SpotifyURI: Sendable, Hashable, Codable, CustomStringConvertible {
    /// What kind of object it names.
    public let type: SpotifyItemType
    /// The bare ID.
    public let id: String

    /// Parses a URI or an open.spotify.com link.
    /// - Throws: ``SpotifyAPIError/Code/invalidRequest`` naming what is wrong, before any request.
    public init(_ text: String) throws(SpotifyAPIError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let parts: (type: Substring, id: Substring)
        if trimmed.lowercased().hasPrefix("spotify:") {
            parts = try Self.uriParts(trimmed, original: text)
        } else {
            parts = try Self.linkParts(trimmed, original: text)
        }
        guard let type = SpotifyItemType(rawValue: String(parts.type)) else {
            throw Self.invalid(text, "\"\(parts.type.prefix(20))\" is not a type Spotify URIs name")
        }
        self.type = type
        self.id = String(parts.id)
        guard Self.isValidID(id, of: type) else {
            throw Self.invalid(text, type == .user ? "the user ID is empty or too long" : "an ID is 22 letters and digits")
        }
    }

    /// A URI from parts Spotify returned.
    init(trusted type: SpotifyItemType, id: String) {
        self.type = type
        self.id = id
    }

    /// A URI for an ID of a known kind.
    public init<Kind>(_ id: SpotifyID<Kind>) { self = id.uri }

    /// `spotify:TYPE:ID`.
    public var description: String { "spotify:\(type.rawValue):\(id)" }

    /// The `https://open.spotify.com/…` page for the object.
    public var openURL: URL? { URL(string: "https://open.spotify.com/\(type.rawValue)/\(FormEncoding.percentEncode(id))") }

    /// The ID as a typed ID, when the URI names that kind.
    public func id<Kind>(as kind: Kind.Type = Kind.self) -> SpotifyID<Kind>? {
        type == Kind.itemType ? SpotifyID(trusted: id) : nil
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            try self.init(text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message ?? "invalid URI"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    private static func uriParts(_ text: String, original: String) throws(SpotifyAPIError) -> (type: Substring, id: Substring) {
        let fields = text.split(separator: ":", omittingEmptySubsequences: false)
        switch fields.count {
        case 3:
            return (fields[1], fields[2])
        case 5 where fields[1] == "user" && fields[3] == "playlist":
            // The legacy form that put the owner in front.
            return (fields[3], fields[4])
        default:
            throw invalid(original, "expected spotify:TYPE:ID")
        }
    }

    private static func linkParts(_ text: String, original: String) throws(SpotifyAPIError) -> (type: Substring, id: Substring) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(), scheme == "https" || scheme == "http",
            let host = components.host?.lowercased(), host == "open.spotify.com" || host == "play.spotify.com"
        else {
            throw invalid(original, "expected spotify:TYPE:ID or an https://open.spotify.com/TYPE/ID link")
        }
        var segments = components.path.split(separator: "/")
        // Localised links carry the language first: /intl-de/track/….
        if let first = segments.first, first.hasPrefix("intl-") { segments.removeFirst() }
        if segments.count == 4, segments[0] == "user", segments[2] == "playlist" { segments.removeFirst(2) }
        guard segments.count == 2 else { throw invalid(original, "the link's path is not /TYPE/ID") }
        return (segments[0], segments[1])
    }

    static func isValidID(_ id: String, of type: SpotifyItemType) -> Bool {
        // Every catalog kind has the same 22-character base62 form; only user IDs differ.
        type == .user ? UserID.isValid(id) : TrackID.isValid(id)
    }

    private static func invalid(_ text: String, _ why: String) -> SpotifyAPIError {
        SpotifyAPIError(code: .invalidRequest, message: "\"\(text.prefix(80))\" is not a Spotify URI or link: \(why)", parameter: "uri")
    }
}
