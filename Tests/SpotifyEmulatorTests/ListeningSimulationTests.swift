import Foundation
import Testing

@testable import SpotifyEmulator

/// The listening simulator: the seeded users play tracks as the emulator's clock runs, so a
/// recorder polling recently played has something new to find.
@Suite("Listening simulation", .timeLimit(.minutes(2)))
struct ListeningSimulationTests {
    static let week = DateInterval(start: Date(timeIntervalSince1970: 1_795_000_000), duration: 7 * 86_400)

    @Test("the same seed gives the same plays; users listen differently, by day more than by night")
    func deterministic() throws {
        let one = SpotifyEmulator(configuration: .init(seed: 7))
        let other = SpotifyEmulator(configuration: .init(seed: 7))
        let plays = one.simulatedPlays(of: "maya", in: Self.week)
        #expect(plays == other.simulatedPlays(of: "maya", in: Self.week))
        #expect(plays != one.simulatedPlays(of: "jonas", in: Self.week))
        #expect(plays != SpotifyEmulator(configuration: .init(seed: 8)).simulatedPlays(of: "maya", in: Self.week))
        #expect(one.simulatedPlays(of: "nobody", in: Self.week).isEmpty)

        let month = one.simulatedPlays(of: "maya", in: DateInterval(start: Self.week.start, duration: 28 * 86_400))
        #expect(month.count / 28 >= 20, "\(month.count) plays in 28 days")
        #expect(zip(month, month.dropFirst()).allSatisfy { $0.playedAt < $1.playedAt })
        #expect(month.allSatisfy { $0.msPlayed > 0 && $0.msPlayed <= $0.durationMs })
        let skipped = month.filter { $0.msPlayed < 30_000 }.count
        #expect(skipped > 0 && skipped < month.count / 4)
        // maya is in GB: UTC is her local time.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let hours = month.map { calendar.component(.hour, from: $0.playedAt) }
        let night = hours.filter { (2...5).contains($0) }.count
        let evening = hours.filter { (18...21).contains($0) }.count
        #expect(evening > 4 * max(night, 1), "evening \(evening), night \(night)")
        // Any split of an interval gives the same plays as the whole.
        let middle = Self.week.start.addingTimeInterval(3 * 86_400 + 1234.5)
        let halves =
            one.simulatedPlays(of: "maya", in: DateInterval(start: Self.week.start, end: middle))
            + one.simulatedPlays(of: "maya", in: DateInterval(start: middle, end: Self.week.end))
        #expect(halves == plays)
    }

    @Test("off by default: recently played is the fixed seeded history")
    func offByDefault() async throws {
        try await Harness.run { h in
            let token = try #require(try await h.signIn()["access_token"] as? String)
            let page = try await h.get("/me/player/recently-played?limit=50", token: token)
            let newest = try #require((page.json["cursors"] as? [String: Any])?["after"] as? String)
            #expect(newest == "1795000000000")
        }
    }

    @Test("on: recently played is the last 50 counted plays up to the clock, and after= finds exactly the plays since")
    func recentlyPlayedFollowsTheClock() async throws {
        // A day passes between the two reads: the token must outlive it.
        try await Harness.run(.init(tokenTTL: 2 * 86_400, autoApproveUser: "maya", simulatesListening: true)) { h in
            let token = try #require(try await h.signIn()["access_token"] as? String)
            // What recently played holds at a moment, newest first; the clock runs during a
            // request, so an answer must match the moment before it or the one after.
            func recent(until end: Date) -> [SimulatedPlay] {
                h.emulator.simulatedPlays(of: "maya", in: DateInterval(start: end.addingTimeInterval(-28 * 86_400), end: end))
                    .filter { $0.msPlayed >= 30_000 }.suffix(50).reversed()
            }
            func ids(_ page: HTTPResult) -> [String] {
                ((page.json["items"] as? [[String: Any]]) ?? []).compactMap { ($0["track"] as? [String: Any])?["id"] as? String }
            }
            let beforeFirst = recent(until: h.emulator.now).map(\.trackID)
            let first = try await h.get("/me/player/recently-played?limit=50", token: token)
            let afterFirst = recent(until: h.emulator.now).map(\.trackID)
            #expect(first.status == 200)
            #expect(ids(first).count == 50)
            #expect(ids(first) == beforeFirst || ids(first) == afterFirst)
            let after = try #require((first.json["cursors"] as? [String: Any])?["after"] as? String)

            // A day on, the plays since the cursor that recently played still holds, and only
            // those, are new: what a recorder polling with after= records.
            h.emulator.advanceClock(by: .seconds(24 * 3600))
            let cursor = Date(timeIntervalSince1970: TimeInterval(Int64(after) ?? 0) / 1000)
            let beforeNext = recent(until: h.emulator.now).filter { $0.playedAt > cursor }.map(\.trackID)
            let next = try await h.get("/me/player/recently-played?limit=50&after=\(after)", token: token)
            let afterNext = recent(until: h.emulator.now).filter { $0.playedAt > cursor }.map(\.trackID)
            #expect(next.status == 200)
            #expect(!ids(next).isEmpty)
            #expect(ids(next) == beforeNext || ids(next) == afterNext)
            let playedAt = ((next.json["items"] as? [[String: Any]]) ?? []).compactMap { $0["played_at"] as? String }
            #expect(playedAt == playedAt.sorted(by: >))
        }
    }

