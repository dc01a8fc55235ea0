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

    /// The fields `GET /me/player` and `/currently-playing` share. Every one is sent, `null`
    /// where there is no value (`"context": null` when a list of tracks plays), as Spotify does;
    /// `actions` holds `disallows`, the flags of what cannot be done now, as live answers do
    /// (docs/emulator.md).
    func playingFields(_ player: PlayerState) -> [(String, JSONValue)] {
        var context = JSONValue.null
        if let uri = player.contextURI {
            let parts = uri.split(separator: ":")
            let kind = parts.count == 3 ? String(parts[1]) : "album"
            let id = parts.last.map(String.init) ?? ""
            context = .object([
                ("type", .string(kind)), ("href", .string("\(origin.value)/v1/\(kind)s/\(id)")),
                ("external_urls", .object([("spotify", .string("https://open.spotify.com/\(kind)/\(id)"))])), ("uri", .string(uri)),
            ])
        }
        let current = player.current
        let item = current.flatMap(playable).map(JSONValue.raw) ?? .null
        let disallowed: [(String, Bool)] = [
            ("pausing", !player.isPlaying), ("resuming", player.isPlaying || current == nil), ("skipping_prev", player.index == 0),
            ("skipping_next", player.upcoming(limit: 1).isEmpty), ("seeking", current == nil),
        ]
        return [
            ("context", context), ("timestamp", .int(Int(state.now().timeIntervalSince1970 * 1000))),
            ("progress_ms", current == nil ? .null : .int(player.progressMs)), ("is_playing", .bool(player.isPlaying)), ("item", item),
            ("currently_playing_type", .string(current.map { $0.contains(":episode:") ? "episode" : "track" } ?? "unknown")),
            ("actions", .object([("disallows", .object(disallowed.filter(\.1).map { ($0.0, .bool(true)) }))])),
        ]
    }

    /// The player as it stands, for a token with any of `scopes`.
    func readablePlayer(_ caller: UserCaller, scopes: [WebAPIScope]) throws(ErrorResponse) -> PlayerState {
        guard scopes.contains(where: caller.token.has) else {
            throw ErrorResponse(SpotifyResponses.webAPIError(.forbidden, "Insufficient client scope"))
        }
        return state.updatePlayer(of: caller.user.id, duration: itemDuration) { $0 }
    }

    @Sendable func playbackState(request: Request, context: BasicRequestContext, caller: UserCaller) async throws -> Response {
        let player = try readablePlayer(caller, scopes: [.userReadPlaybackState])
        guard let active = player.devices.first(where: { $0.id == player.activeDeviceID }) else { return Response(status: .noContent) }
        let fields: [(String, JSONValue)] =
            [
                ("device", deviceJSON(active, active: true)), ("repeat_state", .string(player.repeatState)), ("shuffle_state", .bool(player.shuffle)),
                ("smart_shuffle", false),
            ] + playingFields(player)
        return SpotifyResponses.json(JSONValue.object(fields).serialized)
    }

    @Sendable func currentlyPlaying(request: Request, context: BasicRequestContext, caller: UserCaller) async throws -> Response {
        let player = try readablePlayer(caller, scopes: [.userReadCurrentlyPlaying, .userReadPlaybackState])
        guard player.activeDeviceID != nil, player.current != nil else { return Response(status: .noContent) }
        return SpotifyResponses.json(JSONValue.object(playingFields(player)).serialized)
    }

    @Sendable func devices(request: Request, context: BasicRequestContext, caller: UserCaller) async throws -> Response {
        let player = try readablePlayer(caller, scopes: [.userReadPlaybackState])
        let list = player.devices.map { deviceJSON($0, active: $0.id == player.activeDeviceID) }
        return SpotifyResponses.json(JSONValue.object([("devices", .array(list))]).serialized)
    }

    @Sendable func queue(request: Request, context: BasicRequestContext, caller: UserCaller) async throws -> Response {
        let player = try readablePlayer(caller, scopes: [.userReadCurrentlyPlaying, .userReadPlaybackState])
        let current = player.current.flatMap(playable).map(JSONValue.raw) ?? .null
        let fields: [(String, JSONValue)] = [
            ("currently_playing", current), ("queue", .raw("[" + player.upcoming(limit: 20).compactMap(playable).joined(separator: ",") + "]")),
        ]
        return SpotifyResponses.json(JSONValue.object(fields).serialized)
    }
}
