import AsyncHTTPClient
import Benchmark
import EncoreServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SpotifyEmulator
import SpotifyWebAPI

// Counts, not times, are what these are for: mallocs per operation are the same on every
// machine, so a change that adds allocations to the hot path shows in review against the
// committed baseline (Benchmarks/.benchmarkBaselines). Hardware instruction counters are not
// available on the VMs this project runs on; where they are, add `.instructions`. Names have
// no spaces or punctuation: package-benchmark 1.38 writes threshold files under a sanitised
// name but looks them up under the name as given.
let counted: [BenchmarkMetric] = [.mallocCountTotal, .wallClock, .cpuTotal, .throughput]

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: counted,
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 50,
        thresholds: [.mallocCountTotal: .init(relative: [.p90: 5.0])]
    )

    // A cached GET /api/top/tracks, and a cached /top/tracks page, through the whole app.
    for (name, uri) in [("CachedAPITopTracks", "/api/top/tracks"), ("CachedTopTracksPage", "/top/tracks")] {
        Benchmark(name) { benchmark in
            let benchmark = Handed(benchmark)
            try await SignedInApp.run { client, cookie in
                let benchmark = benchmark.value
                benchmark.startMeasurement()
                for _ in benchmark.scaledIterations {
                    try await client.execute(uri: uri, method: .get, headers: [.cookie: cookie]) { response in
                        blackHole(response.body.readableBytes)
                    }
                }
                benchmark.stopMeasurement()
            }
        }
    }

    // TokenManager.accessToken() with a valid token.
    Benchmark("TokenManagerAccessToken") { benchmark in
        let now = Date()
        let tokens = UserTokens(
            accessToken: AccessToken("access-token-0123456789"), refreshToken: RefreshToken("refresh-0123456789"),
            expiresAt: now.addingTimeInterval(3600), scopes: [.userTopRead], grantedAt: now
        )
        let manager = TokenManager(tokens: tokens, refresher: NeverRefresh())
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try await manager.accessToken())
        }
        benchmark.stopMeasurement()
    }

    // SpotifyClient.send against an in-memory transport.
    Benchmark("ClientSendInMemory") { benchmark in
        let configuration = SpotifyClientConfiguration(clientID: "bench", apiBaseURL: URL(string: "https://api.bench/v1")!)
        let spotify = SpotifyClient(
            configuration: configuration, authorization: FixedToken(), transport: InMemoryTransport(),
            logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        let request = SpotifyRequest(path: "me/top/tracks", query: [("limit", "20"), ("offset", "0"), ("time_range", "medium_term")])
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try await spotify.send(request).body.readableBytes)
        }
        benchmark.stopMeasurement()
    }

    // One access-log line, formatted and queued.
    Benchmark("AccessLogLine") { benchmark in
        let buffer = LogBuffer(capacity: 64 << 20) { _ in }
        var logger = Logger(label: "encore") { BufferedLogHandler(label: $0, level: .info, buffer: buffer) }
        logger[metadataKey: "hb.request.id"] = "4b4797b4f1447dbc533a172cf2a16e28"
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            logger.info("GET /api/top/tracks → 200", metadata: ["status": "200", "ms": "1.2", "route": "/api/top/tracks"])
        }
        benchmark.stopMeasurement()
        buffer.flush()
    }
}

