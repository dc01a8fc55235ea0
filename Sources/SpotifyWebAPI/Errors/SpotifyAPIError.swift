import Foundation

/// Every failure the library reports: one type with a stable ``Code``.
///
/// Callers branch on ``code`` (never on message text). The error never holds a token, client
/// secret, authorization code or PKCE verifier, so it is safe to log and to show.
public struct SpotifyAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is; stable across releases, suitable as a metric label.
    ///
    /// A struct with static members rather than an enum, so a new kind (a player `reason`, say)
    /// is not a breaking change: `switch` on it with a `default`.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String

        /// A code by its stable name, such as `rate_limited`.
        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        public var description: String { rawValue }

        /// A parameter was out of range before anything was sent, or Spotify answered 400.
        public static let invalidRequest = Code(rawValue: "invalid_request")
        /// The authorization code or redirect URI was rejected during the code exchange.
        public static let invalidGrant = Code(rawValue: "invalid_grant")
        /// The user's grant is gone (revoked, expired after six months, or unknown):
        /// the user must sign in again. Never retried.
        public static let reauthorizationRequired = Code(rawValue: "reauthorization_required")
        /// The client id or secret was rejected.
        public static let invalidClient = Code(rawValue: "invalid_client")
        /// The access token was missing, invalid or expired, even after one refresh.
        public static let unauthorized = Code(rawValue: "unauthorized")
        /// The token lacks a scope the endpoint needs (403 "Insufficient client scope").
        public static let insufficientScope = Code(rawValue: "insufficient_scope")
        /// Spotify refused the request for another reason (403), e.g. a user not on a
        /// development-mode app's allowlist.
        public static let forbidden = Code(rawValue: "forbidden")
        /// The resource does not exist (404).
        public static let notFound = Code(rawValue: "not_found")
        /// Spotify asked to slow down (429) for longer than the retry budget allows.
        public static let rateLimited = Code(rawValue: "rate_limited")
        /// Spotify failed (5xx) after the allowed retries.
        public static let server = Code(rawValue: "server")
        /// The request took longer than its deadline.
        public static let timeout = Code(rawValue: "timeout")
        /// The network failed: no connection, or a connection lost mid-exchange.
        public static let transport = Code(rawValue: "transport")
        /// Spotify's answer could not be decoded, or was larger than allowed.
        public static let decoding = Code(rawValue: "decoding")
        /// Any other unexpected status.
        public static let unexpectedStatus = Code(rawValue: "unexpected_status")
        /// The `state` returned to the redirect URI was missing or not the one this sign-in sent.
        public static let stateMismatch = Code(rawValue: "state_mismatch")
        /// The user declined, or Spotify reported another error at the redirect URI.
        public static let accessDenied = Code(rawValue: "access_denied")
        /// The endpoint is not available to development-mode apps since February 2026; the
        /// message names the replacement, if there is one. Raised before sending.
        public static let unavailableInDevelopmentMode = Code(rawValue: "unavailable_in_development_mode")
        /// A player command found no active device (`NO_ACTIVE_DEVICE`): open Spotify on one,
        /// or name a device from ``SpotifyClient/availableDevices()``.
        public static let noActiveDevice = Code(rawValue: "no_active_device")
        /// The player needs Spotify Premium (`PREMIUM_REQUIRED`).
        public static let premiumRequired = Code(rawValue: "premium_required")
        /// The player refused the command for another of Spotify's reasons (`NO_NEXT_TRACK`,
        /// `VOLUME_CONTROL_DISALLOW`, …), which ``SpotifyAPIError/reason`` carries.
        public static let playerCommandFailed = Code(rawValue: "player_command_failed")

        /// The code for a player `reason` Spotify sent, if it is one.
        static func player(reason: String?) -> Code? {
            switch reason {
            case "NO_ACTIVE_DEVICE": .noActiveDevice
            case "PREMIUM_REQUIRED": .premiumRequired
            case .some(let reason)
            where reason.hasPrefix("NO_") || reason.hasPrefix("NOT_") || reason.hasPrefix("ALREADY_")
                || reason.hasSuffix("_DISALLOW") || ["ENDLESS_CONTEXT", "DEVICE_NOT_CONTROLLABLE"].contains(reason):
                .playerCommandFailed
            default: nil
            }
        }

        /// Every code this version of the library produces.
        public static let known: [Code] = [
            .invalidRequest, .invalidGrant, .reauthorizationRequired, .invalidClient, .unauthorized, .insufficientScope,
            .forbidden, .notFound, .rateLimited, .server, .timeout, .transport, .decoding, .unexpectedStatus,
            .stateMismatch, .accessDenied, .unavailableInDevelopmentMode, .noActiveDevice, .premiumRequired, .playerCommandFailed,
        ]
    }

    /// Which Spotify service produced the error.
    public enum Service: String, Sendable, Hashable {
        /// `accounts.spotify.com` (`/authorize`, `/api/token`).
        case accounts
        /// The Web API (`api.spotify.com/v1`).
        case webAPI = "web_api"
        /// Nothing answered, or the failure happened before sending.
        case local
    }

    /// The stable failure kind.
    public var code: Code
    /// Which service answered.
    public var service: Service
    /// The HTTP status Spotify answered with, if any.
    public var status: Int?
    /// Spotify's own message (`error.message`, or `error_description`), when it gave one.
    public var message: String?
    /// Spotify's machine-readable reason, such as `QUOTA_EXCEEDED`, or the OAuth `error` value.
    public var reason: String?
    /// How long Spotify asked to wait before trying again (`Retry-After`), when it said.
    public var retryAfter: Duration?
    /// The request parameter at fault, for an ``Code/invalidRequest`` raised before sending
    /// (`limit`, `offset`, …), so a server can answer its own client with a 400 that names it.
    public var parameter: String?
    /// For ``Code/insufficientScope``: the scopes the request needed that the grant lacks (one of
    /// them, when the endpoint takes either), so a caller can ask for exactly those.
    public var missingScopes: [Scope] = []

    /// Creates an error.
    public init(
        code: Code,
        service: Service = .local,
        status: Int? = nil,
        message: String? = nil,
        reason: String? = nil,
        retryAfter: Duration? = nil,
        parameter: String? = nil
    ) {
        self.code = code
        self.service = service
        self.status = status
        self.message = message
        self.reason = reason
        self.retryAfter = retryAfter
        self.parameter = parameter
    }

    /// A payload-free summary (code and status) suitable for metric labels and log fields.
    public var shortDescription: String {
        if let status { return "\(code.rawValue) (\(status))" }
        return code.rawValue
    }

    public var description: String {
        var text = "Spotify \(service == .accounts ? "accounts service" : service == .webAPI ? "Web API" : "client")"
        text += " error \(shortDescription)"
        if let message { text += ": \(message)" }
        if let retryAfter { text += "; retry after \(retryAfter.secondsRoundedUp) s" }
        text += ". " + advice
        return text
    }

    /// Whether the only way on is for the user to sign in again: the grant is gone, or a code
    /// exchange was refused. Never worth retrying.
    public var requiresSignIn: Bool {
        code == .reauthorizationRequired || code == .invalidGrant || code == .unauthorized
    }

    /// What the user of the library should do about it.
    public var advice: String {
        switch code {
        case .invalidRequest: "Check the request parameters."
        case .invalidGrant: "Start the sign-in again; authorization codes are single-use and short-lived."
        case .reauthorizationRequired: "The user must sign in again."
        case .invalidClient: "Check the client id and secret against the app's dashboard."
        case .unauthorized: "The user must sign in again."
        case .insufficientScope: "Ask for the missing scope at sign-in."
        case .forbidden: "Check that the user may use this app (development-mode allowlist) and endpoint."
        case .notFound: "Check the id."
        case .rateLimited: "Wait for the time Spotify gave before trying again."
        case .server: "Spotify is failing; try again later."
        case .timeout: "Spotify did not answer in time; try again later."
        case .transport: "Check the network connection to Spotify."
        case .decoding: "Spotify's answer was not in the expected shape."
        case .unexpectedStatus: "Spotify answered in an unexpected way."
        case .stateMismatch: "Start the sign-in again from the beginning, in the same browser."
        case .accessDenied: "The user did not allow access; they can try signing in again."
        case .unavailableInDevelopmentMode: "Use the replacement named, or ask Spotify for extended quota."
        case .noActiveDevice: "Start Spotify on a device, or transfer playback to one of the available devices."
        case .premiumRequired: "Controlling the player needs a Spotify Premium account."
        case .playerCommandFailed: "The player cannot do that now; see the reason."
        default: "Spotify answered in an unexpected way."
        }
    }
}
