import Configuration
import Crypto
import Foundation
import Logging
import SpotifyWebAPI

extension AppConfiguration {
    /// The variables whose values never appear in logs or access reports.
    static let secretVariables: Set<String> = ["SPOTIFY_CLIENT_SECRET", "ENCORE_SECRET_KEY", "ENCORE_PREVIOUS_SECRET_KEYS", "ENCORE_DATABASE_URL"]

    /// Reads the configuration with swift-configuration.
    ///
    /// ## Configuration keys
    /// - `spotify.…`: as ``SpotifyClientConfiguration/init(reader:)`` (`SPOTIFY_CLIENT_ID`, …);
    ///   without `spotify.client.id` the result is in demo mode (``spotify`` is `nil`).
    ///   `spotify.redirect.uri` defaults to `http://127.0.0.1:{port}/callback`.
    /// - `encore.host` (default `127.0.0.1`), `encore.port` (default 9000).
    /// - `encore.database.url` (secret; default `sqlite://.encore/encore.sqlite`).
    /// - `encore.database.pool.size` (default 8): the most PostgreSQL connections per instance.
    /// - `encore.spotify.connections` (default 64): HTTP/1.1 connections kept per Spotify host.
    /// - `encore.secret.key` (secret; base64 of 32 bytes).
    /// - `encore.previous.secret.keys` (secret): earlier keys, comma-separated, still read during a rotation.
    /// - `encore.log.level` (`trace` … `critical`, default `info`).
    /// - `encore.cache.ttl` (seconds, default 30; 0 turns the cache off).
    /// - `encore.session.cache.ttl` (seconds, 0–60, default 0): PostgreSQL instances reuse a session
    ///   read this recently.
    /// - `encore.cache.max.bytes` (default 268435456): the most bytes of answers the cache holds.
    /// - `encore.user.rate.limit` (default 60; 0 = no limit): Spotify calls one user may cause
    ///   per rolling 30 s.
    /// - `encore.idle.timeout` (seconds, 1–3600, default 30): a client connection silent or
    ///   half-sent this long is closed.
    /// - `encore.metrics.address` (`host:port`): serve `/metrics` there alone, not on the app's port.
    ///
    /// - Throws: ``SpotifyConfigurationError`` naming the variable and what to use instead.
    public init(reader: ConfigReader) throws(SpotifyConfigurationError) {
        self.init()
        let encore = reader.scoped(to: "encore")
        host = encore.string(forKey: "host", default: host)
        if let portText = encore.string(forKey: "port") {
            guard let value = Int(portText), (0...65535).contains(value) else {
                throw SpotifyConfigurationError(key: "ENCORE_PORT", message: "\"\(portText)\" is not a port number (0–65535)")
            }
            port = value
        }
        if let url = encore.string(forKey: "database.url", isSecret: true), !url.isEmpty {
            database = try DatabaseLocation(parsing: url)
        }
        if let size = encore.string(forKey: "database.pool.size") {
            guard let value = Int(size), (1...500).contains(value) else {
                throw SpotifyConfigurationError(key: "ENCORE_DATABASE_POOL_SIZE", message: "\"\(size)\" is not a connection count (1–500)")
            }
            databasePoolSize = value
        }
        if let count = encore.string(forKey: "spotify.connections") {
            guard let value = Int(count), (1...1000).contains(value) else {
                throw SpotifyConfigurationError(key: "ENCORE_SPOTIFY_CONNECTIONS", message: "\"\(count)\" is not a connection count (1–1000)")
            }
            spotifyConnections = value
        }
        if let encoded = encore.string(forKey: "secret.key", isSecret: true), !encoded.isEmpty {
            secretKey = try Self.decodeSecretKey(encoded)
        }
        if let previous = encore.string(forKey: "previous.secret.keys", isSecret: true), !previous.isEmpty {
            previousSecretKeys = try previous.split(separator: ",").map { (text) throws(SpotifyConfigurationError) in
                do {
                    return try Self.decodeSecretKey(String(text))
                } catch {
                    throw SpotifyConfigurationError(key: "ENCORE_PREVIOUS_SECRET_KEYS", message: "each key must be 32 random bytes in base64, separated by commas")
                }
            }
        }
        if let level = encore.string(forKey: "log.level") {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
                throw SpotifyConfigurationError(key: "ENCORE_LOG_LEVEL", message: "\"\(level)\" is not a level; use trace, debug, info, notice, warning, error or critical")
            }
            logLevel = parsed
        }
        if let ttl = encore.string(forKey: "cache.ttl") {
            guard let seconds = Double(ttl), seconds >= 0, seconds.isFinite else {
                throw SpotifyConfigurationError(key: "ENCORE_CACHE_TTL", message: "\"\(ttl)\" is not a number of seconds (0 turns the cache off)")
            }
            cacheTTL = .interval(seconds)
        }
        if let ttl = encore.string(forKey: "session.cache.ttl") {
            guard let seconds = Double(ttl), seconds >= 0, seconds <= 60 else {
                throw SpotifyConfigurationError(
                    key: "ENCORE_SESSION_CACHE_TTL",
                    message: "\"\(ttl)\" is not a number of seconds from 0 to 60 (a sign-out on another instance takes this long to reach this one)"
                )
            }
            sessionCacheTTL = .interval(seconds)
        }
        if let bytes = encore.string(forKey: "cache.max.bytes") {
            guard let value = Int(bytes), value >= 0 else {
                throw SpotifyConfigurationError(key: "ENCORE_CACHE_MAX_BYTES", message: "\"\(bytes)\" is not a number of bytes (268435456 is 256 MiB)")
            }
            cacheMaxBytes = value
        }
        if let limit = encore.string(forKey: "user.rate.limit") {
            guard let value = Int(limit), (0...100_000).contains(value) else {
                throw SpotifyConfigurationError(key: "ENCORE_USER_RATE_LIMIT", message: "\"\(limit)\" is not a number of calls per 30 s (0 turns the limit off)")
            }
            userRateLimit = value
        }
        if let idle = encore.string(forKey: "idle.timeout") {
            guard let seconds = Double(idle), seconds >= 1, seconds <= 3600 else {
                throw SpotifyConfigurationError(key: "ENCORE_IDLE_TIMEOUT", message: "\"\(idle)\" is not a number of seconds from 1 to 3600")
            }
            idleTimeout = .interval(seconds)
        }
        if let address = encore.string(forKey: "metrics.address"), !address.isEmpty {
            guard let parsed = Self.hostAndPort(address) else {
                throw SpotifyConfigurationError(key: "ENCORE_METRICS_ADDRESS", message: "\"\(address)\" is not host:port, e.g. 127.0.0.1:9464")
            }
            metricsAddress = parsed
        }

