import Foundation
import SpotifyEmulator
import Testing

@testable import EncoreServer

/// The drill-down pages in the web app, after an upload: every name links to its page, an
/// artist's and a track's story, every item of a period sorted and filtered, sessions and
/// streaks, the recap's calendar; each with a JSON twin that agrees with the plays.
@Suite("Listening history: drill-down pages", .timeLimit(.minutes(5)))
struct InsightPagesTests {
    /// The `href`s of a page that start with `prefix`, in order.
    static func links(_ body: String, _ prefix: String) -> [String] {
        body.components(separatedBy: "href=\"" + prefix).dropFirst().compactMap { $0.split(separator: "\"").first.map { prefix + $0 } }
    }

    /// The export's entries as plays, read here with JSONSerialization: `ts` to the second, as
    /// Spotify writes it.
    static func plays(export text: String) throws -> [Play] {
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        return try entries.map { entry in
            let ts = try #require(entry["ts"] as? String)
            let at = try #require(try? Date(ts, strategy: Date.ISO8601FormatStyle()))
            return Play(
                playedAtMs: Int64(at.timeIntervalSince1970 * 1000), msPlayed: try #require(entry["ms_played"] as? Int),
                item: PlayedItem(
                    uri: entry["spotify_track_uri"] as? String, kind: .track, name: entry["master_metadata_track_name"] as? String ?? "",
                    artist: entry["master_metadata_album_artist_name"] as? String ?? "",
                    album: entry["master_metadata_album_album_name"] as? String ?? ""),
                source: .imported)
        }
    }

    @Test("from /history to an artist, a track and every track of the period, sorted; the JSON twins count what the plays say")
    func drillDown() async throws {
        let emulator = SpotifyEmulator(configuration: .init(seed: 7))
        var options = AppHarness.Options()
        options.emulator = emulator
        try await AppHarness.run(options) { app in
            let browser = app.browser()
            try await app.signIn(browser)
            _ = try await browser.get("/history")
            let csrf = try #require(try await browser.csrfToken())
            let (text, _) = try HistoryPagesTests.export(emulator, days: 60)
            _ = try await HistoryPagesTests.upload(browser, csrf: csrf, files: [("Streaming_History_Audio_2026.json", text)])
            #expect(try await HistoryPagesTests.finishedImport(browser)["state"] as? String == "done")

            let summary = try await browser.get("/api/history?period=all")
            let zoneName = try #require(summary.json["time_zone"] as? String)
            let zone = try #require(TimeZone(identifier: zoneName))
            let reference = HistoryInsightsTests.Reference(try Self.plays(export: text), zone: zone)
            let from = try #require(summary.json["from"] as? String), to = try #require(summary.json["to"] as? String)
            let sessions = HistoryInsightsTests.Reference.sessions(reference.plays)
            #expect(summary.json["sessions"] as? Int == sessions.count)
            #expect(summary.json["longest_session_ms"] as? Int == sessions.map { Int($0.end - $0.start) }.max())
            #expect(summary.json["longest_streak_days"] as? Int == reference.streaks(reference.plays, last: to).longest)
            #expect(summary.json["current_streak_days"] as? Int == reference.streaks(reference.plays, last: to).current)

            // /history: sessions and streaks, every name a link to its page, each list to all of its kind.
            let page = try await browser.get("/history?period=all")
            #expect(page.body.contains("Sessions and streaks"))
            #expect(page.body.contains("href=\"/history/tracks?period=all\""))
            let artists = Self.links(page.body, "/history/artist/")
            let tracks = Self.links(page.body, "/history/track/")
            #expect(!artists.isEmpty && !tracks.isEmpty && !Self.links(page.body, "/history/album/").isEmpty)
            #expect(!page.body.contains("open.spotify.com/track"))

            // An artist: its page and its JSON agree with the plays.
            let artistPage = try await browser.get(artists[0])
            #expect(artistPage.status == 200)
            #expect(
                artistPage.body.contains("Plays per month") && artistPage.body.contains("By hour of day") && artistPage.body.contains("Its tracks"))
            #expect(!artistPage.body.contains("<script") && !artistPage.body.contains(" style="))
            let artist = try await browser.get("/api" + artists[0])
            let name = try #require(artist.json["name"] as? String)
            let mine = reference.plays.filter { $0.item.artist == name }
            #expect(artist.json["plays"] as? Int == mine.filter { $0.msPlayed >= 30_000 }.count)
            #expect(artist.json["ms_played"] as? Int == mine.reduce(0) { $0 + $1.msPlayed })
            #expect(
                artist.json["first_played"] as? String
                    == mine.first.map { Date(unixMilliseconds: $0.playedAtMs).formatted(Date.ISO8601FormatStyle()) })
            #expect(artistPage.body.contains(">\(HistoryDisplay.grouped(Int64(artist.json["plays"] as? Int ?? -1)))<"))
            // Its tracks link on.
            let itsTracks = Self.links(artistPage.body, "/history/track/")
            #expect(!itsTracks.isEmpty)

