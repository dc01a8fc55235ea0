import Crypto
import Foundation
import Logging
import SpotifyWebAPI

/// Everything the web app needs to know, with the defaults from the configuration table.
public struct AppConfiguration: Sendable {
    /// How to reach Spotify (or the emulator); `nil` means demo mode, filled in by `encore serve`.
    public var spotify: SpotifyClientConfiguration?
    /// The address to listen on (`ENCORE_HOST`).
    public var host: String
    /// The port to listen on (`ENCORE_PORT`); 0 picks a free one.
    public var port: Int
    /// Where state is stored (`ENCORE_DATABASE_URL`).
    public var database: DatabaseLocation
    /// The most database connections one instance opens (`ENCORE_DATABASE_POOL_SIZE`; PostgreSQL).
    public var databasePoolSize: Int
    /// HTTP/1.1 connections kept open to each Spotify host (`ENCORE_SPOTIFY_CONNECTIONS`);
    /// HTTP/2 (Spotify over https) multiplexes on fewer.
    public var spotifyConnections: Int
    /// The token-encryption key (`ENCORE_SECRET_KEY`); when `nil` it is read from, or generated
    /// into, ``secretKeyFile``.
    public var secretKey: SymmetricKey?
    /// Earlier keys, still accepted for reading while a key rotation completes
    /// (`ENCORE_PREVIOUS_SECRET_KEYS`, comma-separated).
    public var previousSecretKeys: [SymmetricKey]
    /// Where a generated key is kept (mode 0600).
    public var secretKeyFile: String
    /// The log level (`ENCORE_LOG_LEVEL`).
    public var logLevel: Logger.Level
    /// How long a user's top list is reused before Spotify is asked again (`ENCORE_CACHE_TTL`);
    /// zero turns the cache off.
    public var cacheTTL: Duration
    /// How long a PostgreSQL instance may answer from a session it read recently instead of asking
    /// the database (`ENCORE_SESSION_CACHE_TTL`); a sign-out on another instance reaches it only
    /// after this long. Zero, the default, reads every time. SQLite always caches, exactly.
    public var sessionCacheTTL: Duration
    /// The most bytes of Spotify answers the response cache holds (`ENCORE_CACHE_MAX_BYTES`).
    public var cacheMaxBytes: Int
    /// Spotify calls one user may cause per rolling 30 s (`ENCORE_USER_RATE_LIMIT`); past it the
    /// user gets 429 and other users are untouched. Zero turns the limit off.
    public var userRateLimit: Int
    /// How long a client connection may stay silent, or stop half-way through a request, before
    /// it is closed (`ENCORE_IDLE_TIMEOUT`).
    public var idleTimeout: Duration
    /// Where `/metrics` is served on its own (`ENCORE_METRICS_ADDRESS`, `host:port`); `nil`
    /// serves it on the app's port. When set, the app's port answers 404 for `/metrics`.
    public var metricsAddress: (host: String, port: Int)?
    /// How long a signed-in session lasts without use.
    public var sessionLifetime: Duration
    /// How long a signed-in session lasts at most from sign-in, however active it is (OWASP's
    /// absolute timeout): a stolen cookie stops working then even if it is used every day.
    public var sessionAbsoluteLifetime: Duration
    /// How long a started sign-in may take.
    public var signInLifetime: Duration
    /// Refresh an access token this long before it expires.
    public var refreshLeeway: Duration
    /// Warn on the home page when the six-month grant ends within this time.
    public var grantWarning: Duration
    /// The largest number of users whose token managers stay in memory.
    public var maxCachedUsers: Int
    /// Extra origins pages may load images from (Spotify's image hosts are derived from the API URL).
    public var extraImageOrigins: [String]
    /// The listening-history recorder (`ENCORE_HISTORY`, `ENCORE_HISTORY_INTERVAL`,
    /// `ENCORE_HISTORY_LEASE`, `ENCORE_HISTORY_POLLS_PER_MINUTE`).
    public var history: HistoryRecorderConfiguration
    /// The largest streaming-history upload accepted (`ENCORE_HISTORY_UPLOAD_MAX_BYTES`).
    public var historyUploadMaxBytes: Int64
    /// What one import may cost (`ENCORE_HISTORY_MAX_PLAYS`, `ENCORE_HISTORY_IMPORT_TIMEOUT`,
    /// `ENCORE_HISTORY_UNPACK_MAX_BYTES`).
    public var historyImport: StreamingHistoryImporter.Limits