    @Test("the settings control turns it on and off")
    func control() async throws {
        try await Harness.run { h in
            let on = try await http(
                "PUT", h.origin + "/_emulator/settings", headers: [("Content-Type", "application/json")], body: #"{"simulates_listening":true}"#)
            #expect(on.json["simulates_listening"] as? Bool == true)
            let token = try #require(try await h.signIn()["access_token"] as? String)
            let page = try await h.get("/me/player/recently-played?limit=1", token: token)
            let newest = try #require((page.json["cursors"] as? [String: Any])?["after"] as? String)
            #expect((Int64(newest) ?? 0) > 1_795_000_000_000)
            #expect((Double(newest) ?? 0) / 1000 <= h.emulator.now.timeIntervalSince1970)
            let off = try await http(
                "PUT", h.origin + "/_emulator/settings", headers: [("Content-Type", "application/json")], body: #"{"simulates_listening":false}"#)
            #expect(off.json["simulates_listening"] as? Bool == false)
        }
    }

    @Test("a generated streaming-history export holds every simulated play, in Spotify's export format")
    func export() async throws {
        let emulator = SpotifyEmulator(configuration: .init(seed: 3))
        var text = ""
        let written = try #require(emulator.writeStreamingHistory(of: "jonas", in: Self.week) { text += $0 })
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        let plays = emulator.simulatedPlays(of: "jonas", in: Self.week)
        #expect(written == plays.count && entries.count == plays.count && !plays.isEmpty)
        #expect(entries.compactMap { $0["spotify_track_uri"] as? String } == plays.map { "spotify:track:\($0.trackID)" })
        #expect(entries.compactMap { $0["ms_played"] as? Int } == plays.map(\.msPlayed))
        #expect(entries.compactMap { $0["master_metadata_track_name"] as? String } == plays.map(\.trackName))
        let timestamps = entries.compactMap { $0["ts"] as? String }
        #expect(timestamps == plays.map { $0.playedAt.formatted(Date.ISO8601FormatStyle()) })
        #expect(timestamps.allSatisfy { $0.count == 20 && $0.hasSuffix("Z") })
        let fields: Set<String> = [
            "ts", "platform", "ms_played", "conn_country", "ip_addr", "master_metadata_track_name", "master_metadata_album_artist_name",
            "master_metadata_album_album_name", "spotify_track_uri", "episode_name", "episode_show_name", "spotify_episode_uri",
            "audiobook_title", "audiobook_uri", "audiobook_chapter_uri", "audiobook_chapter_title", "reason_start", "reason_end", "shuffle",
            "skipped", "offline", "offline_timestamp", "incognito_mode",
        ]
        #expect(entries.allSatisfy { Set($0.keys) == fields })
        let skipped = entries.filter { $0["skipped"] as? Bool == true }
        #expect(!skipped.isEmpty && skipped.allSatisfy { $0["reason_end"] as? String == "fwdbtn" })
        #expect(Set(entries.compactMap { $0["reason_start"] as? String }).isSubset(of: ["clickrow", "trackdone", "fwdbtn"]))
        #expect(emulator.writeStreamingHistory(of: "nobody", in: Self.week) { _ in } == nil)

        try await Harness.run { h in
            let answer = try await http("GET", h.origin + "/_emulator/users/maya/streaming-history?from=2026-11-01&to=2026-11-08")
            #expect(answer.status == 200)
            let served = try #require(try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [[String: Any]])
            let interval = DateInterval(start: Date(timeIntervalSince1970: 1_793_491_200), duration: 7 * 86_400)
            #expect(served.count == h.emulator.simulatedPlays(of: "maya", in: interval).count)
            for bad in ["from=2026-11-08&to=2026-11-01", "from=2026-11-01", "from=2020-01-01&to=2026-01-01", "from=soon&to=later"] {
                #expect(try await http("GET", h.origin + "/_emulator/users/maya/streaming-history?\(bad)").status == 400, "\(bad)")
            }
            #expect(try await http("GET", h.origin + "/_emulator/users/nobody/streaming-history?from=2026-11-01&to=2026-11-08").status == 404)
        }
    }
}
