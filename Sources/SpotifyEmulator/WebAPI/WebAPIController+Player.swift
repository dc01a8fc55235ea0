import Foundation
import Hummingbird

/// The player: state, devices, transfer, play and pause, skipping, seeking, repeat, shuffle,
/// volume and the queue, with Spotify's `NO_ACTIVE_DEVICE` and `PREMIUM_REQUIRED` refusals.
extension WebAPIController {
    func addPlayerRoutes(to router: Router<BasicRequestContext>) {
        router.get("/v1/me/player", use: user(playbackState))
        router.put("/v1/me/player", use: user(transfer))
        router.get("/v1/me/player/devices", use: user(devices))
        router.get("/v1/me/player/currently-playing", use: user(currentlyPlaying))
        router.put("/v1/me/player/play", use: user(play))
        router.put(
            "/v1/me/player/pause",
            use: user { request, _, caller in
                try await command(request, caller) { player, _ in
                    player.isPlaying = false
                    return nil
                }
            })
        router.post(
            "/v1/me/player/next",
            use: user { request, _, caller in
                try await command(request, caller) { player, _ in
                    player.progressMs = 0
                    return player.advance() ? nil : "NO_NEXT_TRACK"
                }
            })
        router.post("/v1/me/player/previous", use: user(previous))
        router.put("/v1/me/player/seek", use: user(seek))
        router.put("/v1/me/player/repeat", use: user(setRepeat))
        router.put("/v1/me/player/shuffle", use: user(setShuffle))
        router.put("/v1/me/player/volume", use: user(volume))
        router.get("/v1/me/player/queue", use: user(queue))
        router.post("/v1/me/player/queue", use: user(addToQueue))
    }

    @Sendable func previous(request: Request, context: BasicRequestContext, caller: UserCaller) async throws -> Response {
        try await command(request, caller) { player, _ in
            // Past the first seconds, "previous" restarts the item, as Spotify's clients do.
            if player.progressMs <= 3_000 && player.index > 0 {
                player.queuedCurrent = nil
                player.index -= 1
            }
            player.progressMs = 0
            return nil
        }
    }

    @Sendable func seek(request: Request, context: BasicRequestContext, caller: UserCaller) async throws -> Response {
        let position = try Self.intParameter(
            Self.query(request), "position_ms", default: -1, range: 0...Self.maxOffset, message: "Invalid position_ms")
        guard position >= 0 else { return SpotifyResponses.webAPIError(.badRequest, "Missing parameter position_ms") }
        return try await command(request, caller) { player, duration in
            guard let current = player.current else { return "NOT_PLAYING_TRACK" }
            player.progressMs = min(position, duration(current))
            return nil
        }
    }

    @Sendable func setRepeat(request: Request, context: BasicRequestContext, caller: UserCaller) async throws -> Response {
        guard let state = Self.query(request)["state"], ["track", "context", "off"].contains(state) else {
            return SpotifyResponses.webAPIError(.badRequest, "Invalid state: track, context or off")
        }
        return try await command(request, caller) { player, _ in
            player.repeatState = state
            return nil
        }
    }

    @Sendable func setShuffle(request: Request, context: BasicRequestContext, caller: UserCaller) async throws -> Response {
        guard let state = Self.query(request)["state"], state == "true" || state == "false" else {
            return SpotifyResponses.webAPIError(.badRequest, "Invalid state: true or false")
        }
        return try await command(request, caller) { player, _ in
            player.shuffle = state == "true"
            return nil
        }
    }

    /// How long an item plays, from the catalog.
    var itemDuration: @Sendable (String) -> Int {
        let catalog = self.catalog
        return { uri in
            let parts = uri.split(separator: ":")
            guard parts.count == 3 else { return 180_000 }
            let id = String(parts[2])
            if parts[1] == "episode" { return catalog.spoken.episodeIndexByID[id].map { catalog.spoken.episodes[$0].durationMs } ?? 180_000 }
            return catalog.trackIndexByID[id].map { catalog.tracks[$0].durationMs } ?? 180_000
        }
    }

    /// A player command for a Premium user with an active (or named) device; `change` returns a
    /// player reason to refuse with, or `nil`.
    /// Runs a player command. `activating` names the device a transfer wakes: it becomes active
    /// before the command, so an idle player can be transferred to (Spotify answers 204).
    func command(
        _ request: Request, _ caller: UserCaller, activating: String? = nil, _ change: @escaping (inout PlayerState, (String) -> Int) -> String?
    ) async throws -> Response {
        let user = caller.user
        try caller.require(.userModifyPlaybackState)
        guard user.product == "premium" else {
            return SpotifyResponses.webAPIError(.forbidden, "Player command failed: Premium required", reason: "PREMIUM_REQUIRED")
        }
        let deviceID = activating ?? Self.query(request)["device_id"]
        let duration = itemDuration
        let failure: Response? = state.updatePlayer(of: user.id, duration: duration) { player in
            if let deviceID {
                guard player.devices.contains(where: { $0.id == deviceID }) else {
                    return SpotifyResponses.webAPIError(.notFound, "Device not found")
                }
                player.activeDeviceID = deviceID
            }
            guard player.activeDeviceID != nil else {
                return SpotifyResponses.webAPIError(.notFound, "Player command failed: No active device found", reason: "NO_ACTIVE_DEVICE")
            }
            if let reason = change(&player, duration) {
                return SpotifyResponses.webAPIError(.forbidden, "Player command failed: Restriction violated", reason: reason)
            }
            return nil
        }
        return failure ?? Response(status: .noContent)
    }

