import Foundation
import SpotifyEmulator
import SpotifyWebAPI
import Testing

@testable import EncoreServer

/// The history in the web app: the pages and their JSON twins, the upload, re-consent for
/// recording, and "Delete my history".
@Suite("Listening history: pages", .timeLimit(.minutes(5)))
struct HistoryPagesTests {
    static let boundary = "encore-test-boundary-7d1f"

    static func multipart(_ parts: [(name: String, fileName: String?, body: String)]) -> String {
        var text = ""
        for part in parts {
            text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(part.name)\""
            if let fileName = part.fileName { text += "; filename=\"\(fileName)\"\r\nContent-Type: application/json" }
            text += "\r\n\r\n\(part.body)\r\n"
        }
        return text + "--\(boundary)--\r\n"
    }

    static func upload(_ browser: Browser, csrf: String?, files: [(String, String)]) async throws -> HTTPResult {
        var parts: [(name: String, fileName: String?, body: String)] = []
        if let csrf { parts.append(("csrf_token", nil, csrf)) }
        parts += files.map { ("file", $0.0, $0.1) }
        return try await browser.send(
            "POST", "/history/import", headers: [("Content-Type", "multipart/form-data; boundary=\(boundary)")], body: multipart(parts))
    }

    /// Waits for the latest import to end (it runs in the background), looking every 20 ms.
    static func finishedImport(_ browser: Browser) async throws -> [String: Any] {
        for _ in 0..<1_500 {
            let imports = (try await browser.get("/api/history/imports").json["imports"] as? [[String: Any]]) ?? []
            if let latest = imports.first, latest["state"] as? String != "running" { return latest }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw HarnessError("the import did not finish")
    }

    static func export(_ emulator: SpotifyEmulator, days: Double = 14) throws -> (text: String, plays: [SimulatedPlay]) {
        let interval = DateInterval(start: Date(timeIntervalSince1970: 1_790_000_000), duration: days * 86_400)
        var text = ""
        _ = emulator.writeStreamingHistory(of: "maya", in: interval) { text += $0 }
        return (text, emulator.simulatedPlays(of: "maya", in: interval))
    }

    @Test("an uploaded export fills /history: figures, SVG charts with their numbers as text, top lists; the JSON twin agrees; a yearly recap")
    func importedHistoryShown() async throws {
        let emulator = SpotifyEmulator(configuration: .init(seed: 7))
        var options = AppHarness.Options()
        options.emulator = emulator
        try await AppHarness.run(options) { app in
            let browser = app.browser()
            try await app.signIn(browser)
            let empty = try await browser.get("/history")
            #expect(empty.status == 200)
            #expect(empty.body.contains("Nothing here yet"))
            let csrf = try #require(try await browser.csrfToken())
            let (text, plays) = try Self.export(emulator)
            let uploaded = try await Self.upload(browser, csrf: csrf, files: [("Streaming_History_Audio_2026.json", text)])
            #expect(uploaded.status == 303)
            #expect(uploaded.location == "/history?done=import#import")
            let finished = try await Self.finishedImport(browser)
            #expect(finished["state"] as? String == "done")
            #expect(finished["summary"].flatMap { ($0 as? [String: Any])?["added"] as? Int } == plays.count)

            let counted = plays.filter { $0.msPlayed >= 30_000 }
            let minutes = plays.reduce(0) { $0 + Int64($1.msPlayed) } / 60_000
            // maya is in GB: London's days.
            let page = try await browser.get("/history?from=2026-09-01&to=2026-10-31")
            #expect(page.status == 200)
            #expect(page.body.contains(HistoryDisplay.grouped(Int64(counted.count))))
            #expect(page.body.contains(HistoryDisplay.grouped(minutes)))
            #expect(page.body.contains("<svg viewBox=\"0 0 720 200\" role=\"img\" aria-labelledby=\"chart-timeline-title chart-timeline-desc\""))
            #expect(page.body.contains("<desc id=\"chart-hours-desc\">"))
            #expect(page.body.contains("<summary>The numbers</summary>"))
            #expect(page.body.contains("Top tracks") && page.body.contains("Top artists") && page.body.contains("Top albums"))
            #expect(!page.body.contains("<script") && !page.body.contains(" style="))
            #expect(page.header("Content-Security-Policy")?.contains("unsafe-inline") == false)

            let api = try await browser.get("/api/history?from=2026-09-01&to=2026-10-31")
            #expect(api.status == 200)
            #expect(api.json["plays"] as? Int == counted.count)
            #expect(api.json["ms_played"] as? Int == plays.reduce(0) { $0 + $1.msPlayed })
            #expect(api.json["from"] as? String == "2026-09-01")
            #expect(api.json["time_zone"] as? String == "Europe/London")
            #expect(((api.json["chart"] as? [String: Any])?["points"] as? [Any])?.count == 61)
            let top = (api.json["top_tracks"] as? [String: Any])?["by_plays"] as? [[String: Any]]
            #expect(top?.first?["plays"] as? Int == Dictionary(grouping: counted, by: \.trackID).values.map(\.count).max())

            let year = try await browser.get("/history/year/2026")
            #expect(year.status == 200)
            #expect(year.body.contains("Your 2026 in music"))
            #expect(year.body.contains("In 2026 you listened to \(HistoryDisplay.grouped(minutes)) minutes"))
            let recap = try await browser.get("/api/history/year/2026")
            #expect((recap.json["report"] as? [String: Any])?["plays"] as? Int == counted.count)
            #expect(recap.json["new_tracks"] as? Int == Set(plays.map(\.trackID)).count)

            // Presets and bad parameters.
            #expect(try await browser.get("/history?period=all").body.contains(HistoryDisplay.grouped(minutes)))
            let bad = try await browser.get("/api/history?from=2026-02-30&to=2026-03-01")
            #expect(bad.status == 400)
            #expect(bad.json["message"] as? String == "The from parameter must be a day written YYYY-MM-DD.")
            #expect(try await browser.get("/api/history?period=forever").status == 400)
            #expect(try await browser.get("/history/year/1999").status == 400)
            #expect(try await app.browser().get("/api/history").status == 401)
        }
    }

    @Test("an upload without the form's token keeps nothing; too large is 413; not a form is 400; one import at a time")
    func uploadBounds() async throws {
        let emulator = SpotifyEmulator(configuration: .init(seed: 7))
        var options = AppHarness.Options()
        options.emulator = emulator
        try await AppHarness.run(options) { app in
            let browser = app.browser()
            try await app.signIn(browser)
            let csrf = try #require(try await browser.csrfToken())
            let (text, _) = try Self.export(emulator, days: 3)
            // A mark only these uploads carry: no file holding it may be left behind (other
            // tests upload at the same time, so the folder itself is not compared).
            let mark = "forged-\(UUID().uuidString)"
            let forged = text.replacingOccurrences(of: "\"platform\": \"", with: "\"platform\": \"\(mark)")
            #expect(try await Self.upload(browser, csrf: nil, files: [("a.json", forged)]).status == 403)
            #expect(try await Self.upload(browser, csrf: "forged", files: [("a.json", forged)]).status == 403)
            let foreign = try await browser.send(
                "POST", "/history/import",
                headers: [("Content-Type", "multipart/form-data; boundary=\(Self.boundary)"), ("Origin", "https://evil.example")],
                body: Self.multipart([("csrf_token", nil, csrf), ("file", "a.json", forged)]))
            #expect(foreign.status == 403)
            let temporary = try #require(HistoryUpload.spoolFolder)
            let left = (try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) ?? []
            #expect(
                !left.contains { name in
                    (try? String(contentsOf: temporary.appendingPathComponent(name), encoding: .utf8))?.contains(mark) == true
                })
            #expect((try await browser.get("/api/history/imports").json["imports"] as? [Any])?.isEmpty == true)

            let notForm = try await browser.send("POST", "/history/import", headers: [("Content-Type", "application/json")], body: text)
            #expect(notForm.status == 400)
            #expect(try await Self.upload(browser, csrf: csrf, files: []).status == 400)

            // A second upload while the first is still being imported waits its turn.
            let (large, _) = try Self.export(emulator, days: 120)
            #expect(try await Self.upload(browser, csrf: csrf, files: [("large.json", large)]).status == 303)
            let second = try await Self.upload(browser, csrf: csrf, files: [("a.json", text)])
            #expect(second.status == 503)
            #expect(second.header("Retry-After") != nil)
            #expect(try await Self.finishedImport(browser)["state"] as? String == "done")
        }
        var small = AppHarness.Options()
        small.emulator = emulator
        small.historyUploadMaxBytes = 1 << 20
        try await AppHarness.run(small) { app in
            let browser = app.browser()
            try await app.signIn(browser)
            let csrf = try #require(try await browser.csrfToken())
            let (text, _) = try Self.export(emulator, days: 60)
            #expect(text.utf8.count > 1 << 20)
            let tooLarge = try await Self.upload(browser, csrf: csrf, files: [("big.json", text)])
            #expect(tooLarge.status == 413)
            #expect(tooLarge.body.contains("up to 1 MiB"))
            #expect((try await browser.get("/api/history/imports").json["imports"] as? [Any])?.isEmpty == true)
        }
    }