            // A track.
            let track = try await browser.get("/api" + tracks[0])
            let title = try #require(track.json["name"] as? String)
            let uri = try #require(track.json["uri"] as? String)
            let heard = reference.plays.filter { $0.item.uri == uri }
            #expect(track.json["plays"] as? Int == heard.filter { $0.msPlayed >= 30_000 }.count)
            let trackPage = try await browser.get(tracks[0])
            #expect(trackPage.status == 200 && trackPage.body.contains(title.replacingOccurrences(of: "&", with: "&amp;")))
            #expect(trackPage.body.contains("https://open.spotify.com/track/"))

            // Every track of the period, by minutes, least first; the JSON twin has them all.
            let table = try await browser.get("/history/tracks?period=all&sort=minutes&order=asc")
            #expect(table.status == 200)
            #expect(table.body.contains("aria-sort=\"ascending\""))
            let all = try await browser.get("/api/history/tracks?from=\(from)&to=\(to)&sort=minutes&order=asc")
            let distinct = Set(reference.plays.map(\.item.uri))
            #expect(all.json["total"] as? Int == distinct.count)
            let rows = try #require(all.json["rows"] as? [[String: Any]])
            #expect(rows.count == min(50, distinct.count))
            let minutes = rows.compactMap { $0["ms_played"] as? Int }
            #expect(minutes == minutes.sorted())
            #expect(all.json["pages"] as? Int == (distinct.count + 49) / 50)
            // The column heading that is sorted turns the order round.
            #expect(table.body.contains("href=\"/history/tracks?period=all&amp;sort=minutes&amp;order=desc\""))
            if (all.json["pages"] as? Int ?? 0) > 1 {
                let second = try await browser.get("/history/tracks?period=all&sort=minutes&order=asc&page=2")
                #expect(second.body.contains("rel=\"prev\""))
            }

            // A filter, echoed safely.
            let hostile = try await browser.get("/history/artists?period=all&q=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
            #expect(hostile.status == 200)
            #expect(!hostile.body.contains("<script>alert") && hostile.body.contains("&lt;script&gt;"))
            let filtered = try await browser.get(
                "/api/history/artists?period=all&q=" + (name.prefix(4).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
            #expect((filtered.json["rows"] as? [[String: Any]])?.contains { $0["name"] as? String == name } == true)

            // The recap: a calendar of every day, its numbers as a table, what was new each month.
            let year = try await browser.get("/history/year/2026")
            #expect(year.body.components(separatedBy: "<rect class=\"heat").count - 1 == 365)
            #expect(year.body.contains("The numbers (minutes per day)") && year.body.contains("New to you, month by month"))
            #expect(!Self.links(year.body, "/history/artist/").isEmpty)

            // Bad requests: a clear 4xx each.
            for path in [
                "/api/history/tracks?sort=popularity", "/api/history/tracks?order=up", "/api/history/tracks?page=0", "/api/history/tracks?page=x",
                "/api/history/tracks?sort=plays&sort=name", "/api/history/albums?q=" + String(repeating: "a", count: 101),
                "/api/history/artists?period=forever",
            ] {
                let bad = try await browser.get(path)
                #expect(bad.status == 400, "\(path)")
                #expect(bad.json["error"] as? String == "invalid_parameter", "\(path)")
            }
            for path in [
                "/history/artist/zzz", "/api/history/artist/e0000000000000000", "/api/history/track/0000000000000000000000", "/history/album/%00",
            ] {
                #expect(try await browser.get(path).status == 404, "\(path)")
            }
            #expect(try await app.browser().get("/api/history/tracks").status == 401)
            #expect(try await app.browser().get("/api" + artists[0]).status == 401)
        }
    }
}