    @Sendable func play(request: Request, context: BasicRequestContext, caller: UserCaller) async throws -> Response {
        let body = try await Self.body(PlaybackBody.self, request)
        let contextURI = body.contextURI
        let uris = body.uris
        var items: [String]?
        if let contextURI {
            guard let found = contextItems(contextURI) else { return SpotifyResponses.webAPIError(.badRequest, "Invalid context uri") }
            items = found
        } else if let uris {
            guard !uris.isEmpty, uris.allSatisfy(isPlayableURI) else { return SpotifyResponses.webAPIError(.badRequest, "Invalid track uri") }
            items = uris
        }
        let offset = body.offset
        // Present but not a whole number in range (a float, a string, 2^64) is refused, not read as 0.
        let position = body.positionMs
        guard (0...Self.maxOffset).contains(position) else { return SpotifyResponses.webAPIError(.badRequest, "Invalid position_ms") }
        return try await command(request, caller) { player, _ in
            if let items {
                var start = offset?.position ?? 0
                if let uri = offset?.uri, let found = items.firstIndex(of: uri) { start = found }
                guard items.indices.contains(start) else { return "NO_SPECIFIC_TRACK" }
                player.items = items
                player.index = start
                player.contextURI = contextURI
                player.queuedCurrent = nil
                player.progressMs = max(0, position)
            } else if player.current == nil {
                return "NO_SPECIFIC_TRACK"
            }
            player.isPlaying = true
            return nil
        }
    }

    /// The URIs a context plays: an album's tracks, a playlist's items, an artist's most popular
    /// tracks, a show's episodes oldest first.
    func contextItems(_ uri: String) -> [String]? {
        let parts = uri.split(separator: ":")
        guard parts.count == 3, parts[0] == "spotify" else { return nil }
        let id = String(parts[2])
        switch parts[1] {
        case "album":
            return catalog.albumIndexByID[id].map { catalog.albums[$0].trackIndices.map { "spotify:track:\(catalog.tracks[$0].id)" } }
        case "playlist":
            return state.storage.withLock { $0.playlists[id]?.items.map(\.uri) }
        case "artist":
            guard let artist = catalog.artistIndexByID[id] else { return nil }
            let tracks = catalog.tracks.indices.filter { catalog.tracks[$0].artistIndices.contains(artist) }
            return tracks.sorted { catalog.tracks[$0].popularity > catalog.tracks[$1].popularity }.prefix(10).map {
                "spotify:track:\(catalog.tracks[$0].id)"
            }
        case "show":
            return catalog.spoken.showIndexByID[id].map {
                catalog.spoken.shows[$0].episodeIndices.reversed().map { "spotify:episode:\(catalog.spoken.episodes[$0].id)" }
            }
        default:
            return nil
        }
    }

    @Sendable func transfer(request: Request, context: BasicRequestContext, caller: UserCaller) async throws -> Response {
        let body = try await Self.body(TransferBody.self, request)
        guard let ids = body.deviceIDs, ids.count == 1 else {
            return SpotifyResponses.webAPIError(.badRequest, "device_ids must name exactly one device")
        }
        let play = body.play
        let user = caller.user
        let known = state.updatePlayer(of: user.id, duration: itemDuration) { player in player.devices.contains { $0.id == ids[0] } }
        guard known else { return SpotifyResponses.webAPIError(.notFound, "Device not found") }
        return try await command(request, caller, activating: ids[0]) { player, _ in
            if let play { player.isPlaying = play && player.current != nil }
            return nil
        }
    }

    @Sendable func volume(request: Request, context: BasicRequestContext, caller: UserCaller) async throws -> Response {
        let percent = try Self.intParameter(Self.query(request), "volume_percent", default: -1, range: 0...100, message: "Invalid volume_percent")
        guard percent >= 0 else { return SpotifyResponses.webAPIError(.badRequest, "Missing parameter volume_percent") }
        return try await command(request, caller) { player, _ in
            guard let index = player.devices.firstIndex(where: { $0.id == player.activeDeviceID }), player.devices[index].supportsVolume else {
                return "VOLUME_CONTROL_DISALLOW"
            }
            player.devices[index].volume = percent
            return nil
        }
    }

    @Sendable func addToQueue(request: Request, context: BasicRequestContext, caller: UserCaller) async throws -> Response {
        guard let uri = Self.query(request)["uri"], isPlayableURI(uri) else { return SpotifyResponses.webAPIError(.badRequest, "Invalid uri") }
        return try await command(request, caller) { player, _ in
            guard player.current != nil else { return "NO_ACTIVE_DEVICE" }
            player.userQueue.append(uri)
            return nil
        }
    }
}
