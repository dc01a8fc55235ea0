import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOFoundationCompat

/// How a flow proves who the client is at the token endpoint.
enum TokenEndpointCredentials: Sendable {
    /// A confidential client: HTTP Basic with id and secret.
    case basic(clientID: String, secret: ClientSecret)
    /// A public (PKCE) client: `client_id` in the body, no secret.
    case publicClient(clientID: String)
}

/// `POST {accounts}/api/token`, shared by every flow.
struct TokenEndpoint: Sendable {
    let configuration: SpotifyClientConfiguration
    let transport: any HTTPTransport
    let clock: any SpotifyClock
    let logger: Logger

    /// Sends a form to the token endpoint and decodes the success body.
    ///
    /// A POST, so the executor replays it only when it cannot have reached Spotify (no
    /// connection) and waits out 429s within the budget: replaying a code exchange would burn
    /// the single-use code.
    func requestToken(
        form: [(String, String)],
        credentials: TokenEndpointCredentials
    ) async throws -> (response: TokenResponse, receivedAt: Date) {
        var fields = form
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .accept: "application/json"]
        switch credentials {
        case .basic(let clientID, let secret):
            let encoded = Array("\(clientID):\(secret.rawValue)".utf8).base64String
            headers[.authorization] = "Basic \(encoded)"
        case .publicClient(let clientID):
            fields.append(("client_id", clientID))
        }
        guard let origin = RequestOrigin(configuration.accountsBaseURL.absoluteString) else {
            throw SpotifyAPIError(code: .invalidRequest, service: .accounts, message: "the accounts base URL has no scheme or host")
        }
        let head = origin.head(.post, "/api/token", headers)
        let body = ByteBuffer(string: FormEncoding.encode(fields))
        // A refresh started by a Web API call fits in that call's deadline.
        let deadline = SpotifyDeadline.effective(now: clock.now(), timeout: configuration.timeout)
        let executor = CallExecutor(policy: configuration.retry, clock: clock, gate: nil, service: .accounts)
        let response = try await executor.run(
            idempotent: false,
            deadline: deadline,
            prepare: {},
            attempt: { _, timeout in
                let started = clock.now()
                let response = try await transport.send(TransportRequest(head: head, body: body, timeout: timeout))
                logger.debug("POST /api/token → \(response.status) in \(clock.now().millisecondsSince(started)) ms")
                return response
            },
            settle: { response, _ in .fail(SpotifyAPIError.from(response: response, service: .accounts)) }
        )
        do {
            return (try JSONDecoder().decode(TokenResponse.self, from: response.body), clock.now())
        } catch {
            throw SpotifyAPIError(
                code: .decoding, service: .accounts, status: response.status, message: "token response was not in the expected shape")
        }
    }
}

extension SpotifyAPIError {
    /// The call's deadline passed before another attempt could start.
    static func deadlinePassed(service: Service) -> SpotifyAPIError {
        SpotifyAPIError(code: .timeout, service: service, message: "no answer before the deadline")
    }

    init(transportFailure: TransportFailure, service: Service) {
        switch transportFailure {
        case .timedOut:
            self.init(code: .timeout, service: service, message: "no answer before the deadline")
        case .connectionFailed:
            self.init(code: .transport, service: service, message: "could not connect")
        case .connectionLost:
            self.init(code: .transport, service: service, message: "the connection was lost")
        case .responseTooLarge(let limit):
            self.init(code: .decoding, service: service, message: "the response was larger than \(limit) bytes")
        }
    }
}

extension URL {
    /// This URL's string with `/path` appended, whatever trailing slash the base has.
    func appendingPathComponentString(_ path: String) -> String {
        var base = absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/" + path
    }
}

extension Date {
    func millisecondsSince(_ start: Date) -> Int {
        Int((timeIntervalSince(start) * 1000).rounded())
    }
}
