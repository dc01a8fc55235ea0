import Foundation
import Testing

@testable import SpotifyEmulator

/// Numbers from a request at the edges of `Int`: each answers 400 (or works) as Spotify does,
/// and the emulator — and with it `encore serve` in demo mode — keeps running.
@Suite("The emulator survives any number", .timeLimit(.minutes(2)))
struct HostileNumbersTests {
    static let scope =
        "user-read-private user-top-read user-library-read playlist-modify-private playlist-read-private user-modify-playback-state user-read-playback-state"
    static let extremes = ["9223372036854775807", "-9223372036854775808", "99999999999999999999", "2147483648", "-1"]

    @Test("offsets, positions, playlist moves, years and the clock at Int.max and Int.min: 400s, and the emulator still answers")
    func extremes() async throws {
        try await Harness.run { h in
            let token = try #require(try await h.signIn(scope: Self.scope)["access_token"] as? String)
            let bearer = [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")]
            let created = try await http("POST", h.api + "/me/playlists", headers: bearer, body: #"{"name": "Edges", "public": false}"#)
            let playlist = try #require(created.json["id"] as? String, "\(created.status) \(created.body)")
            let tracks = h.emulator.catalog.tracks.prefix(3).map { "spotify:track:\($0.id)" }
            let add = try await http(
                "POST", h.api + "/playlists/\(playlist)/items", headers: bearer,
                body: String(decoding: try JSONSerialization.data(withJSONObject: ["uris": tracks]), as: UTF8.self))
            #expect(add.status == 201)
            let devices = try await h.get("/me/player/devices", token: token).json["devices"] as? [[String: Any]]
            let device = try #require(devices?.first?["id"] as? String)

            for number in Self.extremes {
                for path in ["/me/playlists?offset=", "/me/top/tracks?offset=", "/search?type=track&q=a&offset=", "/me/shows?offset="] {
                    let answer = try await h.get(path + number, token: token)
                    #expect(answer.status == 400, "\(path)\(number)")
                }
                let reorder = try await http(
                    "PUT", h.api + "/playlists/\(playlist)/items", headers: bearer,
                    body: #"{"range_start": \#(number), "insert_before": 0, "range_length": \#(number)}"#)
                #expect(reorder.status == 400, "reorder with \(number)")
                let play = try await http(
                    "PUT", h.api + "/me/player/play?device_id=\(device)", headers: bearer,
                    body: #"{"uris": ["\#(tracks[0])"], "position_ms": \#(number)}"#)
                #expect(play.status == 400, "play at \(number)")
                let seek = try await http("PUT", h.api + "/me/player/seek?position_ms=\(number)", headers: bearer)
                #expect(seek.status == 400 || seek.status == 404, "seek to \(number)")
                let year = try await h.get("/search?type=track&q=year:\(number)-0", token: token)
                #expect(year.status == 200, "a year range \(number)-0 finds nothing, and answers")
            }
            // A reversed year range, and playing from a real position after all that.
            #expect(try await h.get("/search?type=track&q=year:2020-2010", token: token).status == 200)
            let play = try await http(
                "PUT", h.api + "/me/player/play?device_id=\(device)", headers: bearer, body: #"{"uris": ["\#(tracks[0])"], "position_ms": 1000}"#)
            #expect(play.status == 204)
            // The test-only clock: a century either way at most; the player survives decades passing.
            for number in ["9223372036854775807", "-9223372036854775808", "99999999999999999999"] {
                let clock = try await http(
                    "POST", h.origin + "/_emulator/clock/advance", headers: [("Content-Type", "application/json")], body: #"{"seconds": \#(number)}"#)
                #expect(clock.status == 400, "the clock moved by \(number)")
            }
            h.emulator.advanceClock(by: .seconds(50 * 365 * 86_400))
            let fresh = try #require(try await h.signIn(scope: Self.scope)["access_token"] as? String)
            #expect(try await h.get("/me/player", token: fresh).status == 200)
        }
    }
}
