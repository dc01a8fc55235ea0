import Foundation
import Testing

/// The catalog, playlist, library and player commands against the emulator.
@Suite("encore search, catalog, playlists, library and player", .timeLimit(.minutes(3)))
struct CatalogCommandTests {
    typealias Setup = TerminalCommandTests.Setup

    func json(_ text: String) -> [String: Any] { (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:] }

    @Test("search in three formats, then the album, artist and show it found, by URI and by link")
    func searchAndCatalog() async throws {
        let setup = try await Setup.start()
        defer { setup.process.terminate() }
        #expect(try await setup.login(paste: true).status == 0)
        let found = try await setup.run(["search", "year:1990-1999", "--type", "track,album,artist", "--format", "json"])
        #expect(found.status == 0, "\(found.output)")
        let albums = (json(found.output)["albums"] as? [String: Any])?["items"] as? [[String: Any]] ?? []
        let album = try #require(albums.first)
        let csv = try await setup.run(["search", "year:1990-1999", "--type", "track", "--format", "csv", "--limit", "3"])
        #expect(csv.output.hasPrefix("Type,Name,By,URI\r\n") && csv.output.components(separatedBy: "spotify:track:").count == 4)

        let link = "https://open.spotify.com/album/\(album["id"] as? String ?? "")?si=abc"
        let shown = try await setup.run(["album", link])
        #expect(shown.status == 0, "\(shown.output)")
        #expect(shown.output.contains(album["name"] as? String ?? "?") && shown.output.contains("spotify:track:"))
        let artistURI = ((album["artists"] as? [[String: Any]])?.first?["uri"] as? String) ?? ""
        let artist = try await setup.run(["artist", artistURI, "--format", "csv"])
        #expect(artist.status == 0 && artist.output.contains("Released,Album,Type,URI"), "\(artist.output)")
        let shows = json(try await setup.run(["search", "science", "--type", "show", "--format", "json"]).output)
        let show = try #require(((shows["shows"] as? [String: Any])?["items"] as? [[String: Any]])?.first?["uri"] as? String)
        #expect(try await setup.run(["show", show]).output.contains("episodes"))

        let wrongKind = try await setup.run(["album", artistURI])
        #expect(wrongKind.status == 1 && wrongKind.output.contains("names a artist, not a album"), "\(wrongKind.output)")
        #expect(try await setup.run(["search", "--help"]).output.contains("USAGE: encore search"))
    }

    @Test("playlists: create, add, show, reorder, rename, remove, list; library save, contains, remove")
    func playlistsAndLibrary() async throws {
        let setup = try await Setup.start()
        defer { setup.process.terminate() }
        #expect(try await setup.login(paste: true, extra: ["--scope", "user-library-modify"]).status == 0)
        let tracks = json(try await setup.run(["search", "heart", "--type", "track", "--format", "json"]).output)
        let uris = ((tracks["tracks"] as? [String: Any])?["items"] as? [[String: Any]] ?? []).compactMap { $0["uri"] as? String }
        #expect(uris.count >= 3)
        let created = try await setup.run(["playlists", "create", "From the terminal"])
        #expect(created.status == 0, "\(created.output)")
        let id = String(try #require(created.output.split(separator: " ").last).trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(try await setup.run(["playlists", "add", id] + uris.prefix(3)).output.contains("Added 3 items"))
        #expect(try await setup.run(["playlists", "reorder", id, "--from", "0", "--to", "3"]).status == 0)
        let shown = try await setup.run(["playlists", "show", id, "--format", "csv"])
        let order = shown.output.components(separatedBy: "\r\n").dropFirst().compactMap { $0.split(separator: ",").last.map(String.init) }
        #expect(order == [uris[1], uris[2], uris[0]], "\(shown.output)")
        #expect(try await setup.run(["playlists", "rename", id, "Renamed"]).status == 0)
        #expect(try await setup.run(["playlists", "remove", id, uris[1]]).status == 0)
        let list = try await setup.run(["playlists", "--format", "csv"])
        #expect(list.output.contains("Renamed,2,"), "\(list.output)")

        #expect(try await setup.run(["library", "save", uris[0]]).status == 0)
        let contains = try await setup.run(["library", "contains", uris[0], "--format", "csv"])
        #expect(contains.output.contains("\(uris[0]),yes"), "\(contains.output)")
        #expect(try await setup.run(["library", "remove", uris[0]]).status == 0)
        #expect(try await setup.run(["library", "contains", uris[0], "--format", "csv"]).output.contains("\(uris[0]),no"))
    }

    @Test("player: a missing scope names itself and the login to get it; with it, devices, play, status, queue, volume, pause")
    func player() async throws {
        let setup = try await Setup.start()
        defer { setup.process.terminate() }
        #expect(try await setup.login(paste: true).status == 0)
        let missing = try await setup.run(["player", "devices"])
        #expect(missing.status == 2)
        #expect(
            missing.output.contains("user-read-playback-state") && missing.output.contains("encore login --scope user-read-playback-state"),
            "\(missing.output)")

        #expect(try await setup.login(paste: true, extra: ["--scope", "user-read-playback-state user-modify-playback-state"]).status == 0)
        let devices = try await setup.run(["player", "devices", "--format", "csv"])
        let device = try #require(devices.output.components(separatedBy: "\r\n").dropFirst().first?.split(separator: ",").last.map(String.init))
        let albums = json(try await setup.run(["search", "a", "--type", "album", "--format", "json"]).output)
        let album = try #require(((albums["albums"] as? [String: Any])?["items"] as? [[String: Any]])?.first?["uri"] as? String)
        let none = try await setup.run(["player", "pause"])
        #expect(none.status == 3 && none.output.contains("no_active_device"), "\(none.output)")
        #expect(try await setup.run(["player", "play", album, "--device", device]).output.contains("Playing."))
        let status = try await setup.run(["player", "status", "--format", "csv"])
        #expect(status.output.contains("playing"), "\(status.output)")
        #expect(try await setup.run(["player", "volume", "30"]).status == 0)
        #expect(try await setup.run(["player", "queue", "--format", "csv"]).output.contains("now,"))
        #expect(try await setup.run(["player", "pause"]).status == 0)
        #expect(try await setup.run(["player", "status", "--format", "csv"]).output.contains("paused"))
    }
}
