import AsyncHTTPClient
import Crypto
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOFoundationCompat
import NIOPosix
import SQLKit
import ServiceLifecycle
import SpotifyWebAPI
import SpotifyWebAPITesting
import Synchronization
import Testing

@testable import EncoreServer
@testable import SpotifyEmulator

/// An HTTP client that does not follow redirects, so tests see each hop as a browser would.
///
/// Its pooled connections go idle well before the server's shortest idle timeout (1 s in
/// BoundsTests, 30 s by default): a connection the server closes at the moment the client reuses
/// it is a reset no browser would report (CI saw one after a slow property check).
let testHTTP = HTTPClient(
    eventLoopGroup: HTTPClient.defaultEventLoopGroup,
    configuration: .init(redirectConfiguration: .disallow, connectionPool: .init(idleTimeout: .milliseconds(500))))

struct HTTPResult: Sendable {
    var status: Int
    var headers: [(String, String)]
    var body: String

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    var location: String? { header("location") }
    var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]) ?? [:] }

    /// The query of the `Location` header.
    var locationQuery: String? { location.flatMap { URLComponents(string: $0)?.percentEncodedQuery } }
    func locationParameter(_ name: String) -> String? {
        location.flatMap { URLComponents(string: $0)?.queryItems?.first { $0.name == name }?.value }
    }
}

func http(_ method: String = "GET", _ url: String, headers: [(String, String)] = [], body: String? = nil) async throws -> HTTPResult {
    try await http(method, url, headers: headers, bytes: body.map { Array($0.utf8) })
}

func http(_ method: String = "GET", _ url: String, headers: [(String, String)] = [], bytes: [UInt8]?) async throws -> HTTPResult {
    var request = HTTPClientRequest(url: url)
    request.method = .init(rawValue: method)
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    if let bytes { request.body = .bytes(ByteBuffer(bytes: bytes)) }
    let response = try await testHTTP.execute(request, timeout: .seconds(30))
    let bytes = try await response.body.collect(upTo: 16 * 1024 * 1024)
    return HTTPResult(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: String(buffer: bytes))
}

func formBody(_ fields: [(String, String)]) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
}

/// A browser: one cookie jar, no redirects followed unless asked.
final class Browser: Sendable {
    let base: String
    private let cookies = Mutex<[String: String]>([:])
    private let transcript: Transcript?

    init(base: String, transcript: Transcript? = nil) {
        self.base = base
        self.transcript = transcript
    }

    var sessionCookie: String? { cookies.withLock { $0["encore_session"] } }

    func setSessionCookie(_ value: String?) {
        cookies.withLock { $0["encore_session"] = value }
    }

    func get(_ path: String, headers: [(String, String)] = []) async throws -> HTTPResult {
        try await send("GET", path, headers: headers)
    }

    func post(_ path: String, form: [(String, String)], headers: [(String, String)] = []) async throws -> HTTPResult {
        try await send("POST", path, headers: headers + [("Content-Type", "application/x-www-form-urlencoded")], body: formBody(form))
    }

    func send(_ method: String, _ path: String, headers: [(String, String)] = [], body: String? = nil) async throws -> HTTPResult {
        try await send(method, path, headers: headers, bytes: body.map { Array($0.utf8) })
    }

    func send(_ method: String, _ path: String, headers: [(String, String)] = [], bytes: [UInt8]?) async throws -> HTTPResult {
        let jar = cookies.withLock { $0 }
        var all = headers
        if !jar.isEmpty { all.append(("Cookie", jar.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))) }
        let result = try await http(method, base + path, headers: all, bytes: bytes)
        for (name, value) in result.headers where name.lowercased() == "set-cookie" {
            let pair = value.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2 else { continue }
            let expired = value.lowercased().contains("max-age=0")
            cookies.withLock { $0[String(pair[0])] = expired ? nil : String(pair[1]) }
            if pair[0] == "encore_session", !expired { transcript?.noteSessionID(String(pair[1])) }
        }
        transcript?.record(result.body + "\n" + (result.location ?? ""))
        return result
    }

    /// The CSRF token of the current page's forms.
    func csrfToken() async throws -> String? {
        let home = try await get("/")
        guard let range = home.body.range(of: "name=\"csrf_token\" value=\"") else { return nil }
        return String(home.body[range.upperBound...].prefix { $0 != "\"" })
    }
}

