import Foundation
import HTTPTypes
import NIOCore
import Synchronization

@testable import SpotifyWebAPI

/// A transport that answers from a script and records what was sent: for retry arithmetic only.
final class ScriptedTransport: HTTPTransport {
    typealias Handler = @Sendable (_ request: TransportRequest, _ call: Int) throws -> TransportResponse
    private let handler: Handler
    private let log = Mutex<[TransportRequest]>([])

    init(_ handler: @escaping Handler) { self.handler = handler }

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        let call = log.withLock {
            $0.append(request)
            return $0.count - 1
        }
        return try handler(request, call)
    }

    var requests: [TransportRequest] { log.withLock { $0 } }
    var count: Int { log.withLock { $0.count } }
}

extension TransportResponse {
    /// A response as a transport would hand it over; header names HTTP does not allow are dropped,
    /// as ``AsyncHTTPClientTransport`` drops them.
    static func raw(status: Int, headers: [(name: String, value: String)] = [], body: String = "") -> TransportResponse {
        var fields = HTTPFields()
        for (name, value) in headers {
            if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
        }
        return TransportResponse(head: HTTPResponse(status: .init(code: status), headerFields: fields), body: ByteBuffer(string: body))
    }

    static func json(_ status: Int, _ body: String, headers: [(name: String, value: String)] = []) -> TransportResponse {
        var fields: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        for (name, value) in headers {
            if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
        }
        return TransportResponse(head: HTTPResponse(status: .init(code: status), headerFields: fields), body: ByteBuffer(string: body))
    }
}

extension TransportRequest {
    var method: HTTPRequest.Method { head.method }
    func header(_ name: String) -> String? { HTTPField.Name(name).flatMap { head.headerFields[$0] } }
    var bodyString: String { body.map { String(buffer: $0) } ?? "" }
    var formFields: [String: String] {
        var fields: [String: String] = [:]
        for pair in bodyString.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            fields[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return fields
    }
}

enum Fixture {
    static func data(_ name: String) throws -> Data {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try Data(contentsOf: url)
    }

    static func string(_ name: String) throws -> String {
        String(decoding: try data(name), as: UTF8.self)
    }
}

let testConfiguration = SpotifyClientConfiguration(
    clientID: "client-abc",
    clientSecret: ClientSecret("s3cr3t-value"),
    redirectURI: try? RedirectURI("http://127.0.0.1:9000/callback"),
    accountsBaseURL: URL(string: "https://accounts.test")!,
    apiBaseURL: URL(string: "https://api.test/v1")!
)

/// Fixed tokens for a user, valid for an hour from `now`.
func sampleTokens(now: Date, expiresIn: TimeInterval = 3600, refresh: String? = "refresh-1") -> UserTokens {
    UserTokens(
        accessToken: AccessToken("access-1"),
        refreshToken: refresh.map(RefreshToken.init),
        expiresAt: now.addingTimeInterval(expiresIn),
        scopes: [.userTopRead, .userReadPrivate],
        grantedAt: now
    )
}

/// Authorization with a fixed token, for tests of the request path itself.
struct StaticAuthorization: UserAuthorization {
    var token = AccessToken("static-token")
    var scopes: Set<Scope> = [.userTopRead]
    func accessToken() async throws -> AccessToken { token }
    func accessTokenWasRejected(_ rejected: AccessToken) async throws -> AccessToken {
        throw SpotifyAPIError(code: .unauthorized)
    }
    var grantedScopes: Set<Scope>? { get async { scopes } }
}

/// A well-formed 22-character Spotify ID made from a number, for requests whose IDs are checked.
func base62ID(_ number: Int) -> String {
    let digits = String(number)
    return String(repeating: "0", count: max(0, 22 - digits.count)) + digits
}
