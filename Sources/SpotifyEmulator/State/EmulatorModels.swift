import Foundation

/// An app registered with the emulator, as on Spotify's developer dashboard.
public struct EmulatorClient: Sendable, Hashable, Codable {
    /// The client id.
    public var clientID: String
    /// The client secret.
    public var clientSecret: String
    /// The app's name, shown on the consent page.
    public var name: String
    /// The registered redirect URIs. A loopback URI registered without a port accepts any port.
    public var redirectURIs: [String]
    /// The users a development-mode app lets in (Spotify's dashboard allows 5); `nil` lets in
    /// every seeded user, who are 5.
    public var allowedUsers: [String]?

    /// The most users a development-mode app may allow, as on Spotify's dashboard.
    public static let allowListLimit = 5

    /// Creates a client.
    public init(clientID: String, clientSecret: String, name: String = "Encore", redirectURIs: [String], allowedUsers: [String]? = nil) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.name = name
        self.redirectURIs = redirectURIs
        self.allowedUsers = allowedUsers
    }

    enum CodingKeys: String, CodingKey {
        case clientID = "client_id"
        case clientSecret = "client_secret"
        case name
        case redirectURIs = "redirect_uris"
        case allowedUsers = "allowed_users"
    }
}

/// How the token endpoint treats refresh tokens on refresh.
public enum RefreshTokenPolicy: String, Sendable, Codable, CaseIterable {
    /// Answer without `refresh_token`; the old one stays valid (Spotify since July 2026).
    case omit
    /// Answer with a new `refresh_token` and revoke the old one (PKCE clients before July 2026).
    case rotate
}

/// A fault the emulator injects into matching requests.
public struct FaultRule: Sendable, Hashable, Codable {
    /// What goes wrong.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// 429 with `Retry-After` and `{"error":{"status":429,"message":"API rate limit exceeded"}}`.
        case rateLimit = "rate_limit"
        /// 429 with the July 2026 `QUOTA_EXCEEDED` body.
        case quotaExceeded = "quota_exceeded"
        /// The given status (500, 502, 503, …) with Spotify's error body.
        case status
        /// The normal answer, after `latency_ms`.
        case latency
        /// The connection closes before a complete response.
        case drop
        /// A 200 whose body is not valid JSON.
        case malformedJSON = "malformed_json"
        /// The request takes effect at once (a refresh rotates the token), and its answer leaves
        /// only after `latency_ms`: the window in which a caller can die knowing nothing.
        case delayedAnswer = "delayed_answer"
        /// The request takes effect, then the connection closes before the answer is complete.
        case lostAnswer = "lost_answer"
    }

    /// What goes wrong.
    public var kind: Kind
    /// Requests whose path starts with this, e.g. `/v1/me/top` or `/api/token`; all when `nil`.
    public var pathPrefix: String?
    /// Requests with this method only, when set.
    public var method: String?
    /// The status for `.status`.
    public var status: Int?
    /// Seconds for `Retry-After` on 429s (and 503s, when set).
    public var retryAfter: Int?
    /// Milliseconds of delay: before the normal answer for `.latency`, before the answer of an
    /// already-applied request for `.delayedAnswer`, and before the fault itself for the others.
    public var latencyMs: Int?
    /// Apply to the next N matching requests, then stop; forever when `nil`.
    public var count: Int?
    /// Apply to this fraction (0…1) of matching requests; every one when `nil`.
    public var fraction: Double?

    /// Creates a rule.
    public init(
        kind: Kind,
        pathPrefix: String? = nil,
        method: String? = nil,
        status: Int? = nil,
        retryAfter: Int? = nil,
        latencyMs: Int? = nil,
        count: Int? = nil,
        fraction: Double? = nil
    ) {
        self.kind = kind
        self.pathPrefix = pathPrefix
        self.method = method
        self.status = status
        self.retryAfter = retryAfter
        self.latencyMs = latencyMs
        self.count = count
        self.fraction = fraction
    }

    enum CodingKeys: String, CodingKey {
        case kind, method, status, count, fraction
        case pathPrefix = "path_prefix"
        case retryAfter = "retry_after"
        case latencyMs = "latency_ms"
    }
}

/// What the emulator has counted since start or the last reset.
public struct EmulatorCounters: Sendable, Hashable, Codable {
    /// Requests by `METHOD /route status`, e.g. `GET /v1/me/top/{type} 200`.
    public var requests: [String: Int] = [:]
    /// Successful token grants by `grant_type`.
    public var tokenGrants: [String: Int] = [:]
    /// Successful refreshes by user id.
    public var refreshesByUser: [String: Int] = [:]
    /// Faults injected, by kind.
    public var faultsInjected: [String: Int] = [:]

    /// Creates empty counters.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case requests
        case tokenGrants = "token_grants"
        case refreshesByUser = "refreshes_by_user"
        case faultsInjected = "faults_injected"
    }
}

struct AuthorizationCodeRecord {
    var clientID: String
    var userID: String
    var redirectURI: String
    var scopes: [String]
    var codeChallenge: String?
    var issuedAt: Date
    var used = false
}

struct GrantRecord {
    var userID: String
    var clientID: String
    var scopes: [String]
    var consentedAt: Date
    var revoked = false
}

struct AccessTokenRecord {
    /// `nil` for client-credentials tokens.
    var userID: String?
    var clientID: String
    var scopes: Set<String>
    var expiresAt: Date
    var grantID: String?
}

struct RefreshTokenRecord {
    var grantID: String
    var revoked = false
}

struct PlaylistRecord {
    var id: String
    var ownerID: String
    var name: String
    var description: String?
    var isPublic: Bool
    var collaborative: Bool
    var items: [(uri: String, addedAt: Date)]
    var snapshot: Int
    /// An uploaded cover (JPEG bytes), if any.
    var cover: [UInt8]? = nil
    /// How many people follow it.
    var followers = 0
    /// Its owner unfollowed it, which is how Spotify deletes a playlist: search no longer finds it.
    var deleted = false

    /// The id of the editorial owner ("Spotify"), whose playlists are seeded.
    static let editorialOwner = "spotify"

    /// Whether `user` may find it by searching: public and not deleted (a private playlist is
    /// never found, by anyone).
    var isSearchable: Bool { isPublic && !deleted }
}
