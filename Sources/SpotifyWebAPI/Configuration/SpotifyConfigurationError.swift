/// A configuration value Spotify would refuse, found before anything is sent.
public struct SpotifyConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The configuration key or parameter at fault, e.g. `redirect.uri`.
    public var key: String
    /// What is wrong and what to use instead.
    public var message: String

    /// Creates a configuration error.
    public init(key: String, message: String) {
        self.key = key
        self.message = message
    }

    public var description: String { "Invalid \(key): \(message)" }
}
