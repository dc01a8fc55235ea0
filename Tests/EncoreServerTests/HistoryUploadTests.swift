import Foundation
import SpotifyEmulator
import Synchronization
import Testing

@testable import EncoreServer

/// Uploads through the web app: the ZIP Spotify sends, hostile ones beside honest ones, and a
/// server that keeps answering, and stops, whatever is being imported.
@Suite("Listening history: uploads to the web app", .timeLimit(.minutes(5)))
struct HistoryUploadTests {
    /// A `multipart/form-data` body with the form's token and files of any bytes.
    static func multipart(csrf: String, files: [(name: String, bytes: [UInt8])]) -> [UInt8] {
        let boundary = HistoryPagesTests.boundary
        var body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n\(csrf)\r\n".utf8)
        for file in files {
            body += Array(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(file.name)\"\r\nContent-Type: application/zip\r\n\r\n"
                    .utf8)
            body += file.bytes + Array("\r\n".utf8)
        }
        return body + Array("--\(boundary)--\r\n".utf8)
    }

    static func upload(_ browser: Browser, csrf: String, files: [(name: String, bytes: [UInt8])]) async throws -> HTTPResult {
        try await browser.send(
            "POST", "/history/import", headers: [("Content-Type", "multipart/form-data; boundary=\(HistoryPagesTests.boundary)")],
            bytes: multipart(csrf: csrf, files: files))
    }

    /// Spooled uploads holding `marker` (other tests upload at the same time, so only this
    /// test's files are looked for).
    static func spooled(holding marker: String) -> [String] {
        guard let folder = HistoryUpload.spoolFolder else { return [] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { name in
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) else { return false }
            return data.range(of: Data(marker.utf8)) != nil
        }
    }

    @Test(
        "real exports uploaded to the web app, loose and as one ZIP, show their own totals on /api/history, on SQLite and PostgreSQL",
        .enabled(if: RealExports.available, RealExports.skipReason), arguments: [false, true])
    func realExportsUploaded(postgres: Bool) async throws {
        guard !postgres || ScratchPostgres.isAvailable else { return }
        var sum = RealExports.Expected()
        for name in RealExports.names { sum.add(try RealExports.expected(name)) }
        let expected = sum
        let loose = try RealExports.names.map { (name: $0, bytes: [UInt8](try Data(contentsOf: RealExports.url($0)))) }
        let zip = TestZIP(loose.map { .init(name: "MyData/\($0.name)", data: $0.bytes) }).bytes
        let run: @Sendable (DatabaseLocation) async throws -> Void = { database in
            var options = AppHarness.Options()
            options.database = database
            try await AppHarness.run(options) { app in
                let browser = app.browser()
                try await app.signIn(browser)
                let maya = try await app.stableID("maya")
                let csrf = try #require(try await browser.csrfToken())
                #expect(try await browser.post("/history/time-zone", form: [("csrf_token", csrf), ("time_zone", "UTC")]).status == 303)
                await app.maintenance.workThrough()
                #expect(try await Self.upload(browser, csrf: csrf, files: loose).status == 303)
                await app.imports.ended(userID: maya)
                let imports = try #require(try await browser.get("/api/history/imports").json["imports"] as? [[String: Any]])
                let summary = try #require(imports.first?["summary"] as? [String: Any])
                #expect(imports.first?["state"] as? String == "done")
                #expect(summary["entries"] as? Int == expected.entries)
                #expect(summary["video"] as? Int == 16)
                #expect((summary["files"] as? [[String: Any]])?.count == 5)
                let all = try await browser.get("/api/history?period=all").json
                #expect(all["plays"] as? Int == expected.plays)
                #expect((all["ms_played"] as? NSNumber)?.int64Value == expected.ms)
                // One month's days, as the page's daily chart has them.
                let month = try await browser.get("/api/history?from=2023-06-01&to=2023-06-30").json
                let points = (month["chart"] as? [String: Any])?["points"] as? [[String: Any]] ?? []
                for point in points {
                    guard let start = point["start"] as? String, let day = LocalDate(parsing: start) else { continue }
                    let value = expected.days[day.dayNumber] ?? (0, 0)
                    #expect(point["plays"] as? Int == value.plays && (point["ms_played"] as? NSNumber)?.int64Value == value.ms, "\(start)")
                }
                // The same files as Spotify's ZIP add nothing.
                #expect(try await Self.upload(browser, csrf: csrf, files: [("my_spotify_data.zip", zip)]).status == 303)
                await app.imports.ended(userID: maya)
                let again = try await browser.get("/api/history?period=all").json
                #expect(again["plays"] as? Int == expected.plays)
            }
        }
        if postgres {
            try await ScratchPostgres.with { url, _ in try await run(.postgres(url: url)) }
        } else {
            try await run(.sqliteMemory)
        }
    }

