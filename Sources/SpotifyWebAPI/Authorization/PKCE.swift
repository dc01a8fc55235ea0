import Crypto

/// A PKCE code verifier (RFC 7636): 43–128 characters of `[A-Za-z0-9-._~]`.
///
/// Its `description` is redacted, so it can sit in a logged value without leaking.
public struct CodeVerifier: Sendable, Hashable, Codable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The verifier itself; send it only to the token endpoint.
    public let rawValue: String

    /// Draws a new verifier from the system's secure random generator.
    /// - Parameter length: 43 to 128 characters; 64 by default (about 386 bits).
    public static func random(length: Int = 64) -> CodeVerifier {
        CodeVerifier(unchecked: SecureRandom.string(length: min(max(length, 43), 128)))
    }

    /// Wraps an existing verifier, or returns `nil` when it breaks RFC 7636's length or alphabet.
    public init?(rawValue: String) {
        guard (43...128).contains(rawValue.utf8.count),
            rawValue.utf8.allSatisfy({ SecureRandom.unreserved.contains($0) })
        else { return nil }
        self.rawValue = rawValue
    }

    private init(unchecked: String) { self.rawValue = unchecked }

    /// The S256 challenge: base64url(SHA-256(verifier)) without padding.
    public var challenge: String {
        SHA256.hash(data: Array(rawValue.utf8)).base64URLEncoded
    }

    public var description: String { "CodeVerifier(redacted)" }
    public var debugDescription: String { description }

    public init(from decoder: any Decoder) throws {
        let value = try decoder.singleValueContainer().decode(String.self)
        guard let verifier = CodeVerifier(rawValue: value) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a PKCE code verifier"))
        }
        self = verifier
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// The `state` value that ties a redirect back to the sign-in that started it.
public struct AuthorizationState: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The value sent to `/authorize` and expected back at the redirect URI.
    public let rawValue: String

    /// 256 random bits, base64url-encoded (43 characters).
    public static func random() -> AuthorizationState {
        AuthorizationState(rawValue: SecureRandom.bytes(32).base64URLEncoded)
    }

    /// Wraps a stored state value.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Compares with a value from a redirect in constant time.
    public func matches(_ candidate: String?) -> Bool {
        guard let candidate else { return false }
        return SecureRandom.constantTimeEquals(rawValue, candidate)
    }

    public var description: String { "AuthorizationState(redacted)" }
}