    @Test(
        "Start recording asks Spotify once more for every scope granted plus user-read-recently-played; the person stays signed in, and recording starts"
    )
    func reconsentForRecording() async throws {
        let emulator = SpotifyEmulator(configuration: .init(seed: 7, simulatesListening: true))
        var options = AppHarness.Options()
        options.emulator = emulator
        try await AppHarness.run(options) { app in
            let browser = app.browser()
            try await app.signIn(browser)
            let maya = try await app.stableID("maya")
            let before = try #require(try await app.storedTokens("maya"))
            #expect(!before.scopes.contains(.userReadRecentlyPlayed))
            let page = try await browser.get("/history")
            #expect(page.body.contains("Spotify will ask you to let Encore read your recently played tracks"))
            // A link, not a form: the CSP lets forms lead only to this site, and consent is Spotify's page.
            #expect(
                page.body.contains(
                    #"<a class="button" href="/login?scope=user-read-recently-played&amp;next=/history%3Fdone%3Drecording-on">Start recording</a>"#))
            let csrf = try #require(try await browser.csrfToken())
            let start = try await browser.post("/history/recording", form: [("csrf_token", csrf), ("on", "1")])
            #expect(start.status == 303)
            let login = try await browser.get(try #require(start.location))
            #expect(login.status == 302)
            let authorize = try #require(login.location.flatMap(URLComponents.init(string:)))
            let scope = try #require(authorize.queryItems?.first { $0.name == "scope" }?.value)
            #expect(Scope.parseList(scope) == before.scopes.union([.userReadRecentlyPlayed]))
            let consent = try await http("GET", try #require(login.location))
            let callback = try await browser.get("/callback?" + (try #require(consent.locationQuery)))
            #expect(callback.status == 303)
            #expect(callback.location == "/history?done=recording-on")

            let after = try #require(try await app.storedTokens("maya"))
            #expect(after.scopes == before.scopes.union([.userReadRecentlyPlayed]))
            #expect(try await browser.get("/api/me").status == 200)
            let shown = try await browser.get("/history?done=recording-on")
            #expect(shown.body.contains("Recording is on."))
            #expect(shown.body.contains("Stop recording"))
            #expect(try await app.store.history.listener(userID: maya)?.recording == true)
            #expect(await app.recorder.runOnce() == 1)
            #expect(try await app.store.history.plays(userID: maya, limit: 100).count == 50)

            // Off again: the plays stay.
            let token = try #require(try await browser.csrfToken())
            #expect(try await browser.post("/history/recording", form: [("csrf_token", token), ("on", "0")]).status == 303)
            #expect(try await app.store.history.listener(userID: maya)?.recording == false)
            #expect(try await app.store.history.plays(userID: maya, limit: 100).count == 50)
            // A scope Spotify does not have is refused before anything is sent.
            #expect(try await browser.get("/login?scope=user-read-everything").status == 400)
        }
    }

    @Test("Delete my history removes every play, everywhere; the time zone can change; forms need their token")
    func deleteAndZone() async throws {
        let emulator = SpotifyEmulator(configuration: .init(seed: 7))
        let (text, plays) = try Self.export(emulator)
        @Sendable func exercise(_ a: AppHarness, _ b: AppHarness) async throws {
            let browser = a.browser()
            try await a.signIn(browser)
            let maya = try await a.stableID("maya")
            try await a.store.history.ensureListener(userID: maya, timeZone: "Europe/London", now: Date())
            let file = try HistoryImportTests.temporaryFile("Streaming_History_Audio_1.json", text)
            _ = try await StreamingHistoryImporter(store: a.store.history, userID: maya).importFiles([file.path])
            let other = b.browser()
            try await b.signIn(other)
            #expect(try await other.get("/api/history?period=all").json["ms_played"] as? Int == plays.reduce(0) { $0 + $1.msPlayed })

            let csrf = try #require(try await browser.csrfToken())
            #expect(try await browser.post("/history/time-zone", form: [("csrf_token", csrf), ("time_zone", "Not/AZone")]).status == 400)
            #expect(try await browser.post("/history/time-zone", form: [("csrf_token", "nope"), ("time_zone", "Asia/Tokyo")]).status == 403)
            #expect(try await browser.post("/history/time-zone", form: [("csrf_token", csrf), ("time_zone", "Asia/Tokyo")]).status == 303)
            #expect(try await other.get("/api/history?period=all").json["time_zone"] as? String == "Asia/Tokyo")

            #expect(try await browser.post("/history/forget", form: [("csrf_token", csrf)]).status == 400)
            #expect(try await browser.post("/history/forget", form: [("csrf_token", "nope"), ("confirm", "yes")]).status == 403)
            let forgot = try await browser.post("/history/forget", form: [("csrf_token", csrf), ("confirm", "yes")])
            #expect(forgot.status == 303)
            #expect(try await browser.get(try #require(forgot.location)).body.contains("Your history is deleted"))
            let elsewhere = try await other.get("/api/history?period=all")
            #expect(elsewhere.json["plays"] as? Int == 0)
            #expect(elsewhere.json["ms_played"] as? Int == 0)
            #expect(try await b.store.history.plays(userID: maya, limit: 10).isEmpty)
        }
        if ScratchPostgres.isAvailable {
            try await ScratchPostgres.with { url, _ in
                var options = AppHarness.Options()
                options.emulator = emulator
                options.database = .postgres(url: url)
                let shared = options
                try await AppHarness.run(shared) { a in try await AppHarness.run(shared) { b in try await exercise(a, b) } }
            }
        } else {
            var options = AppHarness.Options()
            options.emulator = emulator
            try await AppHarness.run(options) { a in try await exercise(a, a) }
        }
    }
}
