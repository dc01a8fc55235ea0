import HTTPTypes
import NIOCore

/// One Web API call: what to send, and what it needs.
public struct SpotifyRequest: Sendable {
    /// Where the request goes.
    public enum Target: Sendable, Hashable {
        /// A path relative to the API base, such as `me/top/tracks`.
        case path(String)
        /// An absolute URL Spotify handed out (a page's `next`); must lie under the API base.
        case absolute(String)
    }

    /// The method.
    public var method: HTTPRequest.Method
    /// The path or URL.
    public var target: Target
    /// Query parameters, encoded when sent.
    public var query: [(String, String)]
    /// A JSON body, already encoded.
    public var jsonBody: ByteBuffer?
    /// The body's media type; JSON unless said (a cover upload sends `image/jpeg`).
    public var bodyContentType = "application/json"
    /// Scopes the endpoint needs, all of them, to tell a missing scope from other 403s.
    public var requiredScopes: Set<Scope>
    /// Scopes of which the endpoint needs one (a playlist's public or private modify scope).
    public var alternativeScopes: Set<Scope>
    /// A validator from an earlier response; a 304 then counts as success.
    public var ifNoneMatch: String?
    /// A short, stable name for logs and metrics: the method and the reference's path
    /// template, such as `GET /me/top/tracks` or `GET /playlists/{playlist_id}/items`.
    public var endpointName: String
    /// What the endpoint is for a development-mode app; checked before sending.
    public var developmentMode: DevelopmentModeRule

    /// Creates a request.
    public init(
        method: HTTPRequest.Method = .get,
        path: String,
        query: [(String, String)] = [],
        jsonBody: ByteBuffer? = nil,
        requiredScopes: Set<Scope> = [],
        alternativeScopes: Set<Scope> = [],
        ifNoneMatch: String? = nil,
        endpointName: String? = nil,
        developmentMode: DevelopmentModeRule = .available
    ) {
        self.method = method
        self.target = .path(path)
        self.query = query
        self.jsonBody = jsonBody
        self.requiredScopes = requiredScopes
        self.alternativeScopes = alternativeScopes
        self.ifNoneMatch = ifNoneMatch
        self.endpointName = endpointName ?? "\(method.rawValue) /\(path)"
        self.developmentMode = developmentMode
    }

    /// A request for an absolute URL from a previous response, such as a page's `next`.
    public init(url: String, requiredScopes: Set<Scope> = [], endpointName: String) {
        self.method = .get
        self.target = .absolute(url)
        self.query = []
        self.jsonBody = nil
        self.requiredScopes = requiredScopes
        self.alternativeScopes = []
        self.ifNoneMatch = nil
        self.endpointName = endpointName
        self.developmentMode = .available
    }
}

extension SpotifyRequest {
    /// Checks a `limit` against Spotify's range (1…50 unless said) before anything is sent.
    static func checkLimit(_ limit: Int, range: ClosedRange<Int> = 1...50, context: String? = nil) throws(SpotifyAPIError) {
        guard range.contains(limit) else {
            let when = context.map { " " + $0 } ?? ""
            throw SpotifyAPIError(
                code: .invalidRequest, message: "limit must be between \(range.lowerBound) and \(range.upperBound)\(when), got \(limit)",
                parameter: "limit"
            )
        }
    }

    /// Checks an `offset` is not negative.
    static func checkOffset(_ offset: Int) throws(SpotifyAPIError) {
        guard offset >= 0 else {
            throw SpotifyAPIError(code: .invalidRequest, message: "offset must be 0 or more, got \(offset)", parameter: "offset")
        }
    }
}

/// A successful Web API response, body untouched, for callers that pass JSON straight through.
public struct SpotifyResponse: Sendable {
    /// 2xx, or 304 when the request carried a matching `If-None-Match`.
    public var status: Int
    /// The body exactly as Spotify sent it.
    public var body: ByteBuffer
    /// The `ETag`, when Spotify sent one.
    public var etag: String?
    /// The `Content-Type` Spotify sent.
    public var contentType: String?

    /// Whether the resource is unchanged since the `If-None-Match` validator.
    public var notModified: Bool { status == 304 }
}
