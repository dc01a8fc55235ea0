import Foundation

/// A sign-in that has been sent to Spotify's consent page and not yet completed.
///
/// Keep it server-side (or in the CLI's memory) until the redirect comes back; it holds the
/// PKCE verifier, so its `description` is redacted.
public struct PendingAuthorization: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The URL to send the user's browser to.
    public var authorizeURL: URL
    /// The `state` sent, to be compared with the one returned.
    public var state: AuthorizationState
    /// The PKCE verifier whose challenge went into ``authorizeURL``.
    public var codeVerifier: CodeVerifier
    /// The exact redirect URI sent, which the code exchange must repeat.
    public var redirectURI: String
    /// When the sign-in started.
    public var createdAt: Date

    /// Creates a pending authorization.
    public init(authorizeURL: URL, state: AuthorizationState, codeVerifier: CodeVerifier, redirectURI: String, createdAt: Date) {
        self.authorizeURL = authorizeURL
        self.state = state
        self.codeVerifier = codeVerifier
        self.redirectURI = redirectURI
        self.createdAt = createdAt
    }

    public var description: String { "PendingAuthorization(redirectURI: \(redirectURI), createdAt: \(createdAt))" }
}

/// What Spotify sent back to the redirect URI.
public struct AuthorizationCallback: Sendable, Hashable, CustomStringConvertible {
    /// The authorization code, on success.
    public var code: String?
    /// The `state` echoed back.
    public var state: String?
    /// The error, such as `access_denied`, on failure.
    public var error: String?

    /// Creates a callback from its parts.
    public init(code: String?, state: String?, error: String?) {
        self.code = code
        self.state = state
        self.error = error
    }

    /// Reads `code`, `state` and `error` from a redirect URL such as
    /// `http://127.0.0.1:9000/callback?code=…&state=…`.
    ///
    /// A parameter that appears more than once is treated as missing, so a crafted URL cannot
    /// smuggle a second value past the state check.
    public init(url: URL) {
        let items = URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems ?? []
        func single(_ name: String) -> String? {
            let values = items.filter { $0.name == name }
            return values.count == 1 ? values[0].value : nil
        }
        self.init(code: single("code"), state: single("state"), error: single("error"))
    }

    public var description: String {
        "AuthorizationCallback(code: \(code == nil ? "none" : "redacted"), error: \(error ?? "none"))"
    }

    /// Checks `state` in constant time and returns the code.
    /// - Throws: ``SpotifyAPIError`` with ``SpotifyAPIError/Code/stateMismatch`` or
    ///   ``SpotifyAPIError/Code/accessDenied``.
    public func verifiedCode(expecting pending: PendingAuthorization) throws(SpotifyAPIError) -> String {
        guard pending.state.matches(state) else {
            throw SpotifyAPIError(code: .stateMismatch, message: "the state returned does not match this sign-in")
        }
        if let error {
            throw SpotifyAPIError(code: .accessDenied, service: .accounts, reason: String(error.prefix(64)))
        }
        guard let code, !code.isEmpty else {
            throw SpotifyAPIError(code: .invalidRequest, service: .accounts, message: "the redirect carried no code")
        }
        return code
    }
}
