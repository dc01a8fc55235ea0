import Foundation
import Testing

/// `kill -9` at chosen points of a refresh that rotates the refresh token, with the real binary
/// on its default SQLite file.
///
/// Whatever the moment, after a restart the user is either still signed in, or told to sign in
/// again — never left with a stored grant Spotify no longer accepts while the app carries on as
/// if it were fine.
@Suite("Durability: kill -9 during a rotating refresh", .timeLimit(.minutes(5)))
struct DurabilityTests {
    enum Outcome: Equatable { case signedIn, signInAgain, other(Int) }

    @Test("killed before, during and after a rotating refresh: still signed in, or told to sign in again")
    func killDuringRefresh() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("encore-durability-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        // Tokens live 60 s, inside the app's refresh leeway: every API call refreshes, and every
        // refresh rotates the refresh token and revokes the old one.
        let emulatorProcess = try EncoreProcess.start(
            [
                "emulator", "--port", "0", "--client-id", "durable-client", "--client-secret", "durable-secret",
                "--redirect-uri", "http://127.0.0.1/callback", "--auto-approve", "maya", "--token-ttl", "60", "--rotate-refresh-tokens",
            ], in: directory)
        defer { emulatorProcess.signal(SIGKILL) }
        let emulator = try #require(await emulatorProcess.url(after: "Spotify emulator running on"))

        let environment = [
            "SPOTIFY_CLIENT_ID": "durable-client", "SPOTIFY_CLIENT_SECRET": "durable-secret",
            "SPOTIFY_REDIRECT_URI": "http://127.0.0.1:9000/callback",
            "SPOTIFY_ACCOUNTS_URL": emulator, "SPOTIFY_API_URL": emulator + "/v1",
            "ENCORE_SECRET_KEY": randomSecretKey(), "ENCORE_CACHE_TTL": "0",
        ]
        var app = try EncoreProcess.start(
            ["serve", "--no-browser", "--port", "0", "--env-file", "none.env"], in: directory, environment: environment)
        defer { app.signal(SIGKILL) }
        var base = try #require(await app.url(after: "Encore is running at"))

        func restart() async throws {
            app.signal(SIGKILL)
            #expect(await app.waitForExit() == 128 + SIGKILL)
            app = try EncoreProcess.start(
                ["serve", "--no-browser", "--port", "0", "--env-file", "none.env"], in: directory, environment: environment)
            base = try #require(await app.url(after: "Encore is running at"))
        }
        func counter(_ group: String, _ name: String) async throws -> Int {
            let body = try await http("GET", emulator + "/_emulator/counters").body
            let json = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
            return (json?[group] as? [String: Int])?[name] ?? 0
        }
        func fault(_ json: String) async throws {
            let answer = try await http("POST", emulator + "/_emulator/faults", headers: [("Content-Type", "application/json")], body: json)
            #expect(answer.status == 201)
        }
        /// Waits (by asking, never by sleeping) until the emulator's counter moves past `value`.
        func waitUntil(_ group: String, _ name: String, exceeds value: Int) async throws {
            var asked = 0
            while try await counter(group, name) <= value, asked < 5_000 { asked += 1 }
            #expect(asked < 5_000, "\(group).\(name) never passed \(value)")
        }
        /// What the user sees after the restart; a user told to sign in again is not refreshed again.
        func outcome(_ cookie: String) async throws -> Outcome {
            let answer = try await http("GET", base + "/api/me", headers: [("Cookie", cookie)])
            if answer.status == 200 { return .signedIn }
            guard answer.status == 401, answer.body.contains("reauthorization_required") else { return .other(answer.status) }
            let refreshes = try await counter("refreshes_by_user", "maya")
            #expect(try await http("GET", base + "/api/me", headers: [("Cookie", cookie)]).status == 401)
            #expect(try await counter("refreshes_by_user", "maya") == refreshes, "the app tried a grant it knew was gone")
            return .signInAgain
        }

        var cookie = try await signIn(at: base)
        #expect(try await outcome(cookie) == .signedIn)

        // 1. The refresh request is on its way and Spotify has not acted on it yet.
        let injected = try await counter("faults_injected", "status")
        try await fault(#"{"kind":"status","status":503,"path_prefix":"/api/token","latency_ms":20000,"count":1}"#)
        let pending = Task { [base, cookie] in try? await http("GET", base + "/api/me", headers: [("Cookie", cookie)]) }
        try await waitUntil("faults_injected", "status", exceeds: injected)
        try await restart()
        // Requests to the dead process would wait out the HTTP client's connect timeout.
        pending.cancel()
        _ = await pending.value
        #expect(try await outcome(cookie) == .signedIn)

        // 2. Spotify rotated the token; its answer has not reached the app.
        let refreshed = try await counter("refreshes_by_user", "maya")
        try await fault(#"{"kind":"delayed_answer","path_prefix":"/api/token","latency_ms":20000,"count":1}"#)
        let unanswered = Task { [base, cookie] in try? await http("GET", base + "/api/me", headers: [("Cookie", cookie)]) }
        try await waitUntil("refreshes_by_user", "maya", exceeds: refreshed)
        try await restart()
        unanswered.cancel()
        _ = await unanswered.value
        #expect(try await outcome(cookie) == .signInAgain)
        cookie = try await signIn(at: base)

        // 3. The refreshed grant was stored and the page answered; then the process died.
        #expect(try await http("GET", base + "/api/me", headers: [("Cookie", cookie)]).status == 200)
        try await restart()
        #expect(try await outcome(cookie) == .signedIn)

        // 4. Unchosen moments: ten concurrent requests on an expired token, killed after a varying
        //    number of round trips to the emulator.
        var outcomes: [Outcome] = []
        for round in 0..<8 {
            let burst = Task { [base, cookie] in
                await withTaskGroup(of: Void.self) { group in
                    for _ in 0..<10 { group.addTask { _ = try? await http("GET", base + "/api/me", headers: [("Cookie", cookie)]) } }
                }
            }
            for _ in 0..<(round * 3) { _ = try await counter("refreshes_by_user", "maya") }
            try await restart()
            burst.cancel()
            await burst.value
            let seen = try await outcome(cookie)
            outcomes.append(seen)
            #expect(seen == .signedIn || seen == .signInAgain, "round \(round): \(seen)")
            if seen == .signInAgain { cookie = try await signIn(at: base) }
        }
        #expect(try await outcome(cookie) == .signedIn)
        print(
            "kill -9 rounds: \(outcomes.filter { $0 == .signedIn }.count) still signed in, \(outcomes.filter { $0 == .signInAgain }.count) asked to sign in again"
        )
    }
}