    /// The default redirect URI.
    public static let defaultRedirectURI = "http://127.0.0.1:9000/callback"

    /// Creates a configuration; every value has the documented default.
    public init(
        spotify: SpotifyClientConfiguration? = nil,
        host: String = "127.0.0.1",
        port: Int = 9000,
        database: DatabaseLocation = .default,
        databasePoolSize: Int = 8,
        spotifyConnections: Int = 64,
        secretKey: SymmetricKey? = nil,
        previousSecretKeys: [SymmetricKey] = [],
        secretKeyFile: String = ".encore/secret.key",
        logLevel: Logger.Level = .info,
        cacheTTL: Duration = .seconds(30),
        sessionCacheTTL: Duration = .zero,
        cacheMaxBytes: Int = 256 << 20,
        userRateLimit: Int = 60,
        idleTimeout: Duration = .seconds(30),
        metricsAddress: (host: String, port: Int)? = nil,
        sessionLifetime: Duration = .seconds(30 * 24 * 3600),
        sessionAbsoluteLifetime: Duration = .seconds(30 * 24 * 3600),
        signInLifetime: Duration = .seconds(600),
        refreshLeeway: Duration = .seconds(60),
        grantWarning: Duration = .seconds(14 * 24 * 3600),
        maxCachedUsers: Int = 10_000,
        extraImageOrigins: [String] = [],
        history: HistoryRecorderConfiguration = HistoryRecorderConfiguration(),
        historyUploadMaxBytes: Int64 = 256 << 20,
        historyImport: StreamingHistoryImporter.Limits = StreamingHistoryImporter.Limits()
    ) {
        self.spotify = spotify
        self.host = host
        self.port = port
        self.database = database
        self.databasePoolSize = databasePoolSize
        self.spotifyConnections = spotifyConnections
        self.secretKey = secretKey
        self.previousSecretKeys = previousSecretKeys
        self.secretKeyFile = secretKeyFile
        self.logLevel = logLevel
        self.cacheTTL = cacheTTL
        self.sessionCacheTTL = sessionCacheTTL
        self.cacheMaxBytes = cacheMaxBytes
        self.userRateLimit = userRateLimit
        self.idleTimeout = idleTimeout
        self.metricsAddress = metricsAddress
        self.sessionLifetime = sessionLifetime
        self.sessionAbsoluteLifetime = sessionAbsoluteLifetime
        self.signInLifetime = signInLifetime
        self.refreshLeeway = refreshLeeway
        self.grantWarning = grantWarning
        self.maxCachedUsers = maxCachedUsers
        self.extraImageOrigins = extraImageOrigins
        self.history = history
        self.historyUploadMaxBytes = historyUploadMaxBytes
        self.historyImport = historyImport
    }

    /// The origins images come from: Spotify's CDNs for the real API, the API's own origin otherwise
    /// (the emulator serves its covers itself).
    var imageOrigins: [String] {
        guard let api = spotify?.apiBaseURL else { return extraImageOrigins }
        if api.host == "api.spotify.com" {
            return ["https://i.scdn.co", "https://mosaic.scdn.co", "https://image-cdn-ak.spotifycdn.com", "https://image-cdn-fa.spotifycdn.com"]
                + extraImageOrigins
        }
        return [Self.origin(of: api)].compactMap { $0 } + extraImageOrigins
    }

    /// Cookies are marked `Secure` when the app is reached over https.
    var usesHTTPS: Bool { spotify?.redirectURI?.url.scheme?.lowercased() == "https" }

    static func origin(of url: URL) -> String? {
        guard let scheme = url.scheme, let host = url.host else { return nil }
        return url.port.map { "\(scheme)://\(host):\($0)" } ?? "\(scheme)://\(host)"
    }
}
