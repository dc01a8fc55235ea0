import Foundation
import Testing

/// `encore history import` with the five real exports (`../shared/streaming-history-exports/`):
/// each file's own totals, counted here from its JSON, on SQLite and PostgreSQL.
@Suite("encore history with real exports", .timeLimit(.minutes(5)))
struct RealExportCommandTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/streaming-history-exports")
    static let names = [
        "Streaming_History_Audio_2023.json", "Streaming_History_Audio_2026.json", "endsong_1.json", "StreamingHistory_music_realistic.json",
        "Streaming_History_Video_2023.json",
    ]
    static var available: Bool { names.allSatisfy { FileManager.default.isReadableFile(atPath: folder.appendingPathComponent($0).path) } }

    static var databases: [String] {
        ["sqlite"] + (ProcessInfo.processInfo.environment["ENCORE_TEST_POSTGRES_URL"].map { $0.isEmpty ? [] : ["postgres"] } ?? [])
    }

    /// Entries, plays of 30 s or more, all listening, and the busiest UTC day's figures.
    static func expected(_ name: String) throws -> (entries: Int, plays: Int, ms: Int, day: String?, dayPlays: Int, dayMs: Int) {
        let entries = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent(name))) as? [[String: Any]] ?? []
        guard !name.contains("Video") else { return (entries.count, 0, 0, nil, 0, 0) }
        var plays = 0, ms = 0
        var days: [String: (plays: Int, ms: Int)] = [:]
        for entry in entries {
            let heard = (entry["ms_played"] ?? entry["msPlayed"]) as? Int ?? 0
            let day = String(((entry["ts"] ?? entry["endTime"]) as? String ?? "").prefix(10))
            plays += heard >= 30_000 ? 1 : 0
            ms += heard
            days[day, default: (0, 0)].plays += heard >= 30_000 ? 1 : 0
            days[day, default: (0, 0)].ms += heard
        }
        let busiest = days.max { ($0.value.ms, $0.key) < ($1.value.ms, $1.key) }
        return (entries.count, plays, ms, busiest?.key, busiest?.value.plays ?? 0, busiest?.value.ms ?? 0)
    }

    @Test(
        "each real export imports with its own totals; importing it again adds nothing",
        .enabled(if: available, "the real exports are not in ../shared/streaming-history-exports/ (CI has them)"), arguments: databases)
    func realExports(database: String) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("encore-real-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url =
            database == "postgres"
            ? (ProcessInfo.processInfo.environment["ENCORE_TEST_POSTGRES_URL"] ?? "")
            : "sqlite://" + directory.appendingPathComponent("h.sqlite").path
        func run(_ arguments: [String], user: String) async throws -> (status: Int32?, output: String) {
            let command = try EncoreProcess.start(
                arguments + ["--user", user, "--database-url", url], in: directory, environment: ["XDG_CONFIG_HOME": directory.path])
            let status = await command.waitForExit()
            return (status, command.output)
        }
        for name in Self.names {
            let expected = try Self.expected(name)
            let user = "real-\(UUID().uuidString.prefix(8))"
            let path = Self.folder.appendingPathComponent(name).path
            let imported = try await run(["history", "import", path], user: user)
            #expect(imported.status == 0, "\(name): \(imported.output)")
            if name.contains("Video") {
                #expect(imported.output.contains("Read \(expected.entries) entries: 0 plays added, 0 already there, \(expected.entries) video"))
                continue
            }
            #expect(imported.output.contains("Read \(expected.entries) entries"), "\(name): \(imported.output)")
            let stats = HistoryCommandTests.json(try await run(["history", "stats", "--format", "json", "--time-zone", "UTC"], user: user).output)
            #expect(stats["plays"] as? Int == expected.plays, "\(name)")
            #expect(stats["ms_played"] as? Int == expected.ms, "\(name)")
            if let day = expected.day {
                let one = HistoryCommandTests.json(
                    try await run(["history", "stats", "--format", "json", "--time-zone", "UTC", "--from", day, "--to", day], user: user).output)
                #expect(one["plays"] as? Int == expected.dayPlays && one["ms_played"] as? Int == expected.dayMs, "\(name) on \(day)")
            }
            let again = try await run(["history", "import", path], user: user)
            #expect(again.output.contains("0 plays added, \(expected.entries) already there"), "\(name): \(again.output)")
            let unchanged = HistoryCommandTests.json(try await run(["history", "stats", "--format", "json"], user: user).output)
            #expect(unchanged["plays"] as? Int == expected.plays && unchanged["ms_played"] as? Int == expected.ms, "\(name)")
        }
    }

    /// An export's entries read plainly: end time (ms since 1970), ms played, track, artist.
    /// `key` is the track's identity: its URI, else its names.
    static func entries(_ name: String) throws -> [(at: Int, ms: Int, track: String?, artist: String?, key: String)] {
        let entries = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent(name))) as? [[String: Any]] ?? []
        let extended = ISO8601DateFormatter()
        let basic = DateFormatter()
        basic.locale = Locale(identifier: "en_US_POSIX")
        basic.timeZone = TimeZone(identifier: "UTC")
        basic.dateFormat = "yyyy-MM-dd HH:mm"
        return entries.compactMap { entry in
            let date = (entry["ts"] as? String).flatMap(extended.date(from:)) ?? (entry["endTime"] as? String).flatMap(basic.date(from:))
            guard let date else { return nil }
            return (
                Int(date.timeIntervalSince1970 * 1000), (entry["ms_played"] ?? entry["msPlayed"]) as? Int ?? 0,
                (entry["master_metadata_track_name"] ?? entry["trackName"]) as? String,
                (entry["master_metadata_album_artist_name"] ?? entry["artistName"]) as? String,
                entry["spotify_track_uri"] as? String
                    ?? "\(entry["master_metadata_track_name"] ?? entry["trackName"] ?? "")|\(entry["master_metadata_album_artist_name"] ?? entry["artistName"] ?? "")"
            )
        }
    }

    @Test(
        "history artist, top, sessions and stats print what each real export's entries say",
        .enabled(if: available, "the real exports are not in ../shared/streaming-history-exports/ (CI has them)"), arguments: databases)
    func insights(database: String) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("encore-real-insights-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url =
            database == "postgres"
            ? (ProcessInfo.processInfo.environment["ENCORE_TEST_POSTGRES_URL"] ?? "")
            : "sqlite://" + directory.appendingPathComponent("h.sqlite").path
        func run(_ arguments: [String], user: String) async throws -> (status: Int32?, output: String) {
            let command = try EncoreProcess.start(
                arguments + ["--user", user, "--database-url", url], in: directory,
                environment: ["XDG_CONFIG_HOME": directory.path, "TZ": "UTC"])
            let status = await command.waitForExit()
            return (status, command.output)
        }
        let iso = ISO8601DateFormatter()
        for name in Self.names where !name.contains("Video") {
            let entries = try Self.entries(name).sorted { $0.at < $1.at }
            let user = "insight-\(UUID().uuidString.prefix(8))"
            #expect(try await run(["history", "import", Self.folder.appendingPathComponent(name).path], user: user).status == 0)
            let music = entries.filter { $0.track != nil && $0.artist != nil }
            let byArtist = Dictionary(grouping: music) { $0.artist ?? "" }
            let counted = byArtist.mapValues { $0.filter { $0.ms >= 30_000 }.count }
            let (artist, mine) = try #require(byArtist.max { (counted[$0.key] ?? 0, $0.key) < (counted[$1.key] ?? 0, $1.key) })

            // Any case, exactly.
            let story = try await run(["history", "artist", artist.lowercased(), "--format", "json"], user: user)
            #expect(story.status == 0, "\(name): \(story.output)")
            let json = HistoryCommandTests.json(story.output)
            #expect(json["name"] as? String == artist, "\(name)")
            #expect(json["plays"] as? Int == counted[artist], "\(name)")
            #expect(json["ms_played"] as? Int == mine.reduce(0) { $0 + $1.ms }, "\(name)")
            #expect(json["first_played"] as? String == mine.first.map { iso.string(from: Date(timeIntervalSince1970: Double($0.at) / 1000)) })
            #expect(json["last_played"] as? String == mine.last.map { iso.string(from: Date(timeIntervalSince1970: Double($0.at) / 1000)) })
            let tracks = try #require(json["top_tracks"] as? [[String: Any]], "\(name)")
            let perTrack = Dictionary(grouping: mine) { $0.key }.mapValues { $0.filter { $0.ms >= 30_000 }.count }
            #expect(tracks.first?["plays"] as? Int == perTrack.values.max(), "\(name)")
            #expect(tracks.allSatisfy { $0["name"] is String && $0["plays"] is Int && $0["ms_played"] is Int })
            #expect(try await run(["history", "artist", artist + " (not)", "--format", "json"], user: user).status == 1)

            // Every artist, least played first.
            let top = HistoryCommandTests.json(
                try await run(
                    ["history", "top", "artists", "--sort", "plays", "--order", "asc", "--limit", "100000", "--format", "json"], user: user
                )
                .output)
            #expect(top["total"] as? Int == byArtist.count, "\(name)")
            let rows = top["rows"] as? [[String: Any]] ?? []
            #expect(rows.first?["plays"] as? Int == counted.values.min(), "\(name)")
            #expect(rows.last?["plays"] as? Int == counted.values.max(), "\(name)")

            // Sessions: DESIGN.md's rule over every entry.
            var lengths: [Int] = []
            var current: (start: Int, end: Int)?
            for entry in entries.sorted(by: { $0.at - $0.ms < $1.at - $1.ms }) {
                if let open = current, entry.at - entry.ms <= open.end + 15 * 60_000 {
                    current = (open.start, max(open.end, entry.at))
                } else {
                    if let open = current { lengths.append(open.end - open.start) }
                    current = (entry.at - entry.ms, entry.at)
                }
            }
            if let open = current { lengths.append(open.end - open.start) }
            let longest = try await run(["history", "sessions", "--sort", "length", "--limit", "1", "--format", "json"], user: user)
            let sessions = (try? JSONSerialization.jsonObject(with: Data(longest.output.utf8))) as? [[String: Any]]
            #expect(sessions?.first?["length_ms"] as? Int == lengths.max(), "\(name)")
            let stats = HistoryCommandTests.json(try await run(["history", "stats", "--format", "json"], user: user).output)
            #expect(stats["sessions"] as? Int == lengths.count, "\(name)")
            #expect(stats["longest_session_ms"] as? Int == lengths.max(), "\(name)")
            #expect(stats["longest_streak_days"] is Int && stats["current_streak_days"] is Int, "\(name)")
        }
    }
}
