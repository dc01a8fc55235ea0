import Foundation
import Synchronization
import Testing

@testable import SpotifyEmulator

/// Every answer the emulator gives, checked against Spotify's OpenAPI definition by
/// `scripts/contract/validate.py`, in both quota modes.
@Suite("Contract with the OpenAPI definition", .timeLimit(.minutes(3)))
struct ContractTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let python = ProcessInfo.processInfo.environment["ENCORE_TEST_PYTHON"]
    static let scopes =
        "user-read-private user-read-email user-top-read user-read-recently-played user-library-read playlist-modify-private playlist-read-private user-library-modify user-follow-read user-follow-modify playlist-modify-public ugc-image-upload user-read-playback-state user-modify-playback-state user-read-currently-playing"

    /// One call: the operation it stands for, what to send, and the status Spotify would answer
    /// in each mode.
    struct Call {
        var operation: String
        var method = "GET"
        var path: String
        var body: String?
        var token = true
        var development = 200
        var extended = 200
    }

    static func calls(_ catalog: Catalog, playlistID: String, deviceID: String) -> [Call] {
        let track = catalog.tracks[0].id
        let album = catalog.albums[1].id
        let artist = catalog.artists[2].id
        let artistName = catalog.artists[2].name
        let removed = 403
        let spoken = catalog.spoken
        return [
            Call(operation: "GET /me", path: "/me"),
            Call(operation: "GET /me/top/tracks", path: "/me/top/tracks?limit=3"),
            Call(operation: "GET /me/top/artists", path: "/me/top/artists?limit=3&time_range=long_term"),
            Call(operation: "GET /me/player/recently-played", path: "/me/player/recently-played?limit=3"),
            Call(operation: "GET /me/tracks", path: "/me/tracks?limit=3"),
            Call(
                operation: "POST /me/playlists", method: "POST", path: "/me/playlists", body: #"{"name":"Contract","public":false}"#,
                development: 201, extended: 201),
            Call(operation: "GET /playlists/{playlist_id}", path: "/playlists/\(playlistID)"),
            Call(operation: "GET /playlists/{playlist_id}/items", path: "/playlists/\(playlistID)/items?limit=2"),
            Call(
                operation: "POST /playlists/{playlist_id}/items", method: "POST", path: "/playlists/\(playlistID)/items",
                body: #"{"uris":["spotify:track:\#(track)"]}"#, development: 201, extended: 201),
            Call(operation: "GET /tracks/{id}", path: "/tracks/\(track)"),
            Call(operation: "GET /tracks", path: "/tracks?ids=\(track),\(catalog.tracks[1].id)", development: removed),
            Call(operation: "GET /artists/{id}", path: "/artists/\(artist)"),
            Call(operation: "GET /artists", path: "/artists?ids=\(artist)", development: removed),
            Call(operation: "GET /artists/{id}/albums", path: "/artists/\(artist)/albums?limit=5&include_groups=album,single,appears_on"),
            Call(operation: "GET /artists/{id}/top-tracks", path: "/artists/\(artist)/top-tracks?market=GB", development: removed),
            Call(operation: "GET /artists/{id}/related-artists", path: "/artists/\(artist)/related-artists", development: removed),
            Call(operation: "GET /albums/{id}", path: "/albums/\(album)"),
            Call(operation: "GET /albums", path: "/albums?ids=\(album),\(catalog.albums[2].id)", development: removed),
            Call(operation: "GET /albums/{id}/tracks", path: "/albums/\(album)/tracks?limit=2&offset=1"),
            Call(operation: "GET /browse/new-releases", path: "/browse/new-releases?limit=3", development: removed),
            Call(operation: "GET /markets", path: "/markets", development: removed),
            Call(
                operation: "GET /search",
                path: "/search?q=\(FormFields.encode(artistName))&type=track,album,artist,playlist,show,episode,audiobook&limit=4"),
            Call(operation: "GET /search", path: "/search?q=a&type=track&limit=11", development: 400),
            Call(operation: "GET /shows/{id}", path: "/shows/\(spoken.shows[0].id)"),
            Call(operation: "GET /shows", path: "/shows?ids=\(spoken.shows[0].id),\(spoken.shows[1].id)", development: removed),
            Call(operation: "GET /shows/{id}/episodes", path: "/shows/\(spoken.shows[0].id)/episodes?limit=3"),
            Call(operation: "GET /episodes/{id}", path: "/episodes/\(spoken.episodes[0].id)"),
            Call(operation: "GET /episodes", path: "/episodes?ids=\(spoken.episodes[0].id)", development: removed),
            Call(operation: "GET /audiobooks/{id}", path: "/audiobooks/\(spoken.audiobooks[0].id)"),
            Call(operation: "GET /audiobooks", path: "/audiobooks?ids=\(spoken.audiobooks[0].id)", development: removed),
            Call(operation: "GET /audiobooks/{id}/chapters", path: "/audiobooks/\(spoken.audiobooks[0].id)/chapters?limit=3"),
            Call(operation: "GET /chapters/{id}", path: "/chapters/\(spoken.chapters[0].id)"),
            Call(operation: "GET /chapters", path: "/chapters?ids=\(spoken.chapters[0].id)", development: removed),
            Call(operation: "GET /search", path: "/search?q=history&type=show,episode,audiobook&limit=3"),
            Call(operation: "GET /me/albums", path: "/me/albums?limit=2"),
            Call(operation: "GET /me/episodes", path: "/me/episodes?limit=2"),
            Call(operation: "GET /me/shows", path: "/me/shows?limit=2"),
            Call(operation: "GET /me/audiobooks", path: "/me/audiobooks?limit=2"),
            Call(operation: "PUT /me/library", method: "PUT", path: "/me/library?uris=spotify:track:\(track),spotify:artist:\(artist)"),
            Call(operation: "GET /me/library/contains", path: "/me/library/contains?uris=spotify:track:\(track),spotify:album:\(album)"),
            Call(operation: "DELETE /me/library", method: "DELETE", path: "/me/library?uris=spotify:track:\(track)"),
            Call(operation: "PUT /me/albums", method: "PUT", path: "/me/albums?ids=\(album)", development: removed),
            Call(operation: "GET /me/albums/contains", path: "/me/albums/contains?ids=\(album)", development: removed),
            Call(operation: "DELETE /me/albums", method: "DELETE", path: "/me/albums?ids=\(album)", development: removed),
            Call(operation: "PUT /me/tracks", method: "PUT", path: "/me/tracks", body: #"{"ids":["\#(track)"]}"#, development: removed),
            Call(operation: "GET /me/tracks/contains", path: "/me/tracks/contains?ids=\(track)", development: removed),
            Call(operation: "DELETE /me/tracks", method: "DELETE", path: "/me/tracks?ids=\(track)", development: removed),
            Call(operation: "PUT /me/shows", method: "PUT", path: "/me/shows?ids=\(spoken.shows[5].id)", development: removed),
            Call(operation: "GET /me/shows/contains", path: "/me/shows/contains?ids=\(spoken.shows[5].id)", development: removed),
            Call(operation: "DELETE /me/shows", method: "DELETE", path: "/me/shows?ids=\(spoken.shows[5].id)", development: removed),
            Call(operation: "PUT /me/episodes", method: "PUT", path: "/me/episodes?ids=\(spoken.episodes[3].id)", development: removed),
            Call(operation: "GET /me/episodes/contains", path: "/me/episodes/contains?ids=\(spoken.episodes[3].id)", development: removed),
            Call(operation: "DELETE /me/episodes", method: "DELETE", path: "/me/episodes?ids=\(spoken.episodes[3].id)", development: removed),
            Call(operation: "PUT /me/audiobooks", method: "PUT", path: "/me/audiobooks?ids=\(spoken.audiobooks[3].id)", development: removed),
            Call(operation: "GET /me/audiobooks/contains", path: "/me/audiobooks/contains?ids=\(spoken.audiobooks[3].id)", development: removed),
            Call(operation: "DELETE /me/audiobooks", method: "DELETE", path: "/me/audiobooks?ids=\(spoken.audiobooks[3].id)", development: removed),
            Call(operation: "GET /me/following", path: "/me/following?type=artist&limit=2"),
            Call(operation: "PUT /me/following", method: "PUT", path: "/me/following?type=artist&ids=\(artist)", development: removed, extended: 204),
            Call(operation: "GET /me/following/contains", path: "/me/following/contains?type=user&ids=jonas", development: removed),
            Call(
                operation: "DELETE /me/following", method: "DELETE", path: "/me/following?type=artist&ids=\(artist)", development: removed,
                extended: 204),
            Call(
                operation: "PUT /playlists/{playlist_id}/followers", method: "PUT", path: "/playlists/\(playlistID)/followers", development: removed),
            Call(
                operation: "GET /playlists/{playlist_id}/followers/contains", path: "/playlists/\(playlistID)/followers/contains?ids=maya",
                development: removed),
            Call(
                operation: "DELETE /playlists/{playlist_id}/followers", method: "DELETE", path: "/playlists/\(playlistID)/followers",
                development: removed),
            Call(operation: "PUT /playlists/{playlist_id}", method: "PUT", path: "/playlists/\(playlistID)", body: #"{"name":"Renamed"}"#),
            Call(
                operation: "PUT /playlists/{playlist_id}/items", method: "PUT", path: "/playlists/\(playlistID)/items",
                body: #"{"range_start":0,"insert_before":1}"#),
            Call(
                operation: "DELETE /playlists/{playlist_id}/items", method: "DELETE", path: "/playlists/\(playlistID)/items",
                body: #"{"items":[{"uri":"spotify:track:\#(catalog.tracks[5].id)"}]}"#),
            Call(operation: "GET /me/playlists", path: "/me/playlists?limit=5"),
            Call(operation: "GET /playlists/{playlist_id}/images", path: "/playlists/\(playlistID)/images"),
            Call(
                operation: "PUT /playlists/{playlist_id}/images", method: "PUT", path: "/playlists/\(playlistID)/images", body: "/9j/4AAQ",
                development: 202, extended: 202),
            Call(operation: "GET /playlists/{playlist_id}/tracks", path: "/playlists/\(playlistID)/tracks?limit=2", development: removed),
            Call(
                operation: "POST /playlists/{playlist_id}/tracks", method: "POST", path: "/playlists/\(playlistID)/tracks",
                body: #"{"uris":["spotify:track:\#(track)"]}"#, development: removed, extended: 201),
            Call(
                operation: "PUT /playlists/{playlist_id}/tracks", method: "PUT", path: "/playlists/\(playlistID)/tracks",
                body: #"{"range_start":0,"insert_before":1}"#, development: removed),
            Call(
                operation: "DELETE /playlists/{playlist_id}/tracks", method: "DELETE", path: "/playlists/\(playlistID)/tracks",
                body: #"{"tracks":[{"uri":"spotify:track:\#(track)"}]}"#, development: removed),
            Call(operation: "GET /users/{user_id}", path: "/users/jonas", development: removed),
            Call(operation: "GET /users/{user_id}/playlists", path: "/users/maya/playlists", development: removed),
            Call(
                operation: "POST /users/{user_id}/playlists", method: "POST", path: "/users/maya/playlists", body: #"{"name":"Old","public":false}"#,
                development: removed, extended: 201),
            Call(operation: "GET /me/player", path: "/me/player", development: 204, extended: 204),
            Call(operation: "PUT /me/player/pause", method: "PUT", path: "/me/player/pause", development: 404, extended: 404),
            Call(operation: "GET /me/player/devices", path: "/me/player/devices"),
            Call(
                operation: "PUT /me/player/play", method: "PUT", path: "/me/player/play?device_id=\(deviceID)",
                body: #"{"context_uri":"spotify:album:\#(album)","offset":{"position":0}}"#, development: 204, extended: 204),
            Call(operation: "GET /me/player", path: "/me/player"),
            Call(operation: "GET /me/player/currently-playing", path: "/me/player/currently-playing"),
            Call(
                operation: "POST /me/player/queue", method: "POST", path: "/me/player/queue?uri=spotify:episode:\(spoken.episodes[0].id)",
                development: 204, extended: 204),
            Call(operation: "GET /me/player/queue", path: "/me/player/queue"),
            Call(operation: "POST /me/player/next", method: "POST", path: "/me/player/next", development: 204, extended: 204),
            Call(operation: "GET /me/player/currently-playing", path: "/me/player/currently-playing"),
            Call(operation: "POST /me/player/previous", method: "POST", path: "/me/player/previous", development: 204, extended: 204),
            Call(operation: "PUT /me/player/seek", method: "PUT", path: "/me/player/seek?position_ms=1000", development: 204, extended: 204),
            Call(operation: "PUT /me/player/repeat", method: "PUT", path: "/me/player/repeat?state=context", development: 204, extended: 204),
            Call(operation: "PUT /me/player/shuffle", method: "PUT", path: "/me/player/shuffle?state=true", development: 204, extended: 204),
            Call(operation: "PUT /me/player/volume", method: "PUT", path: "/me/player/volume?volume_percent=50", development: 204, extended: 204),
            Call(
                operation: "PUT /me/player", method: "PUT", path: "/me/player", body: #"{"device_ids":["\#(deviceID)"],"play":false}"#,
                development: 204, extended: 204),
            Call(operation: "PUT /me/player/pause", method: "PUT", path: "/me/player/pause", development: 204, extended: 204),
            Call(operation: "GET /browse/categories", path: "/browse/categories?limit=3", development: removed),
            Call(operation: "GET /browse/categories/{category_id}", path: "/browse/categories/folk", development: removed),
            Call(operation: "GET /browse/categories/{category_id}/playlists", path: "/browse/categories/folk/playlists", development: removed),
            Call(operation: "GET /browse/featured-playlists", path: "/browse/featured-playlists", development: removed),
            Call(operation: "GET /audio-features/{id}", path: "/audio-features/\(track)", development: removed),
            Call(operation: "GET /audio-features", path: "/audio-features?ids=\(track),\(catalog.tracks[1].id)", development: removed),
            Call(operation: "GET /audio-analysis/{id}", path: "/audio-analysis/\(track)", development: removed),
            Call(operation: "GET /recommendations", path: "/recommendations?seed_genres=folk&seed_tracks=\(track)&limit=3", development: removed),
            Call(operation: "GET /recommendations/available-genre-seeds", path: "/recommendations/available-genre-seeds", development: removed),
            // Error bodies.
            Call(operation: "GET /albums/{id}", path: "/albums/\(album)", token: false, development: 401, extended: 401),
            Call(operation: "GET /albums/{id}", path: "/albums/0000000000000000000000", development: 404, extended: 404),
            Call(operation: "GET /me/top/tracks", path: "/me/top/tracks?limit=51", development: 400, extended: 400),
        ]
    }

    @Test("the contract check is part of the run when scripts/test provides Python")
    func pythonIsThereWhenRequired() {
        if ProcessInfo.processInfo.environment["ENCORE_TEST_REQUIRE_PYTHON"] == "1" {
            #expect(Self.python != nil, "scripts/test set ENCORE_TEST_REQUIRE_PYTHON but not ENCORE_TEST_PYTHON")
        }
    }

    @Test("every answer validates against spotify-openapi.yml, in development and extended mode", .enabled(if: python != nil))
    func answersMatchTheDefinition() async throws {
        var lines: [String] = []
        for mode in ["development", "extended"] {
            lines += try await Harness.run { h in
                h.emulator.setDevMode(mode == "development")
                let token = try #require(try await h.signIn(scope: Self.scopes)["access_token"] as? String)
                let created = try await http(
                    "POST", h.api + "/me/playlists", headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")],
                    body: #"{"name":"Fixture","public":false}"#)
                let playlistID = try #require(created.json["id"] as? String, "\(created.status) \(created.body)")
                var recorded: [String] = []
                let devices = try await http("GET", h.api + "/me/player/devices", headers: [("Authorization", "Bearer \(token)")])
                let deviceID = try #require((devices.json["devices"] as? [[String: Any]])?.first?["id"] as? String)
                for call in Self.calls(h.emulator.catalog, playlistID: playlistID, deviceID: deviceID) {
                    var headers = call.token ? [("Authorization", "Bearer \(token)")] : []
                    if call.body != nil { headers.append(("Content-Type", "application/json")) }
                    let answer = try await http(call.method, h.api + call.path, headers: headers, body: call.body)
                    let expected = mode == "development" ? call.development : call.extended
                    #expect(answer.status == expected, "\(call.method) \(call.path) in \(mode) mode: \(answer.body.prefix(200))")
                    let body = answer.body.isEmpty ? "null" : answer.body
                    recorded.append(#"{"operation":"\#(call.operation)","mode":"\#(mode)","status":\#(answer.status),"body":\#(body)}"#)
                }
                return recorded
            }
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("encore-contract-\(UUID().uuidString).jsonl")
        try lines.joined(separator: "\n").appending("\n").write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let (status, output) = try await Self.run(
            try #require(Self.python),
            [
                Self.root.appendingPathComponent("scripts/contract/validate.py").path,
                Self.root.appendingPathComponent("spec/spotify-openapi.yml").path, file.path,
            ])
        #expect(status == 0, "\(output)")
        #expect(output.contains("\(lines.count) answers checked"))
    }

    @Test("the validator refuses a body that breaks the definition, and removed fields in development mode", .enabled(if: python != nil))
    func validatorCanFail() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("encore-contract-\(UUID().uuidString).jsonl")
        let lines = [
            #"{"operation":"GET /markets","mode":"extended","status":200,"body":{"markets":[1,2]}}"#,
            #"{"operation":"GET /artists/{id}","mode":"development","status":200,"body":{"external_urls":{},"href":"h","id":"i","images":[],"name":"n","type":"artist","uri":"u","genres":[],"popularity":3}}"#,
            // Complete, not only valid: a playlist without followers, a player without its context key.
            #"{"operation":"GET /playlists/{playlist_id}","mode":"development","status":200,"body":{"collaborative":false,"description":null,"external_urls":{"spotify":"s"},"href":"h","id":"i","images":[],"name":"n","owner":{"display_name":"d","external_urls":{"spotify":"s"},"href":"h","id":"o","type":"user","uri":"u"},"public":false,"snapshot_id":"x","items":{"href":"h","items":[],"limit":1,"next":null,"offset":0,"previous":null,"total":0},"type":"playlist","uri":"u"}}"#,
            #"{"operation":"GET /me/player/currently-playing","mode":"extended","status":200,"body":{"timestamp":1,"progress_ms":null,"is_playing":false,"item":null,"currently_playing_type":"unknown","actions":{"disallows":{}}}}"#,
        ]
        try lines.joined(separator: "\n").appending("\n").write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let (status, output) = try await Self.run(
            try #require(Self.python),
            [
                Self.root.appendingPathComponent("scripts/contract/validate.py").path,
                Self.root.appendingPathComponent("spec/spotify-openapi.yml").path, file.path,
            ])
        #expect(status == 1)
        #expect(output.contains("GET /markets → 200 (extended, line 1): $.markets[0]"))
        #expect(output.contains("$.popularity is sent in development mode"))
        #expect(output.contains("GET /playlists/{playlist_id} → 200 (development, line 3): $: 'followers' is a required property"))
        #expect(output.contains("GET /me/player/currently-playing → 200 (extended, line 4): $: 'context' is a required property"))
        #expect(output.contains("4 answers checked against the definition, 4 failed"))
    }

    /// Runs the validator without holding a thread: a blocking wait here would take one of the
    /// cooperative pool's threads (two on a 2-core machine) for the seconds Python needs to load
    /// the definition, stalling every other test's tasks (and their deadlines) meanwhile.
    static func run(_ executable: String, _ arguments: [String]) async throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        // Other tests spawn processes at the same time; a child that inherited this pipe would
        // keep it open after the validator ends.
        _ = fcntl(pipe.fileHandleForReading.fileDescriptor, F_SETFD, FD_CLOEXEC)
        _ = fcntl(pipe.fileHandleForWriting.fileDescriptor, F_SETFD, FD_CLOEXEC)
        process.standardOutput = pipe
        process.standardError = pipe
        let output = Mutex(Data())
        let drained = AsyncStream<Void>.makeStream()
        pipe.fileHandleForReading.readabilityHandler = { file in
            let data = file.availableData
            if data.isEmpty {
                file.readabilityHandler = nil
                drained.continuation.finish()
            } else {
                output.withLock { $0.append(data) }
            }
        }
        let status = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int32, any Error>) in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch {
                process.terminationHandler = nil
                pipe.fileHandleForReading.readabilityHandler = nil
                continuation.resume(throwing: error)
            }
        }
        // The output's end arrives after the exit; waiting for it keeps the last lines.
        for await _ in drained.stream {}
        return (status, String(decoding: output.withLock { $0 }, as: UTF8.self))
    }
}
