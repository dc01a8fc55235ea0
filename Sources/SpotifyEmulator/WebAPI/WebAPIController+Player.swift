import Foundation
import Hummingbird

/// The player: state, devices, transfer, play and pause, skipping, seeking, repeat, shuffle,
/// volume and the queue, with Spotify's `NO_ACTIVE_DEVICE` and `PREMIUM_REQUIRED` refusals.
extension WebAPIController {
    func addPlayerRoutes(to router: Router<BasicRequestContext>) {
        router.get("/v1/me/player", use: playbackState)
        router.put("/v1/me/player", use: transfer)
        router.get("/v1/me/player/devices", use: devices)
        router.get("/v1/me/player/currently-playing", use: currentlyPlaying)
        router.put("/v1/me/player/play", use: play)
        router.put("/v1/me/player/pause") { request, _ in
            try await command(request) { player, _ in
                player.isPlaying = false
                return nil
            }
        }
        router.post("/v1/me/player/next") { request, _ in
            try await command(request) { player, _ in
                player.progressMs = 0
                return player.advance() ? nil : "NO_NEXT_TRACK"
            }
        }
        router.post("/v1/me/player/previous", use: previous)
        router.put("/v1/me/player/seek", use: seek)
        router.put("/v1/me/player/repeat", use: setRepeat)
        router.put("/v1/me/player/shuffle", use: setShuffle)
        router.put("/v1/me/player/volume", use: volume)
        router.get("/v1/me/player/queue", use: queue)
        router.post("/v1/me/player/queue", use: addToQueue)
    }

    @Sendable func previous(request: Request, context: BasicRequestContext) async throws -> Response {
        try await command(request) { player, _ in
            // Past the first seconds, "previous" restarts the item, as Spotify's clients do.
            if player.progressMs <= 3_000 && player.index > 0 {
                player.queuedCurrent = nil
                player.index -= 1
            }
            player.progressMs = 0
            return nil
        }
    }

    @Sendable func seek(request: Request, context: BasicRequestContext) async throws -> Response {
        let position = try Self.intParameter(
            Self.query(request), "position_ms", default: -1, range: 0...Self.maxOffset, message: "Invalid position_ms")
        guard position >= 0 else { return SpotifyResponses.webAPIError(.badRequest, "Missing parameter position_ms") }
        return try await command(request) { player, duration in
            guard let current = player.current else { return "NOT_PLAYING_TRACK" }
            player.progressMs = min(position, duration(current))
            return nil
        }
    }

    @Sendable func setRepeat(request: Request, context: BasicRequestContext) async throws -> Response {
        guard let state = Self.query(request)["state"], ["track", "context", "off"].contains(state) else {
            return SpotifyResponses.webAPIError(.badRequest, "Invalid state: track, context or off")
        }
        return try await command(request) { player, _ in
            player.repeatState = state
            return nil
        }
    }

    @Sendable func setShuffle(request: Request, context: BasicRequestContext) async throws -> Response {
        guard let state = Self.query(request)["state"], state == "true" || state == "false" else {
            return SpotifyResponses.webAPIError(.badRequest, "Invalid state: true or false")
        }
        return try await command(request) { player, _ in
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
        _ request: Request, activating: String? = nil, _ change: @escaping (inout PlayerState, (String) -> Int) -> String?
    ) async throws -> Response {
        let (record, user) = try authenticateUser(request).get()
        guard record.scopes.contains("user-modify-playback-state") else {
            return SpotifyResponses.webAPIError(.forbidden, "Insufficient client scope")
        }
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

    @Sendable func play(request: Request, context: BasicRequestContext) async throws -> Response {
        let object = try await Self.jsonObject(request)
        let contextURI = object["context_uri"] as? String
        let uris = object["uris"] as? [String]
        var items: [String]?
        if let contextURI {
            guard let found = contextItems(contextURI) else { return SpotifyResponses.webAPIError(.badRequest, "Invalid context uri") }
            items = found
        } else if let uris {
            guard !uris.isEmpty, uris.allSatisfy(isPlayableURI) else { return SpotifyResponses.webAPIError(.badRequest, "Invalid track uri") }
            items = uris
        }
        let offset = object["offset"] as? [String: Any]
        // Present but not a whole number in range (a float, a string, 2^64) is refused, not read as 0.
        let position = object["position_ms"] == nil ? 0 : (object["position_ms"] as? Int ?? -1)
        guard (0...Self.maxOffset).contains(position) else { return SpotifyResponses.webAPIError(.badRequest, "Invalid position_ms") }
        return try await command(request) { player, _ in
            if let items {
                var start = offset?["position"] as? Int ?? 0
                if let uri = offset?["uri"] as? String, let found = items.firstIndex(of: uri) { start = found }
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

    @Sendable func transfer(request: Request, context: BasicRequestContext) async throws -> Response {
        let object = try await Self.jsonObject(request)
        guard let ids = object["device_ids"] as? [String], ids.count == 1 else {
            return SpotifyResponses.webAPIError(.badRequest, "device_ids must name exactly one device")
        }
        let play = object["play"] as? Bool
        let (_, user) = try authenticateUser(request).get()
        let known = state.updatePlayer(of: user.id, duration: itemDuration) { player in player.devices.contains { $0.id == ids[0] } }
        guard known else { return SpotifyResponses.webAPIError(.notFound, "Device not found") }
        return try await command(request, activating: ids[0]) { player, _ in
            if let play { player.isPlaying = play && player.current != nil }
            return nil
        }
    }

    @Sendable func volume(request: Request, context: BasicRequestContext) async throws -> Response {
        let percent = try Self.intParameter(Self.query(request), "volume_percent", default: -1, range: 0...100, message: "Invalid volume_percent")
        guard percent >= 0 else { return SpotifyResponses.webAPIError(.badRequest, "Missing parameter volume_percent") }
        return try await command(request) { player, _ in
            guard let index = player.devices.firstIndex(where: { $0.id == player.activeDeviceID }), player.devices[index].supportsVolume else {
                return "VOLUME_CONTROL_DISALLOW"
            }
            player.devices[index].volume = percent
            return nil
        }
    }

    @Sendable func addToQueue(request: Request, context: BasicRequestContext) async throws -> Response {
        guard let uri = Self.query(request)["uri"], isPlayableURI(uri) else { return SpotifyResponses.webAPIError(.badRequest, "Invalid uri") }
        return try await command(request) { player, _ in
            guard player.current != nil else { return "NO_ACTIVE_DEVICE" }
            player.userQueue.append(uri)
            return nil
        }
    }
}
