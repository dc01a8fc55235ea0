import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat

@testable import SpotifyEmulator

/// A client that does not follow redirects, so tests see each hop as a browser would.
let testHTTP = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: .init(redirectConfiguration: .disallow))

struct HTTPResult {
    var status: Int
    var headers: [String: String]
    var body: String

    var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]) ?? [:] }
    var location: URL? { headers["location"].flatMap(URL.init(string:)) }

    /// The query parameters of the `Location` header.
    var redirectQuery: [String: String] {
        guard let location else { return [:] }
        let items = URLComponents(url: location, resolvingAgainstBaseURL: false)?.queryItems ?? []
        return Dictionary(items.map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { first, _ in first })
    }
}

func http(
    _ method: String = "GET",
    _ url: String,
    headers: [(String, String)] = [],
    body: String? = nil
) async throws -> HTTPResult {
    var request = HTTPClientRequest(url: url)
    request.method = .init(rawValue: method)
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    if let body { request.body = .bytes(ByteBuffer(string: body)) }
    let response = try await testHTTP.execute(request, timeout: .seconds(10))
    let bytes = try await response.body.collect(upTo: 8 * 1024 * 1024)
    var fields: [String: String] = [:]
    for header in response.headers { fields[header.name.lowercased()] = header.value }
    return HTTPResult(status: Int(response.status.code), headers: fields, body: String(buffer: bytes))
}

func form(_ fields: [(String, String)]) -> String {
    fields.map { "\($0.0)=\(FormFields.encode($0.1))" }.joined(separator: "&")
}

func basic(_ id: String, _ secret: String) -> (String, String) {
    ("Authorization", "Basic " + Data("\(id):\(secret)".utf8).base64EncodedString())
}

var quietLogger: Logger {
    var logger = Logger(label: "SpotifyEmulatorTests")
    logger.logLevel = .critical
    return logger
}

/// A running emulator with one registered client, for one test.
struct Harness: Sendable {
    let emulator: SpotifyEmulator
    let origin: String
    let client: EmulatorClient
    var api: String { origin + "/v1" }
    static let redirect = "http://127.0.0.1:9000/callback"

    static func run<T: Sendable>(
        _ configuration: SpotifyEmulatorConfiguration = .init(autoApproveUser: "maya"),
        _ body: @Sendable (Harness) async throws -> T
    ) async throws -> T {
        let emulator = SpotifyEmulator(configuration: configuration)
        let client = emulator.registerClient(
            clientID: "client-1", clientSecret: "secret-1", name: "Encore Tests", redirectURIs: [redirect, "http://127.0.0.1/loopback"])
        return try await emulator.withRunning(logger: quietLogger) { url in
            try await body(Harness(emulator: emulator, origin: url.absoluteString, client: client))
        }
    }

    /// Runs /authorize with auto-approve and exchanges the code with the secret; returns the token body.
    func signIn(
        scope: String = "user-read-private user-read-email user-top-read user-read-recently-played user-library-read playlist-modify-private"
    ) async throws -> [String: Any] {
        let authorize = try await http(
            "GET",
            "\(origin)/authorize?"
                + form([
                    ("client_id", client.clientID), ("response_type", "code"), ("redirect_uri", Self.redirect), ("scope", scope), ("state", "st"),
                ]))
        let code = authorize.redirectQuery["code"] ?? ""
        let token = try await http(
            "POST", "\(origin)/api/token",
            headers: [
                ("Content-Type", "application/x-www-form-urlencoded"), basic(client.clientID, client.clientSecret),
            ], body: form([("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Self.redirect)]))
        return token.json
    }

    func get(_ path: String, token: String?, headers: [(String, String)] = []) async throws -> HTTPResult {
        try await http("GET", api + path, headers: (token.map { [("Authorization", "Bearer \($0)")] } ?? []) + headers)
    }
}
