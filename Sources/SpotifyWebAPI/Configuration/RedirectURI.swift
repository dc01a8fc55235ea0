import Foundation

/// A redirect URI checked against Spotify's 2025 rules.
///
/// Spotify accepts `https` redirect URIs, `http` only on the loopback IP literals `127.0.0.1`
/// and `[::1]`, and app-specific custom schemes; it refuses `localhost` in every form, and an
/// OAuth redirect URI may not carry a fragment.
public struct RedirectURI: Sendable, Hashable, CustomStringConvertible {
    /// The URI exactly as it must be registered in the app's dashboard.
    public let url: URL

    /// Checks `string` against Spotify's rules.
    /// - Throws: ``SpotifyConfigurationError`` naming what to use instead.
    public init(_ string: String) throws(SpotifyConfigurationError) {
        func fail(_ message: String) -> SpotifyConfigurationError {
            SpotifyConfigurationError(key: "redirect.uri", message: message)
        }
        guard let components = URLComponents(string: string), let scheme = components.scheme?.lowercased(),
            let url = components.url
        else {
            throw fail("\"\(string)\" is not an absolute URI; use for example http://127.0.0.1:9000/callback")
        }
        if components.fragment != nil {
            throw fail("a redirect URI may not contain a fragment (#…)")
        }
        let host = (components.host ?? "").lowercased()
        let bareHost = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if bareHost == "localhost" || bareHost.hasSuffix(".localhost") {
            let port = components.port.map { ":\($0)" } ?? ""
            throw fail(
                "Spotify no longer accepts \"localhost\" in redirect URIs; use the loopback address instead, "
                    + "e.g. http://127.0.0.1\(port)\(components.path.isEmpty ? "/callback" : components.path)"
            )
        }
        switch scheme {
        case "https":
            guard !host.isEmpty else { throw fail("an https redirect URI needs a host") }
        case "http":
            guard RedirectURI.isLoopbackLiteral(bareHost) else {
                throw fail(
                    "Spotify accepts http only on the loopback addresses 127.0.0.1 and [::1]; "
                        + "use https://\(host.isEmpty ? "your.domain" : host)\(components.path) for a public server"
                )
            }
        default:
            // App-specific schemes (com.example.app:/callback) are still allowed for native apps.
            break
        }
        self.url = url
    }

    /// Whether the URI is a loopback IP literal, for which Spotify accepts any port at request
    /// time when the registered URI has none.
    public var isLoopback: Bool {
        let host = (url.host ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return url.scheme?.lowercased() == "http" && RedirectURI.isLoopbackLiteral(host)
    }

    /// Whether cookies set by an app behind this URI should be `Secure`.
    public var isSecure: Bool { url.scheme?.lowercased() == "https" }

    public var description: String { url.absoluteString }

    static func isLoopbackLiteral(_ host: String) -> Bool {
        host == "127.0.0.1" || host == "::1"
    }
}