/// Log lines kept in memory, to check no secret is ever written.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    func append(_ line: String) { lines.withLock { $0.append(line) } }

    func logger() -> Logger {
        var logger = Logger(label: "encore-tests") { label in CapturingHandler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    struct CapturingHandler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            var merged = metadata
            event.metadata?.forEach { merged[$0.key] = $0.value }
            capture.append("\(event.level) \(event.message) \(merged.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " "))")
        }
    }
}

/// The emulator and the Encore app running together on port 0, for one test.
struct AppHarness: Sendable {
    let emulator: SpotifyEmulator
    let emulatorOrigin: String
    let client: EmulatorClient
    let appBase: String
    let clock: VirtualClock
    let store: SQLEncoreStore
    let logs: LogCapture
    let metrics: AppMetrics
    let key: SymmetricKey
    let transcript: Transcript
    /// The port of the `ENCORE_METRICS_ADDRESS` server, once it listens.
    let metricsPorts: AsyncStream<Int>
    /// The app's history recorder; a test runs its polls with `runOnce()`.
    let recorder: HistoryRecorder
    /// The app's imports (a test awaits one with `ended(userID:)`) and its upkeep.
    let imports: HistoryImportJobs
    let maintenance: HistoryMaintenance

    static let clientSecret = "demo-secret-0123456789abcdef"

    struct Options: Sendable {
        var database: DatabaseLocation = .sqliteMemory
        var key = SymmetricKey(size: .bits256)
        var previousKeys: [SymmetricKey] = []
        var cacheTTL: Duration = .seconds(30)
        var pkceOnly = false
        var autoApprove: String? = "maya"
        var emulator: SpotifyEmulator?
        var clock = VirtualClock(start: Date())
        var spotifyTimeout: Duration = .seconds(5)
        var sessionCacheTTL: Duration = .zero
        var userRateLimit = AppConfiguration().userRateLimit
        var cacheMaxBytes = AppConfiguration().cacheMaxBytes
        var idleTimeout = AppConfiguration().idleTimeout
        var metricsAddress: (host: String, port: Int)?
        var sessionAbsoluteLifetime = AppConfiguration().sessionAbsoluteLifetime
        /// On (as it ships), but its loop looks for due polls once at start (when nobody is due)
        /// and then not for an hour: a test runs the polls it wants with `recorder.runOnce()`.
        var history = HistoryRecorderConfiguration(enabled: true, tick: .seconds(3_600))
        var historyUploadMaxBytes = AppConfiguration().historyUploadMaxBytes
        var historyImport = AppConfiguration().historyImport
        var scopes: [Scope]?
        var clientID = "encore-tests"
    }