        let spotifyReader = reader.scoped(to: "spotify")
        if let clientID = spotifyReader.string(forKey: "client.id"), !clientID.isEmpty {
            do {
                var spotify = try SpotifyClientConfiguration(reader: spotifyReader)
                if spotify.redirectURI == nil {
                    spotify.redirectURI = try RedirectURI("http://127.0.0.1:\(port == 0 ? 9000 : port)/callback")
                }
                self.spotify = spotify
            } catch {
                // Name the variable the person sets, not the internal key.
                throw SpotifyConfigurationError(key: "SPOTIFY_" + error.key.uppercased().replacingOccurrences(of: ".", with: "_"), message: error.message)
            }
        }
    }

    /// Reads the process environment, then a `.env` file, then `overrides` (flags), each winning
    /// over the ones before.
    /// - Parameters:
    ///   - environment: The process environment.
    ///   - dotEnvPath: A `.env` file; a missing file is fine.
    ///   - overrides: Values from command-line flags, by variable name (`ENCORE_PORT`).
    /// - Returns: The configuration and the `.env` lines that could not be read.
    public static func load(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        dotEnvPath: String? = ".env",
        overrides: [String: String] = [:]
    ) throws(SpotifyConfigurationError) -> (configuration: AppConfiguration, malformedDotEnvLines: [Int]) {
        var dotEnv = DotEnvFile(parsing: "")
        if let dotEnvPath, let text = try? String(contentsOfFile: dotEnvPath, encoding: .utf8) {
            dotEnv = DotEnvFile(parsing: text)
        }
        let secrets = SecretsSpecifier<String, String>.specific(secretVariables)
        let reader = ConfigReader(providers: [
            EnvironmentVariablesProvider(environmentVariables: overrides, secretsSpecifier: secrets),
            EnvironmentVariablesProvider(environmentVariables: environment, secretsSpecifier: secrets),
            EnvironmentVariablesProvider(environmentVariables: dotEnv.values, secretsSpecifier: secrets),
        ])
        return (try AppConfiguration(reader: reader), dotEnv.malformedLines)
    }

    /// `host:port`, `[v6]:port`.
    static func hostAndPort(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, !host.contains("/"), !host.contains(" ") else { return nil }
        return (host, port)
    }

    static func decodeSecretKey(_ encoded: String) throws(SpotifyConfigurationError) -> SymmetricKey {
        guard let bytes = Data(base64Encoded: encoded.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32 else {
            throw SpotifyConfigurationError(key: "ENCORE_SECRET_KEY", message: "must be 32 random bytes in base64; make one with: openssl rand -base64 32")
        }
        return SymmetricKey(data: bytes)
    }
}
