import Foundation
import Testing

/// Several Encore processes on one PostgreSQL, as an operator runs them behind a load balancer.
@Suite("Scale-out on PostgreSQL", .timeLimit(.minutes(5)), .enabled(if: PrivatePostgres.isAvailable))
struct ScaleOutTests {
    @Test("two instances share sessions, refresh a user once between them, survive kill -9 and a database outage")
    func twoInstances() async throws {
        try await PrivatePostgres.withCluster(exercise)
    }

    private func exercise(_ postgres: PrivatePostgres) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("encore-scale-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)

        // One emulator whose first tokens are already inside the app's 60 s refresh leeway.
        let emulatorProcess = try EncoreProcess.start(
            [
                "emulator", "--port", "0", "--client-id", "scale-client", "--client-secret", "scale-secret",
                "--redirect-uri", "http://127.0.0.1/callback", "--auto-approve", "maya", "--token-ttl", "60",
            ], in: directory)
        defer { emulatorProcess.terminate() }
        let emulator = try #require(await emulatorProcess.url(after: "Spotify emulator running on"))

        let environment = [
            "SPOTIFY_CLIENT_ID": "scale-client", "SPOTIFY_CLIENT_SECRET": "scale-secret",
            "SPOTIFY_REDIRECT_URI": "http://127.0.0.1:9000/callback",
            "SPOTIFY_ACCOUNTS_URL": emulator, "SPOTIFY_API_URL": emulator + "/v1",
            "ENCORE_DATABASE_URL": postgres.url, "ENCORE_SECRET_KEY": randomSecretKey(),
            "ENCORE_CACHE_TTL": "0", "ENCORE_DATABASE_POOL_SIZE": "6",
            // One user's requests in bulk, with the cache off, are the load here (260 calls in a
            // few seconds): the per-user budget would rightly refuse them. It has tests of its own.
            "ENCORE_USER_RATE_LIMIT": "0",
        ]
        func startInstance() throws -> EncoreProcess {
            try EncoreProcess.start(["serve", "--no-browser", "--port", "0", "--env-file", "none.env"], in: directory, environment: environment)
        }
        // Both start at once on an empty database: the migration lock makes them take turns.
        var a = try startInstance()
        let b = try startInstance()
        defer {
            a.terminate()
            b.terminate()
        }
        var baseA = try #require(await a.url(after: "Encore is running at"))
        let baseB = try #require(await b.url(after: "Encore is running at"))

        // Sign in through A ...
        let cookie = try await signIn(at: baseA)

        // ... then 200 requests with the expired token, spread over A and B: one refresh in all.
        _ = try await http("PUT", emulator + "/_emulator/settings", headers: [("Content-Type", "application/json")], body: #"{"token_ttl":3600}"#)
        _ = try await http("DELETE", emulator + "/_emulator/counters")
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<200 {
                let base = index.isMultiple(of: 2) ? baseA : baseB
                let path = index.isMultiple(of: 3) ? "/api/me" : "/api/top/tracks"
                group.addTask { try await http("GET", base + path, headers: [("Cookie", cookie)]).status }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.filter { $0 == 200 }.count == 200)
        let counters = try await http("GET", emulator + "/_emulator/counters").body
        #expect(counters.contains(#""refresh_token" : 1"#))

        // kill -9 A under load: B keeps serving.
        let victim = a
        let killed = Task {
            var answers: [Int] = []
            for index in 0..<60 {
                if index == 10 { victim.signal(SIGKILL) }
                answers.append(try await http("GET", baseB + "/api/me", headers: [("Cookie", cookie)]).status)
            }
            return answers
        }
        #expect(try await killed.value.allSatisfy { $0 == 200 })
        #expect(await victim.waitForExit() != 0)

        // Restart A: the session is intact.
        a = try startInstance()
        baseA = try #require(await a.url(after: "Encore is running at"))
        let again = try await http("GET", baseA + "/api/me", headers: [("Cookie", cookie)])
        #expect(again.status == 200)
        #expect(again.body.contains("\"maya\""))

        // The database goes away: quick 503s and an unhealthy /healthz; it comes back: so does Encore.
        try await postgres.stop()
        let health = try await http("GET", baseB + "/healthz")
        #expect(health.status == 503)
        let during = try await http("GET", baseB + "/api/me", headers: [("Cookie", cookie)])
        #expect(during.status == 503)
        #expect(during.header("retry-after") != nil)
        try await postgres.startAgain()
        var recovered = false
        for _ in 0..<400 where !recovered {
            recovered = try await http("GET", baseB + "/healthz").status == 200
            if !recovered { try await PrivatePostgres.pause() }
        }
        #expect(recovered)
        #expect(try await http("GET", baseB + "/api/me", headers: [("Cookie", cookie)]).status == 200)
    }
}

/// A PostgreSQL cluster of the test's own, so it can be stopped without disturbing other tests.
struct PrivatePostgres: Sendable {
    let bin: String
    let data: String
    let port: Int
    var url: String { "postgres://postgres@127.0.0.1:\(port)/encore?sslmode=disable" }

