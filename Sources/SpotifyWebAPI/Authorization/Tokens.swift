import Foundation

/// A token string that is coded as a bare JSON string and never printed whole: its
/// `description` shows only the last four characters.
public protocol RedactedToken: Sendable, Hashable, Codable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The token itself.
    var rawValue: String { get }
    /// Wraps a token string.
    init(_ rawValue: String)
}

extension RedactedToken {
    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { "\(Self.self)(…\(rawValue.suffix(4)))" }
    public var debugDescription: String { description }
}

/// A Web API access token. Its `description` shows only the last four characters.
public struct AccessToken: RedactedToken {
    /// The bearer token; send it only in an `Authorization` header to the Web API.
    public let rawValue: String

    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// A refresh token. Its `description` shows only the last four characters.
public struct RefreshToken: RedactedToken {
    /// The token; send it only to the accounts service's token endpoint.
    public let rawValue: String

    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// A user's tokens and what is known about them.
///
/// Spotify's refresh tokens stop working six months after the user's original consent, and
/// refreshing does not extend that; ``grantedAt`` keeps that moment across refreshes.
public struct UserTokens: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The current access token.
    public var accessToken: AccessToken
    /// The refresh token, if the grant gave one.
    public var refreshToken: RefreshToken?
    /// When the access token stops working, computed from `expires_in` at receipt.
    public var expiresAt: Date
    /// The scopes the user granted.
    public var scopes: Set<Scope>
    /// When the user originally consented; refresh tokens die six months later.
    public var grantedAt: Date

    /// Creates a token set.
    public init(accessToken: AccessToken, refreshToken: RefreshToken?, expiresAt: Date, scopes: Set<Scope>, grantedAt: Date) {
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.expiresAt = expiresAt
        self.scopes = scopes
        self.grantedAt = grantedAt
    }

    /// When Spotify will stop accepting the refresh token: six calendar months after consent.
    public var grantExpiresAt: Date {
        UserTokens.grantLifetimeEnd(from: grantedAt)
    }

    /// Whether the access token needs refreshing at `now`, allowing `leeway` for the request to land.
    public func needsRefresh(at now: Date, leeway: Duration) -> Bool {
        expiresAt.addingTimeInterval(-leeway.timeInterval) <= now
    }

    /// Six calendar months after `date`, in UTC.
    public static func grantLifetimeEnd(from date: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        return calendar.date(byAdding: .month, value: 6, to: date) ?? date.addingTimeInterval(182 * 86_400)
    }

    public var description: String {
        "UserTokens(\(accessToken), refresh: \(refreshToken.map(String.init(describing:)) ?? "none"), expiresAt: \(expiresAt), scopes: \(Scope.formatList(scopes.sorted { $0.rawValue < $1.rawValue })))"
    }
}

/// An app-only token from the client-credentials grant.
public struct AppToken: Sendable, Hashable, CustomStringConvertible {
    /// The access token.
    public var accessToken: AccessToken
    /// When it stops working.
    public var expiresAt: Date

    /// Creates an app token.
    public init(accessToken: AccessToken, expiresAt: Date) {
        self.accessToken = accessToken
        self.expiresAt = expiresAt
    }

    public var description: String { "AppToken(\(accessToken), expiresAt: \(expiresAt))" }
}

/// The token endpoint's success body.
struct TokenResponse: Decodable, Sendable {
    var accessToken: String
    var tokenType: String
    var expiresIn: Int
    var refreshToken: String?
    var scope: String?

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case tokenType = "token_type"
        case expiresIn = "expires_in"
        case refreshToken = "refresh_token"
        case scope
    }
}
