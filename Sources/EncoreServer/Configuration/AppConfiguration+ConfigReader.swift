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
    /// - `encore.history` (`on`/`off`, default `on`): the listening-history recorder.
    /// - `encore.history.interval` (seconds, 1–86400, default 1500): the mean time between two
    ///   polls of one listener's recently played.
    /// - `encore.history.lease` (seconds, 1–3600, default 120): how long a claimed listener stays
    ///   with one instance.
    /// - `encore.history.polls.per.minute` (1–100000, default 600): polls one instance starts per minute.
    /// - `encore.history.upload.max.bytes` (default 268435456): the largest streaming-history upload.
    /// - `encore.history.max.plays` (1000–100000000, default 2000000): the most entries one
    ///   listener's history may hold.
    /// - `encore.history.import.timeout` (seconds, 10–86400, default 1800): how long one import may run.
    /// - `encore.history.unpack.max.bytes` (default 4294967296): the most an upload's ZIPs may unpack to.
    ///
    /// - Throws: ``SpotifyConfigurationError`` naming the variable and what to use instead.
    public init(reader: ConfigReader) throws(SpotifyConfigurationError) {
        self.init()
        let encore = reader.scoped(to: "encore")
        try readServer(encore)
        try readLimits(encore)
        try readHistory(encore)
        try readSpotify(reader.scoped(to: "spotify"))
    }

    private mutating func readHistory(_ encore: ConfigReader) throws(SpotifyConfigurationError) {
        if let switchText = encore.string(forKey: "history") {
            switch switchText.lowercased() {
            case "on", "true", "1", "yes": history.enabled = true
            case "off", "false", "0", "no": history.enabled = false
            default: throw SpotifyConfigurationError(key: "ENCORE_HISTORY", message: "\"\(switchText)\" is neither on nor off")
            }
        }
        history.interval =
            try Self.seconds(
                encore, "history.interval", "ENCORE_HISTORY_INTERVAL", in: 1...86_400,
                {
                    "\"\($0)\" is not a number of seconds from 1 to 86400 (recently played keeps about 2.5 hours of plays)"
                }) ?? history.interval
        history.lease =
            try Self.seconds(
                encore, "history.lease", "ENCORE_HISTORY_LEASE", in: 1...3600,
                {
                    "\"\($0)\" is not a number of seconds from 1 to 3600"
                }) ?? history.lease
        history.pollsPerMinute =
            try Self.int(
                encore, "history.polls.per.minute", "ENCORE_HISTORY_POLLS_PER_MINUTE", in: 1...100_000,
                {
                    "\"\($0)\" is not a number of polls per minute (1–100000)"
                }) ?? history.pollsPerMinute
        historyUploadMaxBytes = Int64(
            try Self.int(
                encore, "history.upload.max.bytes", "ENCORE_HISTORY_UPLOAD_MAX_BYTES", in: 1_048_576...Int(Int32.max) * 4,
                {
                    "\"\($0)\" is not a number of bytes from 1048576 (1 MiB) to 8589934588 (8 GiB)"
                }) ?? Int(historyUploadMaxBytes))
        historyImport.maxEntries =
            try Self.int(
                encore, "history.max.plays", "ENCORE_HISTORY_MAX_PLAYS", in: 1_000...100_000_000,
                {
                    "\"\($0)\" is not a number of plays from 1000 to 100000000"
                }) ?? historyImport.maxEntries
        historyImport.timeLimit =
            try Self.seconds(
                encore, "history.import.timeout", "ENCORE_HISTORY_IMPORT_TIMEOUT", in: 10...86_400,
                {
                    "\"\($0)\" is not a number of seconds from 10 to 86400"
                }) ?? historyImport.timeLimit
        historyImport.maxUnpackedBytes = Int64(
            try Self.int(
                encore, "history.unpack.max.bytes", "ENCORE_HISTORY_UNPACK_MAX_BYTES", in: 1_048_576...(64 << 30),
                {
                    "\"\($0)\" is not a number of bytes from 1048576 (1 MiB) to 68719476736 (64 GiB)"
                }) ?? Int(historyImport.maxUnpackedBytes))
    }

    private mutating func readServer(_ encore: ConfigReader) throws(SpotifyConfigurationError) {
        host = encore.string(forKey: "host", default: host)
        port = try Self.int(encore, "port", "ENCORE_PORT", in: 0...65535, { "\"\($0)\" is not a port number (0–65535)" }) ?? port
        if let url = encore.string(forKey: "database.url", isSecret: true), !url.isEmpty {
            database = try DatabaseLocation(parsing: url)
        }
        databasePoolSize =
            try Self.int(
                encore, "database.pool.size", "ENCORE_DATABASE_POOL_SIZE", in: 1...500,
                {
                    "\"\($0)\" is not a connection count (1–500)"
                }) ?? databasePoolSize
        spotifyConnections =
            try Self.int(
                encore, "spotify.connections", "ENCORE_SPOTIFY_CONNECTIONS", in: 1...1000,
                {
                    "\"\($0)\" is not a connection count (1–1000)"
                }) ?? spotifyConnections
        if let encoded = encore.string(forKey: "secret.key", isSecret: true), !encoded.isEmpty {
            secretKey = try Self.decodeSecretKey(encoded)
        }
        if let previous = encore.string(forKey: "previous.secret.keys", isSecret: true), !previous.isEmpty {
            previousSecretKeys = try previous.split(separator: ",").map { (text) throws(SpotifyConfigurationError) in
                do {
                    return try Self.decodeSecretKey(String(text))
                } catch {
                    throw SpotifyConfigurationError(
                        key: "ENCORE_PREVIOUS_SECRET_KEYS", message: "each key must be 32 random bytes in base64, separated by commas")
                }
            }
        }
        if let level = encore.string(forKey: "log.level") {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
                throw SpotifyConfigurationError(
                    key: "ENCORE_LOG_LEVEL", message: "\"\(level)\" is not a level; use trace, debug, info, notice, warning, error or critical")
            }
            logLevel = parsed
        }
        if let address = encore.string(forKey: "metrics.address"), !address.isEmpty {
            guard let parsed = Self.hostAndPort(address) else {
                throw SpotifyConfigurationError(key: "ENCORE_METRICS_ADDRESS", message: "\"\(address)\" is not host:port, e.g. 127.0.0.1:9464")
            }
            metricsAddress = parsed
        }
    }

    private mutating func readLimits(_ encore: ConfigReader) throws(SpotifyConfigurationError) {
        cacheTTL =
            try Self.seconds(
                encore, "cache.ttl", "ENCORE_CACHE_TTL", in: 0...Double.greatestFiniteMagnitude,
                {
                    "\"\($0)\" is not a number of seconds (0 turns the cache off)"
                }) ?? cacheTTL
        sessionCacheTTL =
            try Self.seconds(
                encore, "session.cache.ttl", "ENCORE_SESSION_CACHE_TTL", in: 0...60,
                {
                    "\"\($0)\" is not a number of seconds from 0 to 60 (a sign-out on another instance takes this long to reach this one)"
                }) ?? sessionCacheTTL
        cacheMaxBytes =
            try Self.int(
                encore, "cache.max.bytes", "ENCORE_CACHE_MAX_BYTES", in: 0...Int.max,
                {
                    "\"\($0)\" is not a number of bytes (268435456 is 256 MiB)"
                }) ?? cacheMaxBytes
        userRateLimit =
            try Self.int(
                encore, "user.rate.limit", "ENCORE_USER_RATE_LIMIT", in: 0...100_000,
                {
                    "\"\($0)\" is not a number of calls per 30 s (0 turns the limit off)"
                }) ?? userRateLimit
        idleTimeout =
            try Self.seconds(
                encore, "idle.timeout", "ENCORE_IDLE_TIMEOUT", in: 1...3600,
                {
                    "\"\($0)\" is not a number of seconds from 1 to 3600"
                }) ?? idleTimeout
    }

    /// Without `spotify.client.id` this stays in demo mode.
    private mutating func readSpotify(_ spotifyReader: ConfigReader) throws(SpotifyConfigurationError) {
        guard let clientID = spotifyReader.string(forKey: "client.id"), !clientID.isEmpty else { return }
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

    /// A whole number in `range`, `nil` when unset; otherwise an error naming `variable`.
    private static func int(
        _ reader: ConfigReader, _ key: ConfigKey, _ variable: String, in range: ClosedRange<Int>, _ explain: (String) -> String
    ) throws(SpotifyConfigurationError) -> Int? {
        guard let text = reader.string(forKey: key) else { return nil }
        guard let value = Int(text), range.contains(value) else { throw SpotifyConfigurationError(key: variable, message: explain(text)) }
        return value
    }

    /// A finite number of seconds in `range`, `nil` when unset; otherwise an error naming `variable`.
    private static func seconds(
        _ reader: ConfigReader, _ key: ConfigKey, _ variable: String, in range: ClosedRange<Double>, _ explain: (String) -> String
    ) throws(SpotifyConfigurationError) -> Duration? {
        guard let text = reader.string(forKey: key) else { return nil }
        guard let value = Double(text), value.isFinite, range.contains(value) else {
            throw SpotifyConfigurationError(key: variable, message: explain(text))
        }
        return .interval(value)
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
            throw SpotifyConfigurationError(
                key: "ENCORE_SECRET_KEY", message: "must be 32 random bytes in base64; make one with: openssl rand -base64 32")
        }
        return SymmetricKey(data: bytes)
    }
}
