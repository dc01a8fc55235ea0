import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization
import Testing

/// Runs the real `encore` binary, as a person would on a fresh clone.
@Suite("encore serve", .timeLimit(.minutes(3)))
struct ServeCommandTests {
    @Test("with no configuration it runs demo mode end to end, and SIGTERM finishes in-flight requests")
    func demoMode() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("encore-demo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let server = try EncoreProcess.start(["serve", "--no-browser", "--port", "0", "--env-file", "missing.env"], in: directory)
        defer { server.terminate() }
        let base = try #require(await server.waitForLine(containing: "Encore is running at")?.components(separatedBy: " at ").last)
        let emulatorLine = try #require(await server.waitForLine(containing: "Sign in as any of"))
        let emulator = try #require(emulatorLine.range(of: #"http://127\.0\.0\.1:\d+"#, options: .regularExpression).map { String(emulatorLine[$0]) })

        let home = try await http("GET", base + "/")
        #expect(home.status == 200)
        #expect(home.body.contains("Log in with Spotify"))

        // Sign in through the emulator's consent page, as a person clicking Agree.
        var cookie = ""
        let login = try await http("GET", base + "/login")
        cookie = try #require(login.cookie)
        let authorize = try #require(login.location)
        let consentPage = try await http("GET", authorize)
        #expect(consentPage.status == 200)
        #expect(consentPage.body.contains("Encore (demo)"))
        var fields = (URLComponents(string: authorize)?.queryItems ?? []).map { ($0.name, $0.value ?? "") }
        fields += [("user", "maya"), ("decision", "agree")]
        let agreed = try await http(
            "POST", emulator + "/authorize/consent", headers: [("Content-Type", "application/x-www-form-urlencoded")], body: form(fields))
        let callback = try #require(agreed.location)
        #expect(callback.hasPrefix(base + "/callback?"))
        let signedIn = try await http("GET", callback, headers: [("Cookie", cookie)])
        #expect(signedIn.status == 303)
        cookie = try #require(signedIn.cookie)
        let top = try await http("GET", base + "/top/tracks", headers: [("Cookie", cookie)])
        #expect(top.status == 200)
        #expect(top.body.components(separatedBy: "<tr>").count - 2 == 20)

        let mode = { (path: String) in
            (try? FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(path).path)[.posixPermissions] as? Int) ?? -1
        }
        #expect(mode(".encore/secret.key") == 0o600)
        #expect(mode(".encore/encore.sqlite") == 0o600)

        // A slow request is in flight when SIGTERM arrives; it still completes.
        _ = try await http(
            "POST", emulator + "/_emulator/faults", headers: [("Content-Type", "application/json")],
            body: #"{"kind":"latency","path_prefix":"/v1/me/top","latency_ms":1500,"count":1}"#)
        let slow = Task { try await http("GET", base + "/api/top/tracks?time_range=long_term", headers: [("Cookie", cookie)]) }
        while !(try await http("GET", emulator + "/_emulator/counters").body.contains("\"latency\" : 1")) {
            await Task.yield()
        }
        server.signal(SIGTERM)
        let answer = try await slow.value
        #expect(answer.status == 200)
        #expect(answer.body.contains("\"items\""))
        #expect(await server.waitForExit() == 0)
    }

    @Test("a localhost redirect URI stops startup with the URI to use")
    func refusesLocalhost() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("encore-bad-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try "SPOTIFY_CLIENT_ID=abc\nexport SPOTIFY_REDIRECT_URI=\"http://localhost:9000/callback\"\n".write(
            to: directory.appendingPathComponent(".env"), atomically: true, encoding: .utf8)
        let server = try EncoreProcess.start(["serve", "--no-browser"], in: directory)
        defer { server.terminate() }
        let status = await server.waitForExit()
        #expect(status != 0)
        #expect(server.output.contains("http://127.0.0.1:9000/callback"))
        #expect(server.output.contains("SPOTIFY_REDIRECT_URI"))
    }
}

/// The `encore` executable, started in a folder with a clean environment.
///
/// Spawned with posix_spawn and watched by a thread of its own that reads the output to its end
/// and then reaps the process: Foundation's `Process` lost output and exit events on Linux
/// when several tests started processes at once.
final class EncoreProcess: Sendable {
    private let pid: pid_t
    private let text = Mutex("")
    private let exit = Mutex<Int32?>(nil)
    private let inputDescriptor: Int32?
    /// Ticks whenever output arrives or the process ends.
    private let changes: AsyncStream<Void>
    private let changed: AsyncStream<Void>.Continuation

    static var binary: URL {
        // The test bundle sits beside the products of the same build.
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("encore")
    }

