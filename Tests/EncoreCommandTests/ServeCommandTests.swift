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
        let agreed = try await http("POST", emulator + "/authorize/consent", headers: [("Content-Type", "application/x-www-form-urlencoded")], body: form(fields))
        let callback = try #require(agreed.location)
        #expect(callback.hasPrefix(base + "/callback?"))
        let signedIn = try await http("GET", callback, headers: [("Cookie", cookie)])
        #expect(signedIn.status == 303)
        cookie = try #require(signedIn.cookie)
        let top = try await http("GET", base + "/top/tracks", headers: [("Cookie", cookie)])
        #expect(top.status == 200)
        #expect(top.body.components(separatedBy: "<tr>").count - 2 == 20)

        let mode = { (path: String) in (try? FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(path).path)[.posixPermissions] as? Int) ?? -1 }
        #expect(mode(".encore/secret.key") == 0o600)
        #expect(mode(".encore/encore.sqlite") == 0o600)

        // A slow request is in flight when SIGTERM arrives; it still completes.
        _ = try await http("POST", emulator + "/_emulator/faults", headers: [("Content-Type", "application/json")],
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
        try "SPOTIFY_CLIENT_ID=abc\nexport SPOTIFY_REDIRECT_URI=\"http://localhost:9000/callback\"\n".write(to: directory.appendingPathComponent(".env"), atomically: true, encoding: .utf8)
        let server = try EncoreProcess.start(["serve", "--no-browser"], in: directory)
        defer { server.terminate() }
        let status = await server.waitForExit()
        #expect(status != 0)
        #expect(server.output.contains("http://127.0.0.1:9000/callback"))
        #expect(server.output.contains("SPOTIFY_REDIRECT_URI"))
    }
}

/// The `encore` executable, started in a folder with a clean environment.
final class EncoreProcess: Sendable {
    private let process: Process
    private let text = Mutex("")
    private let exit = Mutex<Int32?>(nil)
    private let outputClosed = Mutex(false)
    private let input = Mutex<FileHandle?>(nil)
    /// Ticks whenever output arrives or the process ends.
    private let changes: AsyncStream<Void>
    private let changed: AsyncStream<Void>.Continuation

    static var binary: URL {
        // The test bundle sits beside the products of the same build.
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("encore")
    }

    private init(process: Process) {
        self.process = process
        (changes, changed) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    static func start(_ arguments: [String], in directory: URL, environment extra: [String: String] = [:], stdin: Bool = false) throws -> EncoreProcess {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SPOTIFY_") && !$0.key.hasPrefix("ENCORE_") }
        environment["ENCORE_LOG_LEVEL"] = "warning"
        environment.merge(extra) { _, new in new }
        process.environment = environment
        let pipe = Pipe.closedOnExec()
        process.standardOutput = pipe
        process.standardError = pipe
        let handle = EncoreProcess(process: process)
        if stdin {
            let input = Pipe.closedOnExec()
            process.standardInput = input
            handle.input.withLock { $0 = input.fileHandleForWriting }
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        pipe.fileHandleForReading.readabilityHandler = { file in
            let data = file.availableData
            guard !data.isEmpty else {
                handle.outputClosed.withLock { $0 = true }
                file.readabilityHandler = nil
                handle.changed.yield()
                return
            }
            handle.text.withLock { $0 += String(decoding: data, as: UTF8.self) }
            handle.changed.yield()
        }
        process.terminationHandler = { finished in
            handle.exit.withLock { $0 = finished.terminationStatus }
            handle.changed.yield()
        }
        try process.run()
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
            if exit.withLock({ $0 }) != nil, outputClosed.withLock({ $0 }) { return nil }
        } while await nextChange()
        return nil
    }

    /// Waits for the process to end and its output to close.
    func waitForExit() async -> Int32? {
        repeat {
            if let status = exit.withLock({ $0 }), outputClosed.withLock({ $0 }) { return status }
        } while await nextChange()
        return nil
    }

    private func nextChange() async -> Bool {
        var iterator = changes.makeAsyncIterator()
        return await iterator.next() != nil
    }

    func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Types text on the process's standard input.
    func send(_ text: String) {
        input.withLock { $0?.write(Data(text.utf8)) }
    }

    /// The URL in the first line that says where something is running.
    func url(after marker: String) async -> String? {
        guard let line = await waitForLine(containing: marker),
              let range = line.range(of: #"http://127\.0\.0\.1:\d+"#, options: .regularExpression)
        else { return nil }
        return String(line[range])
    }

    func terminate() {
        if process.isRunning { process.terminate() }
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