    @Test("two heavy uploads at once: /healthz and pages answer within a second throughout, and the app stops within 10 s, spool emptied")
    func heavyUploads() async throws {
        let whitespace = TestZIP.whitespace(megabytes: 2_048)
        // A name only this test's uploads carry, to find their spool files by.
        let marker = "marker-\(UUID().uuidString)"
        let heavy = TestZIP([
            .init(
                name: "MyData/Streaming_History_Audio_2024.json", data: [], storedBytes: whitespace.stored, declaredSize: whitespace.size,
                declaredCRC: whitespace.crc),
            .init(name: "MyData/\(marker).txt", data: []),
        ]).bytes
        let spinner = TestZIP([
            .init(
                name: "Streaming_History_Audio_2024.json", data: [UInt8](repeating: 0x20, count: 65_535), storedBytes: [0x00, 0xFF, 0xFF, 0x00, 0x00]),
            .init(name: "\(marker).txt", data: []),
        ]).bytes
        let emulator = SpotifyEmulator(configuration: .init(seed: 7))
        var options = AppHarness.Options()
        options.emulator = emulator
        let stopping = Mutex<ContinuousClock.Instant?>(nil)
        try await AppHarness.run(options) { app in
            var browsers: [(Browser, String)] = []
            for user in ["maya", "jonas"] {
                emulator.setAutoApprove(user: user)
                let browser = app.browser()
                try await app.signIn(browser, as: user)
                browsers.append((browser, try #require(try await browser.csrfToken())))
            }
            // The tiny ZIP that spun forever first, then the heavy one, for each.
            for (browser, csrf) in browsers {
                #expect(try await Self.upload(browser, csrf: csrf, files: [("spin.zip", spinner)]).status == 303)
            }
            for user in ["maya", "jonas"] { await app.imports.ended(userID: try await app.stableID(user)) }
            for (browser, csrf) in browsers {
                #expect(try await Self.upload(browser, csrf: csrf, files: [("heavy.zip", heavy)]).status == 303)
            }
            let spin = try await browsers[0].0.get("/api/history/imports").json["imports"] as? [[String: Any]]
            #expect(spin?.contains { ($0["message"] as? String)?.contains("is cut short") == true } == true)
            // Two seconds of asking while both gigabytes are read.
            var slowest = Duration.zero
            var looks = 0
            let asking = ContinuousClock.now
            while ContinuousClock.now - asking < .seconds(2) {
                let started = ContinuousClock.now
                #expect(try await http("GET", app.appBase + "/healthz").status == 200)
                #expect(try await browsers[0].0.get("/history").status == 200)
                slowest = max(slowest, ContinuousClock.now - started)
                looks += 1
            }
            #expect(app.imports.runningCount == 2, "both imports still ran when the app was told to stop")
            #expect(looks > 3)
            #expect(slowest < .seconds(1), "slowest answer during two heavy imports: \(slowest)")
            stopping.withLock { $0 = .now }
        }
        let stopped = try #require(stopping.withLock { $0 })
        #expect(ContinuousClock.now - stopped < .seconds(10))
        #expect(Self.spooled(holding: marker).isEmpty)
    }
}