    /// scripts/test says where PostgreSQL lives; without it the suite does not run, unless the
    /// run requires PostgreSQL, in which case the suite runs and fails.
    static var isAvailable: Bool {
        let environment = ProcessInfo.processInfo.environment
        return environment["ENCORE_TEST_PG_CTL"] != nil || environment["ENCORE_TEST_REQUIRE_POSTGRES"] == "1"
    }

    /// Runs `body` with a cluster of its own, removed afterwards whatever `body` did.
    static func withCluster(_ body: (PrivatePostgres) async throws -> Void) async throws {
        let postgres = try await start()
        do {
            try await body(postgres)
            await postgres.destroy()
        } catch {
            await postgres.destroy()
            throw error
        }
    }

    static func start() async throws -> PrivatePostgres {
        guard let pgCtl = ProcessInfo.processInfo.environment["ENCORE_TEST_PG_CTL"] else {
            throw PostgresError("ENCORE_TEST_PG_CTL is not set; run the tests through scripts/test")
        }
        let bin = (pgCtl as NSString).deletingLastPathComponent
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("encore-pg-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let postgres = PrivatePostgres(bin: bin, data: data, port: try freeLoopbackPort())
        if getuid() == 0 { try await run("/bin/chown", ["postgres:postgres", data]) }
        try await postgres.asPostgres("\(bin)/initdb", ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8"])
        try await postgres.startServer()
        try await postgres.asPostgres("\(bin)/createdb", ["-h", "127.0.0.1", "-p", String(postgres.port), "-U", "postgres", "encore"])
        return postgres
    }

    func stop() async throws {
        try await asPostgres("\(bin)/pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"])
    }

    func startAgain() async throws {
        try await startServer()
    }

    func destroy() async {
        try? await asPostgres("\(bin)/pg_ctl", ["-D", data, "-m", "immediate", "stop"])
        try? FileManager.default.removeItem(atPath: data)
    }

    private func startServer() async throws {
        try await asPostgres(
            "\(bin)/pg_ctl",
            [
                "-D", data, "-l", data + "/server.log", "-w",
                "-o", "-p \(port) -k \(data) -c listen_addresses=127.0.0.1 -c fsync=off", "start",
            ])
    }

    /// Yields between polls of a service that is coming back.
    static func pause() async throws {
        try await Task.sleep(for: .milliseconds(25))
    }

    private func asPostgres(_ tool: String, _ arguments: [String]) async throws {
        if getuid() == 0 {
            try await Self.run("/usr/sbin/runuser", ["-u", "postgres", "--", tool] + arguments)
        } else {
            try await Self.run(tool, arguments)
        }
    }

    /// Runs a tool to completion.
    ///
    /// Not `Process`: `pg_ctl start` leaves a daemon that inherits Foundation's child-watching
    /// descriptor, so `Process` never learns that pg_ctl ended. A plain spawn and `waitpid` on a
    /// thread of its own does.
    private static func run(_ tool: String, _ arguments: [String]) async throws {
        let status = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int32, any Error>) in
            let thread = Thread {
                var actions = posix_spawn_file_actions_t()
                posix_spawn_file_actions_init(&actions)
                posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
                posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
                defer { posix_spawn_file_actions_destroy(&actions) }
                let argv = ([tool] + arguments).map { strdup($0) } + [nil]
                defer { argv.forEach { free($0) } }
                var pid = pid_t()
                let spawned = posix_spawn(&pid, tool, &actions, nil, argv, environ)
                guard spawned == 0 else {
                    continuation.resume(throwing: PostgresError("cannot start \(tool): \(spawned)"))
                    return
                }
                var status: Int32 = 0
                while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
                continuation.resume(returning: status)
            }
            thread.start()
        }
        guard status == 0 else {
            throw PostgresError("\((tool as NSString).lastPathComponent) \(arguments.first ?? "") exited with \(status)")
        }
    }
}

struct PostgresError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
