import Foundation
import Hummingbird

/// What the player shows: its state, devices, the item playing and the queue.
extension WebAPIController {
    /// A track or an episode, in full, by URI.
    func playable(_ uri: String) -> String? {
        let parts = uri.split(separator: ":")
        guard parts.count == 3 else { return nil }
        let id = String(parts[2])
        if parts[1] == "episode" { return catalog.spoken.episodeIndexByID[id].map { spokenRenderer.episode($0).serialized } }
        return catalog.trackIndexByID[id].map { rendered.track($0, devMode: state.settings.devMode, origin: origin.value) }
    }

    func deviceJSON(_ device: PlayerState.Device, active: Bool) -> JSONValue {
        .object([
            ("id", .string(device.id)), ("is_active", .bool(active)), ("is_private_session", false), ("is_restricted", false),
            ("name", .string(device.name)), ("type", .string(device.type)),
            ("volume_percent", device.supportsVolume ? .int(device.volume) : .null), ("supports_volume", .bool(device.supportsVolume)),
        ])
    }

    /// The fields `GET /me/player` and `/currently-playing` share. `context` is left out when
    /// there is none (the definition's context is never `null`).
    func playingFields(_ player: PlayerState) -> [(String, JSONValue)] {
        var fields: [(String, JSONValue)] = []
        if let uri = player.contextURI {
            let parts = uri.split(separator: ":")
            let kind = parts.count == 3 ? String(parts[1]) : "album"
            let id = parts.last.map(String.init) ?? ""
            fields.append(
                (
                    "context",
                    .object([
                        ("type", .string(kind)), ("href", .string("\(origin.value)/v1/\(kind)s/\(id)")),
                        ("external_urls", .object([("spotify", .string("https://open.spotify.com/\(kind)/\(id)"))])), ("uri", .string(uri)),
                    ])
                ))
        }
        let current = player.current
        fields += [
            ("timestamp", .int(Int(state.now().timeIntervalSince1970 * 1000))), ("progress_ms", .int(player.progressMs)),
            ("is_playing", .bool(player.isPlaying)),
        ]
        if let current, let item = playable(current) { fields.append(("item", .raw(item))) }
        fields += [
            ("currently_playing_type", .string(current.map { $0.contains(":episode:") ? "episode" : "track" } ?? "unknown")),
            (
                "actions",
                .object([
                    ("pausing", .bool(!player.isPlaying)), ("resuming", .bool(player.isPlaying)), ("skipping_prev", .bool(player.index == 0)),
                    ("skipping_next", .bool(player.upcoming(limit: 1).isEmpty)),
                ])
            ),
        ]
        return fields
    }

    func readablePlayer(_ request: Request, scopes: [String]) throws(ErrorResponse) -> PlayerState {
        let (record, user) = try authenticateUser(request).get()
        guard scopes.contains(where: record.scopes.contains) else {
            throw ErrorResponse(SpotifyResponses.webAPIError(.forbidden, "Insufficient client scope"))
        }
        return state.updatePlayer(of: user.id, duration: itemDuration) { $0 }
    }

    @Sendable func playbackState(request: Request, context: BasicRequestContext) async throws -> Response {
        let player = try readablePlayer(request, scopes: ["user-read-playback-state"])
        guard let active = player.devices.first(where: { $0.id == player.activeDeviceID }) else { return Response(status: .noContent) }
        let fields: [(String, JSONValue)] =
            [("device", deviceJSON(active, active: true)), ("repeat_state", .string(player.repeatState)), ("shuffle_state", .bool(player.shuffle))]
            + playingFields(player)
        return SpotifyResponses.json(JSONValue.object(fields).serialized)
    }

    @Sendable func currentlyPlaying(request: Request, context: BasicRequestContext) async throws -> Response {
        let player = try readablePlayer(request, scopes: ["user-read-currently-playing", "user-read-playback-state"])
        guard player.activeDeviceID != nil, player.current != nil else { return Response(status: .noContent) }
        return SpotifyResponses.json(JSONValue.object(playingFields(player)).serialized)
    }

    @Sendable func devices(request: Request, context: BasicRequestContext) async throws -> Response {
        let player = try readablePlayer(request, scopes: ["user-read-playback-state"])
        let list = player.devices.map { deviceJSON($0, active: $0.id == player.activeDeviceID) }
        return SpotifyResponses.json(JSONValue.object([("devices", .array(list))]).serialized)
    }

    @Sendable func queue(request: Request, context: BasicRequestContext) async throws -> Response {
        let player = try readablePlayer(request, scopes: ["user-read-currently-playing", "user-read-playback-state"])
        var fields: [(String, JSONValue)] = []
        if let current = player.current, let item = playable(current) { fields.append(("currently_playing", .raw(item))) }
        fields.append(("queue", .raw("[" + player.upcoming(limit: 20).compactMap(playable).joined(separator: ",") + "]")))
        return SpotifyResponses.json(JSONValue.object(fields).serialized)
    }
}
