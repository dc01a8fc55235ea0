/// What a player plays: a track or a podcast episode.
public enum PlayableItem: Codable, Sendable, Hashable {
    /// A track.
    case track(Track)
    /// A podcast episode.
    case episode(Episode)

    /// The item's Spotify URI.
    public var uri: String {
        switch self {
        case .track(let track): track.uri
        case .episode(let episode): episode.uri
        }
    }

    /// The item's name.
    public var name: String {
        switch self {
        case .track(let track): track.name
        case .episode(let episode): episode.name
        }
    }

    /// How long it plays, in milliseconds.
    public var durationMs: Int {
        switch self {
        case .track(let track): track.durationMs
        case .episode(let episode): episode.durationMs
        }
    }

    public init(from decoder: any Decoder) throws {
        let type = try decoder.container(keyedBy: TypeKey.self).decodeIfPresent(String.self, forKey: .type)
        self = type == "episode" ? .episode(try Episode(from: decoder)) : .track(try Track(from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .track(let track): try track.encode(to: encoder)
        case .episode(let episode): try episode.encode(to: encoder)
        }
    }

    private enum TypeKey: String, CodingKey { case type }
}

/// A device Spotify can play on.
public struct Device: Codable, Sendable, Hashable {
    /// The device ID, for the `deviceID` of player commands; `nil` for some restricted devices.
    public var id: String?
    /// Whether it is the active device.
    public var isActive: Bool
    /// Whether it is in a private session.
    public var isPrivateSession: Bool?
    /// Whether it refuses Web API commands.
    public var isRestricted: Bool?
    /// The name the user gave it.
    public var name: String
    /// `Computer`, `Smartphone`, `Speaker`, …
    public var type: String
    /// 0–100, when the device reports one.
    public var volumePercent: Int?
    /// Whether the volume can be set.
    public var supportsVolume: Bool?

    enum CodingKeys: String, CodingKey {
        case id, name, type
        case isActive = "is_active"
        case isPrivateSession = "is_private_session"
        case isRestricted = "is_restricted"
        case volumePercent = "volume_percent"
        case supportsVolume = "supports_volume"
    }
}

/// What plays now, without the device: `GET /me/player/currently-playing`.
public struct CurrentlyPlaying: Codable, Sendable, Hashable {
    /// The album, playlist, artist or show it plays from, if any.
    public var context: PlaybackContext?
    /// When Spotify took this state, Unix milliseconds.
    public var timestamp: Int?
    /// How far into the item, in milliseconds.
    public var progressMs: Int?
    /// Whether it is playing (not paused).
    public var isPlaying: Bool
    /// The track or episode; `nil` for an ad or an unknown item.
    public var item: PlayableItem?
    /// `track`, `episode`, `ad` or `unknown`.
    public var currentlyPlayingType: String?

    enum CodingKeys: String, CodingKey {
        case context, timestamp, item
        case progressMs = "progress_ms"
        case isPlaying = "is_playing"
        case currentlyPlayingType = "currently_playing_type"
    }
}

/// The player in full: `GET /me/player`.
@dynamicMemberLookup
public struct PlaybackState: Codable, Sendable, Hashable {
    /// The active device.
    public var device: Device
    /// `off`, `track` or `context`.
    public var repeatState: String?
    /// Whether shuffle is on.
    public var shuffleState: Bool?
    /// What plays.
    public var playing: CurrentlyPlaying

    /// Every ``CurrentlyPlaying`` property, read through as if it were this type's own.

    public subscript<T>(dynamicMember keyPath: KeyPath<CurrentlyPlaying, T>) -> T { playing[keyPath: keyPath] }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        device = try container.decode(Device.self, forKey: .device)
        repeatState = try container.decodeIfPresent(String.self, forKey: .repeatState)
        shuffleState = try container.decodeIfPresent(Bool.self, forKey: .shuffleState)
        playing = try CurrentlyPlaying(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        try playing.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(device, forKey: .device)
        try container.encodeIfPresent(repeatState, forKey: .repeatState)
        try container.encodeIfPresent(shuffleState, forKey: .shuffleState)
    }

    enum CodingKeys: String, CodingKey {
        case device
        case repeatState = "repeat_state"
        case shuffleState = "shuffle_state"
    }
}

/// What plays now and what comes next: `GET /me/player/queue`.
public struct Queue: Codable, Sendable, Hashable {
    /// The item playing, if any.
    public var currentlyPlaying: PlayableItem?
    /// The items after it, the user's queue first.
    public var queue: [PlayableItem]

    enum CodingKeys: String, CodingKey {
        case queue
        case currentlyPlaying = "currently_playing"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        currentlyPlaying = try container.decodeIfPresent(PlayableItem.self, forKey: .currentlyPlaying)
        queue = try container.decodeItems(forKey: .queue)
    }
}

/// How `play(…)` picks the first item of a context.
public enum PlaybackOffset: Sendable, Hashable {
    /// By position, from 0.
    case position(Int)
    /// By the item's URI.
    case uri(SpotifyURI)
}

/// The player's repeat mode.
public enum RepeatMode: String, Sendable, Hashable, CaseIterable, Codable {
    /// Repeat the current track.
    case track
    /// Repeat the album, playlist or other context.
    case context
    /// Do not repeat.
    case off
}