    static func run<T: Sendable>(_ options: Options = Options(), _ body: @Sendable (AppHarness) async throws -> T) async throws -> T {
        let emulator = options.emulator ?? SpotifyEmulator(configuration: .init(seed: 7))
        emulator.setAutoApprove(user: options.autoApprove)
        let client = emulator.registerClient(
            clientID: options.clientID, clientSecret: clientSecret, name: "Encore Tests",
            redirectURIs: ["http://127.0.0.1/callback"]
        )
        let quiet = {
            var logger = Logger(label: "emulator")
            logger.logLevel = .critical
            return logger
        }()
        return try await emulator.withRunning(logger: quiet) { origin in
            let logs = LogCapture()
            let metrics = AppMetrics()
            var spotify = try SpotifyClientConfiguration(
                clientID: client.clientID,
                clientSecret: options.pkceOnly ? nil : ClientSecret(clientSecret),
                redirectURI: RedirectURI("http://127.0.0.1:9000/callback"),
                accountsBaseURL: origin,
                apiBaseURL: origin.appendingPathComponent("v1")
            )
            spotify.timeout = options.spotifyTimeout
            if let scopes = options.scopes { spotify.scopes = scopes }
            var configuration = AppConfiguration(
                spotify: spotify, host: "127.0.0.1", port: 0, database: options.database, secretKey: options.key,
                previousSecretKeys: options.previousKeys,
                logLevel: .trace, cacheTTL: options.cacheTTL, sessionCacheTTL: options.sessionCacheTTL, cacheMaxBytes: options.cacheMaxBytes,
                userRateLimit: options.userRateLimit, idleTimeout: options.idleTimeout, metricsAddress: options.metricsAddress,
                sessionAbsoluteLifetime: options.sessionAbsoluteLifetime
            )
            configuration.history = options.history
            configuration.historyUploadMaxBytes = options.historyUploadMaxBytes
            configuration.historyImport = options.historyImport
            let store = try await SQLEncoreStore.open(
                options.database, parts: [HistoryStore.self], sessionCacheTTL: options.sessionCacheTTL, clock: options.clock, logger: logs.logger()
            )
            let (ports, continuation) = AsyncStream<Int>.makeStream()
            let (metricsPortStream, metricsPorts) = AsyncStream<Int>.makeStream(bufferingPolicy: .bufferingNewest(1))
            let app: any ApplicationProtocol
            let built = Mutex<HistoryRecorder?>(nil)
            let jobs = Mutex<(HistoryImportJobs, HistoryMaintenance)?>(nil)
            do {
                var dependencies = AppDependencies(
                    clock: options.clock, store: store, metrics: metrics, logger: logs.logger(),
                    onServerRunning: { _, port in
                        continuation.yield(port)
                        continuation.finish()
                    },
                    onMetricsServerRunning: { port in metricsPorts.yield(port) }
                )
                dependencies.onRecorderBuilt = { recorder in built.withLock { $0 = recorder } }
                dependencies.onHistoryJobsBuilt = { imports, maintenance in jobs.withLock { $0 = (imports, maintenance) } }
                app = try await buildApplication(configuration, dependencies: dependencies)
            } catch {
                await store.close()
                throw error
            }
            return try await withThrowingTaskGroup(of: T?.self) { group in
                let serviceGroup = ServiceGroup(configuration: .init(services: [app], logger: quiet))
                group.addTask {
                    try await serviceGroup.run()
                    return nil
                }
                guard let port = await ports.first(where: { _ in true }), let recorder = built.withLock({ $0 }),
                    let (imports, maintenance) = jobs.withLock({ $0 })
                else { throw CancellationError() }
                let harness = AppHarness(
                    emulator: emulator, emulatorOrigin: origin.absoluteString, client: client, appBase: "http://127.0.0.1:\(port)",
                    clock: options.clock, store: store, logs: logs, metrics: metrics, key: options.key, transcript: Transcript(),
                    metricsPorts: metricsPortStream, recorder: recorder, imports: imports, maintenance: maintenance
                )
                do {
                    let result = try await body(harness)
                    await serviceGroup.triggerGracefulShutdown()
                    try await group.waitForAll()
                    harness.expectNoSecretLeaked()
                    return result
                } catch {
                    await serviceGroup.triggerGracefulShutdown()
                    group.cancelAll()
                    throw error
                }
            }
        }
    }

    func browser() -> Browser { Browser(base: appBase, transcript: transcript) }

    /// Every test's logs, pages and API bodies are scanned for each token, code and verifier
    /// the emulator issued or received, the client secret, and (in logs) the session ids.
    func expectNoSecretLeaked(sourceLocation: SourceLocation = #_sourceLocation) {
        let secrets = Set(emulator.state.secretsSeen().filter { $0.utf8.count >= 16 } + [Self.clientSecret])
        let sessionIDs = transcript.sessionIDs
        for line in logs.all {
            for word in Transcript.words(in: line) where secrets.contains(word) || sessionIDs.contains(word) {
                Issue.record("a log line holds a secret: \(line.prefix(160))", sourceLocation: sourceLocation)
            }
        }
        for text in transcript.texts {
            for word in Transcript.words(in: text) where secrets.contains(word) {
                Issue.record("a page or API body holds a secret: …\(text.prefix(160))", sourceLocation: sourceLocation)
            }
        }
    }

    /// Starts a sign-in: `/login`, then Spotify's `/authorize`; returns the callback query.
    func startSignIn(_ browser: Browser, as user: String = "maya", next: String? = nil) async throws -> String {
        emulator.setAutoApprove(user: user)
        let login = try await browser.get("/login" + (next.map { "?next=" + $0 } ?? ""))
        guard login.status == 302, let authorize = login.location else { throw HarnessError("login answered \(login.status)") }
        let consent = try await http("GET", authorize)
        guard consent.status == 302, let query = consent.locationQuery else { throw HarnessError("authorize answered \(consent.status)") }
        return query
    }

    /// The whole sign-in; returns the callback's answer.
    @discardableResult
    func signIn(_ browser: Browser, as user: String = "maya", next: String? = nil) async throws -> HTTPResult {
        let query = try await startSignIn(browser, as: user, next: next)
        return try await browser.get("/callback?" + query)
    }

    /// The stable id (`account_id`, else `id`) Encore stores a seeded user under.
    func stableID(_ user: String) async throws -> String {
        guard let accountID = emulator.catalog.user(id: user)?.accountID else { throw HarnessError("no user \(user)") }
        return accountID
    }

