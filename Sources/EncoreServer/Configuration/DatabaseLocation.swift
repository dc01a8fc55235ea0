import Foundation
import SpotifyWebAPI

/// Where Encore keeps sessions, used sign-in states and tokens (`ENCORE_DATABASE_URL`).
public enum DatabaseLocation: Sendable, Hashable, CustomStringConvertible {
    /// A SQLite file; its folder is created when missing.
    case sqliteFile(path: String)
    /// A SQLite database that lives as long as the process.
    case sqliteMemory
    /// A PostgreSQL server, as a `postgres://user:pass@host:port/db` URL.
    case postgres(url: String)

    /// The default: `sqlite://.encore/encore.sqlite`.
    public static let `default` = DatabaseLocation.sqliteFile(path: ".encore/encore.sqlite")

    /// Reads `sqlite://PATH`, `sqlite::memory:` or `postgres://…` (also `postgresql://…`).
    /// - Throws: ``SpotifyConfigurationError`` naming `ENCORE_DATABASE_URL`.
    public init(parsing value: String) throws(SpotifyConfigurationError) {
        if value == "sqlite::memory:" || value == "sqlite://:memory:" {
            self = .sqliteMemory
        } else if value.hasPrefix("sqlite://") {
            let path = String(value.dropFirst("sqlite://".count))
            guard !path.isEmpty else {
                throw SpotifyConfigurationError(key: "ENCORE_DATABASE_URL", message: "sqlite:// needs a path, e.g. sqlite://.encore/encore.sqlite")
            }
            self = .sqliteFile(path: path)
        } else if value.hasPrefix("postgres://") || value.hasPrefix("postgresql://") {
            guard let components = URLComponents(string: value), components.host?.isEmpty == false else {
                throw SpotifyConfigurationError(
                    key: "ENCORE_DATABASE_URL", message: "the PostgreSQL URL is malformed; use postgres://user:password@host:5432/database")
            }
            self = .postgres(url: value)
        } else {
            throw SpotifyConfigurationError(
                key: "ENCORE_DATABASE_URL", message: "use sqlite://PATH, sqlite::memory: or postgres://user:password@host:5432/database")
        }
    }

    /// Whether other processes (other instances) may change the data under this one.
    var isSharedServer: Bool {
        if case .postgres = self { return true }
        return false
    }

    /// Names the engine and place without the password.
    public var description: String {
        switch self {
        case .sqliteFile(let path): return "sqlite://\(path)"
        case .sqliteMemory: return "sqlite::memory:"
        case .postgres(let url):
            if var components = URLComponents(string: url) {
                if components.password != nil { components.password = "redacted" }
                components.query = nil
                return components.string ?? "postgres://(unreadable)"
            }
            return "postgres://(unreadable)"
        }
    }
}