/// The Encore app on an in-memory SQLite database against an in-process emulator, driven
/// through Hummingbird's router test client (no sockets to the app), with one signed-in user
/// whose first request has filled the cache.
enum SignedInApp {
    static func run(_ body: @Sendable (any TestClientProtocol, String) async throws -> Void) async throws {
        let emulator = SpotifyEmulator(configuration: .init(seed: 1))
        emulator.setAutoApprove(user: "maya")
        let client = emulator.registerClient(clientID: "bench", clientSecret: "bench-secret", name: "Bench", redirectURIs: ["http://127.0.0.1/callback"])
        var quiet = Logger(label: "bench")
        quiet.logLevel = .critical
        try await emulator.withRunning(logger: quiet) { origin in
            let spotify = SpotifyClientConfiguration(
                clientID: client.clientID, clientSecret: ClientSecret(client.clientSecret),
                redirectURI: try RedirectURI("http://127.0.0.1:9000/callback"),
                accountsBaseURL: origin, apiBaseURL: origin.appendingPathComponent("v1")
            )
            // The shipped configuration, access log included (into a buffer that is dropped).
            let buffer = LogBuffer(capacity: 64 << 20) { _ in }
            let logger = Logger(label: "encore") { BufferedLogHandler(label: $0, level: .info, buffer: buffer) }
            let configuration = AppConfiguration(spotify: spotify, port: 0, database: .sqliteMemory, secretKey: .init(size: .bits256))
            let app = try await buildApplication(configuration, dependencies: AppDependencies(logger: logger))
            try await app.test(.router) { testClient in
                let cookie = try await signIn(testClient)
                try await testClient.execute(uri: "/api/top/tracks", method: .get, headers: [.cookie: cookie]) { _ in }
                try await testClient.execute(uri: "/top/tracks", method: .get, headers: [.cookie: cookie]) { _ in }
                try await body(testClient, cookie)
            }
        }
    }

    /// /login, the emulator's /authorize (over HTTP), then /callback: the session cookie.
    static func signIn(_ client: any TestClientProtocol) async throws -> String {
        let (firstCookie, authorize) = try await client.execute(uri: "/login", method: .get) { response in
            (cookiePair(response.headers[.setCookie]), response.headers[.location] ?? "")
        }
        let http = HTTPClient(configuration: .init(redirectConfiguration: .disallow))
        let consent: HTTPClientResponse
        do {
            consent = try await http.execute(HTTPClientRequest(url: authorize), timeout: .seconds(10))
            try await http.shutdown()
        } catch {
            try? await http.shutdown()
            throw error
        }
        guard let callback = consent.headers["location"].first, let query = URLComponents(string: callback)?.percentEncodedQuery else {
            throw BenchmarkSetupError(message: "the emulator did not redirect to the callback")
        }
        return try await client.execute(uri: "/callback?" + query, method: .get, headers: [.cookie: firstCookie]) { response in
            cookiePair(response.headers[.setCookie])
        }
    }

    static func cookiePair(_ header: String?) -> String {
        String((header ?? "").split(separator: ";").first ?? "")
    }
}

/// Hands the benchmark to the app's test closure, which Hummingbird requires to be `@Sendable`:
/// the benchmark is only ever used by the one task that measures, in sequence.
struct Handed<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

struct BenchmarkSetupError: Error {
    var message: String
}

struct NeverRefresh: TokenRefresher {
    func refresh(_ tokens: UserTokens) async throws -> UserTokens { tokens }
}

struct FixedToken: UserAuthorization {
    func accessToken() async throws -> AccessToken { AccessToken("access-token-0123456789") }
    func accessTokenWasRejected(_ rejected: AccessToken) async throws -> AccessToken { rejected }
    var grantedScopes: Set<Scope>? { get async { [.userTopRead] } }
}

/// Answers every request with the same 20-track page, so only the client's own work is measured.
struct InMemoryTransport: HTTPTransport {
    static let page: ByteBuffer = {
        let track = #"{"id":"4iV5W9uYEdYUVa79Axb7Rh","name":"Track","uri":"spotify:track:4iV5W9uYEdYUVa79Axb7Rh","duration_ms":211000,"artists":[{"id":"0OdUWJ0sBjDrqHygGUXeCF","name":"Artist","uri":"spotify:artist:0OdUWJ0sBjDrqHygGUXeCF"}]}"#
        let items = Array(repeating: track, count: 20).joined(separator: ",")
        return ByteBuffer(string: #"{"href":"https://api.bench/v1/me/top/tracks","items":["# + items + #"],"limit":20,"next":null,"offset":0,"previous":null,"total":20}"#)
    }()

    static let head = HTTPResponse(status: .ok, headerFields: [.contentType: "application/json; charset=utf-8", .eTag: "\"abc\""])

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        TransportResponse(head: Self.head, body: Self.page)
    }
}
