import NIOCore

/// The HTTP methods the Spotify Web API and accounts service use.
public enum HTTPMethod: String, Sendable, Hashable {
    case get = "GET"
    case post = "POST"
    case put = "PUT"
    case delete = "DELETE"

    /// Whether sending the request twice has the same effect as sending it once.
    ///
    /// Only idempotent requests are replayed after a failure that may have reached the server.
    public var isIdempotent: Bool { self != .post }
}

/// One HTTP request as the transport sends it.
public struct TransportRequest: Sendable {
    /// The request method.
    public var method: HTTPMethod
    /// The absolute URL, already percent-encoded.
    public var url: String
    /// Header fields in order; names are case-insensitive.
    public var headers: [(name: String, value: String)]
    /// The body, if any.
    public var body: ByteBuffer?
    /// How long the whole exchange may take.
    public var timeout: Duration

    /// Creates a request.
    public init(
        method: HTTPMethod,
        url: String,
        headers: [(name: String, value: String)] = [],
        body: ByteBuffer? = nil,
        timeout: Duration = .seconds(10)
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

/// One HTTP response: status, headers and the whole body.
public struct TransportResponse: Sendable {
    /// The HTTP status code.
    public var status: Int
    /// Header fields in order.
    public var headers: [(name: String, value: String)]
    /// The complete body.
    public var body: ByteBuffer

    /// Creates a response.
    public init(status: Int, headers: [(name: String, value: String)] = [], body: ByteBuffer = ByteBuffer()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of the named header, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveEquals(name) }?.value
    }
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

extension String {
    func caseInsensitiveEquals(_ other: String) -> Bool {
        self.utf8.count == other.utf8.count && self.lowercased() == other.lowercased()
    }
}
