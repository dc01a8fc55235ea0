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
}
