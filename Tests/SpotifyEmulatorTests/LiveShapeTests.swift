import Foundation
import Testing

@testable import SpotifyEmulator

/// What a second, strictly typed client found the emulator answering differently from Spotify,
/// each checked in both quota modes: followers and the deprecated `tracks` on playlists,
/// `null` rather than a missing key, waking an idle device, finding playlists, the last cursor,
/// the documented limit of every operation, and the shapes live Spotify sends.
@Suite("The emulator answers as live Spotify does", .timeLimit(.minutes(3)))
struct LiveShapeTests {
    static let scope = ContractTests.scopes
    static let modes = ["development", "extended"]

    struct Session {
        let h: Harness
        let token: String
        var bearer: [(String, String)] { [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")] }

        func get(_ path: String) async throws -> HTTPResult { try await h.get(path, token: token) }
        func send(_ method: String, _ path: String, _ body: String? = nil) async throws -> HTTPResult {
            try await http(method, h.api + path, headers: bearer, body: body)
        }
    }

    static func session(_ h: Harness, mode: String, user: String = "maya") async throws -> Session {
        h.emulator.setDevMode(mode == "development")
        _ = h.emulator.setAutoApprove(user: user)
        return Session(h: h, token: try #require(try await h.signIn(scope: Self.scope)["access_token"] as? String))
    }

    @Test("playlists carry followers; extended quota keeps the deprecated tracks beside items, development mode has items only", arguments: modes)
    func playlists(mode: String) async throws {
        try await Harness.run { h in
            let me = try await Self.session(h, mode: mode)
            let created = try await me.send("POST", "/me/playlists", #"{"name": "Followers check", "public": false}"#)
            #expect(created.status == 201)
            let id = try #require(created.json["id"] as? String)
            #expect((created.json["followers"] as? [String: Any])?["total"] as? Int == 0)
            #expect(try await me.send("PUT", "/playlists/\(id)", #"{"name": "Renamed"}"#).status == 200)
            let fetched = try await me.get("/playlists/\(id)").json
            #expect(fetched["followers"] is [String: Any] && fetched["name"] as? String == "Renamed")
            #expect(fetched["items"] is [String: Any])
            #expect((fetched["tracks"] != nil) == (mode == "extended"))
            let list = try await me.get("/me/playlists?limit=50").json["items"] as? [[String: Any]] ?? []
            #expect(!list.isEmpty && list.allSatisfy { ($0["tracks"] != nil) == (mode == "extended") && $0["items"] != nil })
            // Entries: item always, the deprecated track only for extended quota; both flag what they are.
            let track = h.emulator.catalog.tracks[3].id
            #expect(try await me.send("POST", "/playlists/\(id)/items", #"{"uris": ["spotify:track:\#(track)"]}"#).status == 201)
            let entry = try #require((try await me.get("/playlists/\(id)/items").json["items"] as? [[String: Any]])?.first)
            let item = try #require(entry["item"] as? [String: Any])
            #expect(item["track"] as? Bool == true && item["episode"] as? Bool == false)
            #expect((entry["track"] != nil) == (mode == "extended"))
        }
    }

    @Test("the player sends context null when a list of tracks plays; actions hold disallows; smart_shuffle is there", arguments: modes)
    func playerNulls(mode: String) async throws {
        try await Harness.run { h in
            let me = try await Self.session(h, mode: mode)
            let device = try #require((try await me.get("/me/player/devices").json["devices"] as? [[String: Any]])?.first?["id"] as? String)
            let uris = h.emulator.catalog.tracks.prefix(2).map { "\"spotify:track:\($0.id)\"" }.joined(separator: ",")
            #expect(try await me.send("PUT", "/me/player/play?device_id=\(device)", #"{"uris": [\#(uris)]}"#).status == 204)
            for path in ["/me/player", "/me/player/currently-playing"] {
                let state = try await me.get(path)
                #expect(state.status == 200)
                #expect(state.json.keys.contains("context") && state.json["context"] is NSNull, "\(path) sends context: null")
                #expect((state.json["actions"] as? [String: Any])?["disallows"] is [String: Any], "\(path)")
            }
            #expect(try await me.get("/me/player").json["smart_shuffle"] as? Bool == false)
        }
    }

    @Test("transfer wakes an idle device: 204, and the device is active, with play true or false", arguments: modes)
    func transferFromIdle(mode: String) async throws {
        for play in [false, true] {
            try await Harness.run { h in
                let me = try await Self.session(h, mode: mode)
                let devices = try #require(try await me.get("/me/player/devices").json["devices"] as? [[String: Any]])
                let device = try #require(devices.first?["id"] as? String)
                #expect(devices.allSatisfy { $0["is_active"] as? Bool == false })
                let transfer = try await me.send("PUT", "/me/player", #"{"device_ids": ["\#(device)"], "play": \#(play)}"#)
                #expect(transfer.status == 204, "\(transfer.body)")
                let after = try #require(try await me.get("/me/player/devices").json["devices"] as? [[String: Any]])
                #expect(after.first { $0["id"] as? String == device }?["is_active"] as? Bool == true)
            }
        }
    }

    @Test("playlist search finds seeded and new public playlists as they change, and never another person's private one", arguments: modes)
    func playlistSearch(mode: String) async throws {
        try await Harness.run { h in
            let maya = try await Self.session(h, mode: mode)
            func found(_ query: String, by session: Session) async throws -> [String] {
                let answer = try await session.get("/search?type=playlist&limit=10&q=" + FormFields.encode(query))
                #expect(answer.status == 200)
                return ((answer.json["playlists"] as? [String: Any])?["items"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            }
            #expect(!(try await found("a", by: maya)).isEmpty, "seeded public playlists are found")
            #expect(try await found("Top 50", by: maya).contains("Top 50 Emulated"))
            let created = try await maya.send("POST", "/me/playlists", #"{"name": "Sunday Morning Vinyl", "public": true}"#)
            let id = try #require(created.json["id"] as? String)
            let hidden = try await maya.send("POST", "/me/playlists", #"{"name": "Secret Garden Tapes", "public": false}"#)
            #expect(hidden.status == 201)
            let jonas = try await Self.session(h, mode: mode, user: "jonas")
            #expect(try await found("\"Sunday Morning Vinyl\"", by: jonas) == ["Sunday Morning Vinyl"])
            #expect(try await found("Secret Garden Tapes", by: jonas).isEmpty)
            #expect(try await maya.send("PUT", "/playlists/\(id)", #"{"name": "Sunday Evening Vinyl"}"#).status == 200)
            #expect(try await found("Sunday Morning Vinyl", by: jonas).isEmpty)
            #expect(try await found("Sunday Evening Vinyl", by: jonas) == ["Sunday Evening Vinyl"])
            #expect(try await maya.send("PUT", "/playlists/\(id)", #"{"public": false}"#).status == 200)
            #expect(try await found("Sunday Evening Vinyl", by: jonas).isEmpty)
            #expect(try await maya.send("PUT", "/playlists/\(id)", #"{"public": true}"#).status == 200)
            #expect(try await found("Sunday Evening Vinyl", by: jonas) == ["Sunday Evening Vinyl"])
            if mode == "extended" {
                // The owner unfollowing deletes it.
                #expect(try await maya.send("DELETE", "/playlists/\(id)/followers").status == 200)
                #expect(try await found("Sunday Evening Vinyl", by: jonas).isEmpty)
            }
        }
    }

    @Test("the last page of a cursor-paged list has cursors whose after is null, never an empty object", arguments: modes)
    func lastCursor(mode: String) async throws {
        try await Harness.run { h in
            let me = try await Self.session(h, mode: mode)
            var after: String?
            var pages = 0
            repeat {
                let page = try await me.get("/me/following?type=artist&limit=50" + (after.map { "&after=\($0)" } ?? ""))
                let artists = try #require(page.json["artists"] as? [String: Any])
                let cursors = try #require(artists["cursors"] as? [String: Any])
                #expect(cursors.keys.contains("after"))
                after = cursors["after"] as? String
                pages += 1
            } while after != nil && pages < 20
            #expect(after == nil && pages < 20)
            let recent = try await me.get("/me/player/recently-played?limit=50&after=9999999999999").json
            #expect((recent["cursors"] as? [String: Any]).map { $0["after"] is NSNull && $0["before"] is NSNull } == true)
        }
    }

    @Test(
        "every operation's documented limit range, in both modes: its maximum answers, one more is refused",
        .enabled(if: ContractTests.python != nil), arguments: modes)
    func documentedLimits(mode: String) async throws {
        let script = ContractTests.root.appendingPathComponent("scripts/contract/limits.py").path
        let spec = ContractTests.root.appendingPathComponent("spec/spotify-openapi.yml").path
        let (status, output) = try await ContractTests.run(try #require(ContractTests.python), [script, spec])
        #expect(status == 0)
        let ranges = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: [Int]])
        // The definition shows development mode's search and artist-album ranges; extended quota
        // keeps the 50 it always had (SPOTIFY.md D.7).
        let extendedOverrides = ["GET /search": 50, "GET /artists/{id}/albums": 50]
        try await Harness.run { h in
            let me = try await Self.session(h, mode: mode)
            let created = try await me.send("POST", "/me/playlists", #"{"name": "Limits", "public": false}"#)
            let playlistID = try #require(created.json["id"] as? String)
            let deviceID = try #require((try await me.get("/me/player/devices").json["devices"] as? [[String: Any]])?.first?["id"] as? String)
            var checked = 0
            for call in ContractTests.calls(h.emulator.catalog, playlistID: playlistID, deviceID: deviceID)
            where call.method == "GET" && call.path.contains("limit=") && call.token {
                let expected = mode == "development" ? call.development : call.extended
                guard expected == 200, let range = ranges[call.operation], let documented = range.last else { continue }
                let maximum = mode == "extended" ? (extendedOverrides[call.operation] ?? documented) : documented
                func with(_ limit: Int) -> String {
                    call.path.replacingOccurrences(of: #"limit=\d+"#, with: "limit=\(limit)", options: .regularExpression)
                }
                #expect(try await me.get(with(maximum)).status == 200, "\(call.operation) limit=\(maximum) in \(mode) mode")
                #expect(try await me.get(with(maximum + 1)).status == 400, "\(call.operation) limit=\(maximum + 1) in \(mode) mode")
                checked += 1
            }
            // The deprecated /tracks takes 100 a page where /items takes 50 (extended quota only).
            if mode == "extended" {
                #expect(try await me.get("/playlists/\(playlistID)/tracks?limit=100").status == 200)
                #expect(try await me.get("/playlists/\(playlistID)/items?limit=100").status == 400)
            }
            #expect(checked >= 15, "\(checked) operations checked")
        }
    }
}