    private init(pid: pid_t, inputDescriptor: Int32?) {
        self.pid = pid
        self.inputDescriptor = inputDescriptor
        (changes, changed) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    static func start(
        _ arguments: [String], in directory: URL, environment extra: [String: String] = [:], stdin: Bool = false
    ) throws -> EncoreProcess {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SPOTIFY_") && !$0.key.hasPrefix("ENCORE_") }
        environment["ENCORE_LOG_LEVEL"] = "warning"
        environment.merge(extra) { _, new in new }

        var output: [Int32] = [0, 0]
        var input: [Int32] = [0, 0]
        guard pipe(&output) == 0, !stdin || pipe(&input) == 0 else { throw HarnessFailure("no pipe") }
        // Close-on-exec, so processes that other tests start do not inherit these pipes.
        for descriptor in output + (stdin ? input : []) { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        posix_spawn_file_actions_adddup2(&actions, output[1], 2)
        if stdin {
            posix_spawn_file_actions_adddup2(&actions, input[0], 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        // The shell changes to the folder and replaces itself with encore.
        let script = #"cd "$1" || exit 127; shift; exec "$@""#
        let argv = (["sh", "-c", script, "sh", directory.path, binary.path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, nil, argv, envp)
        close(output[1])
        if stdin { close(input[0]) }
        guard spawned == 0 else {
            close(output[0])
            if stdin { close(input[1]) }
            throw HarnessFailure("cannot start encore: \(spawned)")
        }
        let handle = EncoreProcess(pid: pid, inputDescriptor: stdin ? input[1] : nil)
        let readEnd = output[0]
        let childPID = pid
        let watcher = Thread {
            var buffer = [UInt8](repeating: 0, count: 16 * 1024)
            while true {
                let count = read(readEnd, &buffer, buffer.count)
                if count > 0 {
                    let chunk = String(decoding: buffer[0..<count], as: UTF8.self)
                    handle.text.withLock { $0 += chunk }
                    handle.changed.yield()
                } else if count == 0 || errno != EINTR {
                    break
                }
            }
            close(readEnd)
            var status: Int32 = 0
            while waitpid(childPID, &status, 0) == -1 && errno == EINTR {}
            // Exit code, or 128 + signal, as a shell reports it.
            let code = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
            handle.exit.withLock { $0 = code }
            handle.changed.yield()
        }
        watcher.start()
        return handle
    }

    var output: String { text.withLock { $0 } }
    private var completeLines: [String] {
        text.withLock { text in
            // Only lines that have ended: a chunk boundary may split the last one.
            Array(text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init))
        }
    }

    /// Waits for a line of output containing `text`; `nil` when the process ends first.
    func waitForLine(containing text: String) async -> String? {
        repeat {
            if let line = completeLines.first(where: { $0.contains(text) }) { return line }
            if exit.withLock({ $0 }) != nil { return nil }
        } while await nextChange()
        return nil
    }

    /// Waits for the process to end (its output is complete by then).
    func waitForExit() async -> Int32? {
        repeat {
            if let status = exit.withLock({ $0 }) { return status }
        } while await nextChange()
        return nil
    }

    private func nextChange() async -> Bool {
        var iterator = changes.makeAsyncIterator()
        return await iterator.next() != nil
    }

    func signal(_ signal: Int32) { kill(pid, signal) }

    /// Types text on the process's standard input.
    func send(_ text: String) {
        guard let inputDescriptor else { return }
        _ = text.utf8CString.withUnsafeBufferPointer { write(inputDescriptor, $0.baseAddress, $0.count - 1) }
    }

    /// The URL in the first line that says where something is running.
    func url(after marker: String) async -> String? {
        guard let line = await waitForLine(containing: marker),
            let range = line.range(of: #"http://127\.0\.0\.1:\d+"#, options: .regularExpression)
        else { return nil }
        return String(line[range])
    }

    func terminate() {
        if exit.withLock({ $0 }) == nil { kill(pid, SIGTERM) }
    }

    deinit {
        if let inputDescriptor { close(inputDescriptor) }
    }
}

let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: .init(redirectConfiguration: .disallow))

struct Answer {
    var status: Int
    var headers: [(String, String)]
    var body: String
    var location: String? { header("location") }
    func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name }?.1 }
    /// The `name=value` part of the session cookie set by this answer.
    var cookie: String? {
        headers.first { $0.0.lowercased() == "set-cookie" && $0.1.hasPrefix("encore_session=") }.map { String($0.1.split(separator: ";")[0]) }
    }
}

func http(_ method: String, _ url: String, headers: [(String, String)] = [], body: String? = nil) async throws -> Answer {
    var request = HTTPClientRequest(url: url)
    request.method = .init(rawValue: method)
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    if let body { request.body = .bytes(ByteBuffer(string: body)) }
    let response = try await client.execute(request, timeout: .seconds(30))
    let bytes = try await response.body.collect(upTo: 16 * 1024 * 1024)
    return Answer(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: String(buffer: bytes))
}

/// A fresh `ENCORE_SECRET_KEY`: 32 random bytes, base64.
func randomSecretKey() -> String {
    var key = [UInt8](repeating: 0, count: 32)
    for index in key.indices { key[index] = .random(in: .min ... .max) }
    return Data(key).base64EncodedString()
}

/// Signs in through the app at `base` as whoever the emulator approves; the session cookie.
func signIn(at base: String) async throws -> String {
    let login = try await http("GET", base + "/login")
    let consent = try await http("GET", try #require(login.location))
    let query = try #require(consent.location.flatMap { URLComponents(string: $0)?.percentEncodedQuery })
    let callback = try await http("GET", base + "/callback?" + query, headers: [("Cookie", try #require(login.cookie))])
    #expect(callback.status == 303)
    return try #require(callback.cookie)
}

func form(_ fields: [(String, String)]) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
}

extension Pipe {
    /// A pipe whose descriptors other spawned processes do not inherit.
    ///
    /// Tests start several processes at once; a child that inherited another child's pipe
    /// would keep it open, and its reader would never see the end of the output.
    static func closedOnExec() -> Pipe {
        let pipe = Pipe()
        _ = fcntl(pipe.fileHandleForReading.fileDescriptor, F_SETFD, FD_CLOEXEC)
        _ = fcntl(pipe.fileHandleForWriting.fileDescriptor, F_SETFD, FD_CLOEXEC)
        return pipe
    }
}
