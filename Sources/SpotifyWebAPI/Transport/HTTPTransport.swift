import HTTPTypes
import NIOCore

/// What the retry policy needs to know of a method.
extension HTTPRequest.Method {
    /// Whether sending the request twice has the same effect as sending it once.
    ///
    /// Only idempotent requests are replayed after a failure that may have reached the server.
    public var isIdempotent: Bool { self != .post && self != .patch }
}

/// One HTTP request as the transport sends it, in swift-http-types' vocabulary.
public struct TransportRequest: Sendable {
    /// Method, scheme, authority, path (with the query) and header fields.
    public var head: HTTPRequest
    /// The body, if any.
    public var body: ByteBuffer?
    /// How long the whole exchange may take, until the last byte of the response body.
    public var timeout: Duration

    /// Creates a request.
    public init(head: HTTPRequest, body: ByteBuffer? = nil, timeout: Duration = .seconds(10)) {
        self.head = head
        self.body = body
        self.timeout = timeout
    }

    /// The absolute URL: scheme, authority and path.
    public var url: String {
        (head.scheme ?? "https") + "://" + (head.authority ?? "") + (head.path ?? "/")
    }
}

/// One HTTP response: the head and the whole body.
public struct TransportResponse: Sendable {
    /// Status and header fields.
    public var head: HTTPResponse
    /// The complete body.
    public var body: ByteBuffer

    /// Creates a response.
    public init(head: HTTPResponse, body: ByteBuffer = ByteBuffer()) {
        self.head = head
        self.body = body
    }

    /// The status code.
    public var status: Int { head.status.code }
}

/// Why a request failed before a complete response arrived.
public enum TransportFailure: Error, Sendable, Equatable {
    /// No connection could be made, so the server never saw the request.
    case connectionFailed
    /// The deadline passed before the response was complete.
    case timedOut
    /// The connection broke after the request may have been sent.
    case connectionLost
    /// The response body was larger than the configured cap.
    case responseTooLarge(limit: Int)
}

/// The small surface the client needs from an HTTP implementation.
///
/// ``AsyncHTTPClientTransport`` is the production implementation; tests of retry
/// arithmetic can supply a scripted one. Implementations throw ``TransportFailure``
/// for network problems so the retry policy can tell a request that never left from
/// one that may have reached Spotify.
public protocol HTTPTransport: Sendable {
    /// Sends one request and returns the complete response.
    func send(_ request: TransportRequest) async throws -> TransportResponse
}

/// Where requests to one base URL go: its scheme, authority and path prefix, split once so a
/// request's head is put together without parsing a URL each time.
struct RequestOrigin: Sendable {
    let scheme: String
    let authority: String
    /// The base path without a trailing slash (`/v1`, or empty).
    let basePath: String

    /// `nil` for a URL without a scheme or host.
    init?(_ base: String) {
        guard let schemeEnd = base.range(of: "://") else { return nil }
        let rest = base[schemeEnd.upperBound...]
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        guard slash > rest.startIndex else { return nil }
        scheme = String(base[..<schemeEnd.lowerBound])
        authority = String(rest[..<slash])
        var path = String(rest[slash...])
        while path.hasSuffix("/") { path.removeLast() }
        basePath = path
    }

    /// The head of a request for `pathAndQuery` (which starts with `/`) under the base path.
    func head(_ method: HTTPRequest.Method, _ pathAndQuery: String, _ headerFields: HTTPFields) -> HTTPRequest {
        HTTPRequest(method: method, scheme: scheme, authority: authority, path: basePath + pathAndQuery, headerFields: headerFields)
    }

    /// The path and query of an absolute URL under this origin's base, or `nil` for any other URL.
    func pathAndQuery(ofAbsolute url: String) -> String? {
        let prefix = scheme + "://" + authority + basePath
        guard url.hasPrefix(prefix) else { return nil }
        let rest = url.dropFirst(prefix.count)
        guard rest.first == "/" || rest.first == "?" else { return nil }
        return String(rest)
    }
}
