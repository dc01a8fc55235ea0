import HTTPTypes
import NIOCore

/// The player: read its state and control it. Reading needs `user-read-playback-state` (or
/// `user-read-currently-playing`); every command needs `user-modify-playback-state` and
/// Spotify Premium. A command with no active device fails with ``SpotifyAPIError/Code/noActiveDevice``
/// unless it names a `deviceID` from ``availableDevices()``.
extension SpotifyClient where Authorization: UserAuthorization {
    /// The player's state: `GET /me/player`; `nil` when no device is active.
    /// Reference: [Get Playback State](https://developer.spotify.com/documentation/web-api/reference/get-information-about-the-users-current-playback).
    public func playbackState(market: String? = nil) async throws -> PlaybackState? {
        try await sendIfContent(
            SpotifyRequest(
                path: "me/player", query: [("additional_types", "track,episode")] + Self.market(market), requiredScopes: [.userReadPlaybackState],
                endpointName: "GET /me/player"))
    }

    /// What plays now: `GET /me/player/currently-playing`; `nil` when nothing does.
    /// Reference: [Get Currently Playing Track](https://developer.spotify.com/documentation/web-api/reference/get-the-users-currently-playing-track).
    public func currentlyPlaying(market: String? = nil) async throws -> CurrentlyPlaying? {
        try await sendIfContent(
            SpotifyRequest(
                path: "me/player/currently-playing", query: [("additional_types", "track,episode")] + Self.market(market),
                alternativeScopes: [.userReadCurrentlyPlaying, .userReadPlaybackState], endpointName: "GET /me/player/currently-playing"))
    }

    /// The user's devices: `GET /me/player/devices`.
    /// Reference: [Get Available Devices](https://developer.spotify.com/documentation/web-api/reference/get-a-users-available-devices).
    public func availableDevices() async throws -> [Device] {
        let answer: Devices = try await send(
            SpotifyRequest(path: "me/player/devices", requiredScopes: [.userReadPlaybackState], endpointName: "GET /me/player/devices"))
        return answer.devices
    }

    /// What plays now and what comes next: `GET /me/player/queue`.
    /// Reference: [Get the User's Queue](https://developer.spotify.com/documentation/web-api/reference/get-queue).
    public func queue() async throws -> Queue {
        try await send(
            SpotifyRequest(
                path: "me/player/queue", alternativeScopes: [.userReadCurrentlyPlaying, .userReadPlaybackState], endpointName: "GET /me/player/queue")
        )
    }

    /// Moves playback to a device: `PUT /me/player`. `play: true` starts it there, `false`
    /// pauses, `nil` keeps the current state.
    /// Reference: [Transfer Playback](https://developer.spotify.com/documentation/web-api/reference/transfer-a-users-playback).
    public func transferPlayback(to deviceID: String, play: Bool? = nil) async throws {
        try await command(.put, "me/player", name: "PUT /me/player", body: try Self.json(Transfer(deviceIDs: [deviceID], play: play)))
    }

    /// Starts or resumes playback: `PUT /me/player/play`. A `context` (album, playlist, artist,
    /// show) or a list of `items`; neither resumes what was playing.
    /// Reference: [Start/Resume Playback](https://developer.spotify.com/documentation/web-api/reference/start-a-users-playback).
    /// - Parameters:
    ///   - context: An album, playlist, artist or show to play.
    ///   - items: Tracks or episodes to play, in order (instead of a context).
    ///   - offset: Where in the context to start.
    ///   - positionMs: Where in the first item.
    ///   - deviceID: Play there instead of on the active device.
    public func play(
        context: SpotifyURI? = nil, items: [SpotifyURI]? = nil, offset: PlaybackOffset? = nil, positionMs: Int? = nil, deviceID: String? = nil
    ) async throws {
        guard context == nil || items == nil else {
            throw SpotifyAPIError(code: .invalidRequest, message: "play a context or a list of items, not both", parameter: "uris")
        }
        let body = Play(
            contextURI: context?.description, uris: items?.map(\.description),
            offset: offset.map { offset in
                switch offset {
                case .position(let position): Play.Offset(position: position, uri: nil)
                case .uri(let uri): Play.Offset(position: nil, uri: uri.description)
                }
            }, positionMs: positionMs)
        try await command(.put, "me/player/play", name: "PUT /me/player/play", deviceID: deviceID, body: try Self.json(body))
    }

    /// Pauses: `PUT /me/player/pause`.
    /// Reference: [Pause Playback](https://developer.spotify.com/documentation/web-api/reference/pause-a-users-playback).
    public func pause(deviceID: String? = nil) async throws {
        try await command(.put, "me/player/pause", name: "PUT /me/player/pause", deviceID: deviceID)
    }

