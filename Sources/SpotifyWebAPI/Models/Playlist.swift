import Foundation

/// A playlist, from `POST /me/playlists` or `GET /playlists/{id}`.
public struct Playlist: Codable, Sendable, Hashable {
    /// The Spotify ID.
    public var id: PlaylistID
    /// The name.
    public var name: String
    /// The description, if any.
    public var description: String?
    /// Whether it is public; `null` when not relevant.
    public var isPublic: Bool?
    /// Whether others may edit it.
    public var collaborative: Bool?
    /// Who owns it.
    public var owner: PublicUser?
    /// Links to the playlist.
    public var externalURLs: ExternalURLs?
    /// The API link.
    public var href: String?
    /// Cover images.
    public var images: [SpotifyImage]?
    /// The version identifier.
    public var snapshotID: String?
    /// The Spotify URI.
    public var uri: String
    /// Its items; named `tracks` before February 2026 and `items` since, both are read.
    public var items: PlaylistItems?

    enum CodingKeys: String, CodingKey {
        case id, name, description, collaborative, owner, href, images, uri, items
        case tracks
        case isPublic = "public"
        case externalURLs = "external_urls"
        case snapshotID = "snapshot_id"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(PlaylistID.self, forKey: .id)
        name = try container.decode(String.self, forKey: .name)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        isPublic = try container.decodeIfPresent(Bool.self, forKey: .isPublic)
        collaborative = try container.decodeIfPresent(Bool.self, forKey: .collaborative)
        owner = try container.decodeIfPresent(PublicUser.self, forKey: .owner)
        externalURLs = try container.decodeIfPresent(ExternalURLs.self, forKey: .externalURLs)
        href = try container.decodeIfPresent(String.self, forKey: .href)
        images = try container.decodeIfPresent([SpotifyImage].self, forKey: .images)
        snapshotID = try container.decodeIfPresent(String.self, forKey: .snapshotID)
        uri = try container.decode(String.self, forKey: .uri)
        items =
            try container.decodeIfPresent(PlaylistItems.self, forKey: .items)
            ?? container.decodeIfPresent(PlaylistItems.self, forKey: .tracks)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encodeIfPresent(description, forKey: .description)
        try container.encodeIfPresent(isPublic, forKey: .isPublic)
        try container.encodeIfPresent(collaborative, forKey: .collaborative)
        try container.encodeIfPresent(owner, forKey: .owner)
        try container.encodeIfPresent(externalURLs, forKey: .externalURLs)
        try container.encodeIfPresent(href, forKey: .href)
        try container.encodeIfPresent(images, forKey: .images)
        try container.encodeIfPresent(snapshotID, forKey: .snapshotID)
        try container.encode(uri, forKey: .uri)
        try container.encodeIfPresent(items, forKey: .items)
    }
}

/// A playlist's item summary (`href`, `total`) and, on full objects, its first page of items.
public struct PlaylistItems: Codable, Sendable, Hashable {
    /// The API link to all items.
    public var href: String?
    /// How many items the playlist holds.
    public var total: Int
    /// The first page of items, when included.
    public var items: [PlaylistItem]?

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        href = try container.decodeIfPresent(String.self, forKey: .href)
        total = try container.decodeIfPresent(Int.self, forKey: .total) ?? 0
        items = try container.decodeIfPresent([PlaylistItem?].self, forKey: .items)?.compactMap { $0 }
    }

    enum CodingKeys: String, CodingKey {
        case href, total, items
    }
}

/// One entry of a playlist.
public struct PlaylistItem: Codable, Sendable, Hashable {
    /// When it was added.
    public var addedAt: Date?
    /// Whether it is a local file.
    public var isLocal: Bool?
    /// The track; `nil` for episodes and entries Spotify no longer serves.
    public var track: Track?

    enum CodingKeys: String, CodingKey {
        case addedAt = "added_at"
        case isLocal = "is_local"
        case item
        case track
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        addedAt = try container.decodeIfPresent(Date.self, forKey: .addedAt)
        isLocal = try container.decodeIfPresent(Bool.self, forKey: .isLocal)
        // Since February 2026 the entry is `item`; before, `track`. Episodes are skipped.
        let entry = try? container.decodeIfPresent(Track.self, forKey: .item)
        track = entry ?? (try? container.decodeIfPresent(Track.self, forKey: .track)) ?? nil
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(addedAt, forKey: .addedAt)
        try container.encodeIfPresent(isLocal, forKey: .isLocal)
        try container.encodeIfPresent(track, forKey: .item)
    }
}

/// The answer to adding items: the playlist's new version.
public struct PlaylistSnapshot: Codable, Sendable, Hashable {
    /// The new snapshot id.
    public var snapshotID: String

    enum CodingKeys: String, CodingKey {
        case snapshotID = "snapshot_id"
    }
}