    /// The user's stored token set, decrypted.
    func storedTokens(_ user: String) async throws -> UserTokens? {
        let userID = try await stableID(user)
        guard let record = try await store.grant(userID: userID) else { return nil }
        return try GrantVault(store: store, cipher: TokenCipher(key: key)).open(record)
    }

    /// How many rows one of Encore's tables holds.
    func rows(in table: String) async throws -> Int {
        try await store.engine.withDatabase(idempotent: true) { database in
            try await database.raw("SELECT count(*) AS n FROM \(unsafeRaw: table)").first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }

    func tokenGrants(_ type: String) -> Int { emulator.counters.tokenGrants[type] ?? 0 }
    func refreshes(_ user: String) -> Int { emulator.counters.refreshesByUser[user] ?? 0 }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A database of the test's own on the PostgreSQL server scripts/test provides, so a test can
/// break its schema or its connections without disturbing the others.
enum ScratchPostgres {
    static var serverURL: String? {
        ProcessInfo.processInfo.environment["ENCORE_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    static var isAvailable: Bool { serverURL != nil }

    /// Runs `body` with the scratch database's URL and a way to run SQL in it; drops it afterwards.
    static func with<T: Sendable>(
        _ body: @Sendable (_ url: String, _ sql: @escaping @Sendable (String) async throws -> Void) async throws -> T
    ) async throws -> T {
        guard let serverURL, var components = URLComponents(string: serverURL) else { throw HarnessError("ENCORE_TEST_POSTGRES_URL is not set") }
        let name = "encore_scratch_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        components.path = "/" + name
        guard let url = components.string else { throw HarnessError("cannot build the scratch database URL") }
        var logger = Logger(label: "scratch-postgres")
        logger.logLevel = .critical
        // Creating a database while many suites start at once can take longer than the app's 2 s
        // for a request's statement; the scratch tooling is not the request path.
        let server = try PostgresEngine(url: serverURL, poolSize: 1, logger: logger, leaseTimeout: .seconds(30))
        let serverPool = Task { await server.run() }
        defer { serverPool.cancel() }
        try await server.withDatabase { try await $0.raw("CREATE DATABASE \(unsafeRaw: name)").run() }
        let scratch = try PostgresEngine(url: url, poolSize: 1, logger: logger, leaseTimeout: .seconds(30))
        let scratchPool = Task { await scratch.run() }
        let outcome: Result<T, any Error>
        do {
            outcome = .success(
                try await body(url) { statement in
                    try await scratch.withDatabase { try await $0.raw("\(unsafeRaw: statement)").run() }
                })
        } catch {
            outcome = .failure(error)
        }
        scratchPool.cancel()
        try await server.withDatabase { try await $0.raw("DROP DATABASE IF EXISTS \(unsafeRaw: name) WITH (FORCE)").run() }
        return try outcome.get()
    }
}

/// What the app sent to a test's browsers, kept so every test can be scanned for secrets.
final class Transcript: Sendable {
    private let state = Mutex<(texts: [String], sessionIDs: Set<String>)>(([], []))

    var texts: [String] { state.withLock { $0.texts } }
    var sessionIDs: Set<String> { state.withLock { $0.sessionIDs } }

    func record(_ text: String) { state.withLock { $0.texts.append(text) } }
    func noteSessionID(_ id: String) { _ = state.withLock { $0.sessionIDs.insert(id) } }

    /// The runs of token characters (`A–Z a–z 0–9 - _ . ~`, what tokens, codes and PKCE
    /// verifiers are made of) in a text, each also without the `.` and `~` around it (a sentence
    /// may end right after a token): looking each up in a set finds every secret in one pass.
    static func words(in text: String) -> [String] {
        var words: [String] = []
        var current: [UInt8] = []
        func flush() {
            guard current.count >= 16 else { return }
            words.append(String(decoding: current, as: UTF8.self))
            let edge: (UInt8) -> Bool = { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "~") }
            if let first = current.firstIndex(where: { !edge($0) }), let last = current.lastIndex(where: { !edge($0) }),
                first > 0 || last < current.count - 1
            {
                words.append(String(decoding: current[first...last], as: UTF8.self))
            }
        }
        for byte in text.utf8 {
            let isTokenByte =
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2D || byte == 0x5F || byte == 0x2E || byte == 0x7E
            if isTokenByte {
                current.append(byte)
            } else {
                flush()
                current.removeAll(keepingCapacity: true)
            }
        }
        flush()
        return words
    }
}