    /// Skips to the next item: `POST /me/player/next`.
    /// Reference: [Skip To Next](https://developer.spotify.com/documentation/web-api/reference/skip-users-playback-to-next-track).
    public func skipToNext(deviceID: String? = nil) async throws {
        try await command(.post, "me/player/next", name: "POST /me/player/next", deviceID: deviceID)
    }

    /// Skips back (or to the item's start): `POST /me/player/previous`.
    /// Reference: [Skip To Previous](https://developer.spotify.com/documentation/web-api/reference/skip-users-playback-to-previous-track).
    public func skipToPrevious(deviceID: String? = nil) async throws {
        try await command(.post, "me/player/previous", name: "POST /me/player/previous", deviceID: deviceID)
    }

    /// Seeks within the item: `PUT /me/player/seek`; past the end moves on.
    /// Reference: [Seek To Position](https://developer.spotify.com/documentation/web-api/reference/seek-to-position-in-currently-playing-track).
    public func seek(toMs position: Int, deviceID: String? = nil) async throws {
        guard position >= 0 else { throw SpotifyAPIError(code: .invalidRequest, message: "the position must be 0 or more", parameter: "position_ms") }
        try await command(.put, "me/player/seek", name: "PUT /me/player/seek", query: [("position_ms", String(position))], deviceID: deviceID)
    }

    /// Sets the repeat mode: `PUT /me/player/repeat`.
    /// Reference: [Set Repeat Mode](https://developer.spotify.com/documentation/web-api/reference/set-repeat-mode-on-users-playback).
    public func setRepeat(_ mode: RepeatMode, deviceID: String? = nil) async throws {
        try await command(.put, "me/player/repeat", name: "PUT /me/player/repeat", query: [("state", mode.rawValue)], deviceID: deviceID)
    }

    /// Turns shuffle on or off: `PUT /me/player/shuffle`.
    /// Reference: [Toggle Playback Shuffle](https://developer.spotify.com/documentation/web-api/reference/toggle-shuffle-for-users-playback).
    public func setShuffle(_ on: Bool, deviceID: String? = nil) async throws {
        try await command(.put, "me/player/shuffle", name: "PUT /me/player/shuffle", query: [("state", on ? "true" : "false")], deviceID: deviceID)
    }

    /// Sets the volume, 0…100 (checked before sending): `PUT /me/player/volume`.
    /// Reference: [Set Playback Volume](https://developer.spotify.com/documentation/web-api/reference/set-volume-for-users-playback).
    public func setVolume(_ percent: Int, deviceID: String? = nil) async throws {
        guard (0...100).contains(percent) else {
            throw SpotifyAPIError(code: .invalidRequest, message: "the volume must be between 0 and 100, got \(percent)", parameter: "volume_percent")
        }
        try await command(.put, "me/player/volume", name: "PUT /me/player/volume", query: [("volume_percent", String(percent))], deviceID: deviceID)
    }

    /// Adds a track or episode to the end of the queue: `POST /me/player/queue`.
    /// Reference: [Add Item to Playback Queue](https://developer.spotify.com/documentation/web-api/reference/add-to-queue).
    public func addToQueue(_ item: SpotifyURI, deviceID: String? = nil) async throws {
        guard item.type == .track || item.type == .episode else {
            throw SpotifyAPIError(
                code: .invalidRequest, message: "only tracks and episodes can be queued, not a \(item.type.rawValue)", parameter: "uri")
        }
        try await command(.post, "me/player/queue", name: "POST /me/player/queue", query: [("uri", item.description)], deviceID: deviceID)
    }

    private func command(
        _ method: HTTPRequest.Method, _ path: String, name: String, query: [(String, String)] = [], deviceID: String? = nil, body: ByteBuffer? = nil
    ) async throws {
        var parameters = query
        if let deviceID { parameters.append(("device_id", deviceID)) }
        _ = try await send(
            SpotifyRequest(
                method: method, path: path, query: parameters, jsonBody: body, requiredScopes: [.userModifyPlaybackState], endpointName: name))
    }
}

private struct Devices: Decodable, Sendable {
    var devices: [Device]
}

private struct Transfer: Encodable {
    var deviceIDs: [String]
    var play: Bool?

    enum CodingKeys: String, CodingKey {
        case play
        case deviceIDs = "device_ids"
    }
}

private struct Play: Encodable {
    struct Offset: Encodable {
        var position: Int?
        var uri: String?
    }

    var contextURI: String?
    var uris: [String]?
    var offset: Offset?
    var positionMs: Int?

    enum CodingKeys: String, CodingKey {
        case uris, offset
        case contextURI = "context_uri"
        case positionMs = "position_ms"
    }
}
