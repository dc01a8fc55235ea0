import Foundation
import Logging
import NIOSSL
import PostgresKit
import SQLKit
import Synchronization

/// PostgreSQL through PostgresNIO's connection pool, for several Encore instances.
final class PostgresEngine: SQLEngine {
    let dialect = StorageDialect.postgres
    private let client: PostgresClient
    private let logger: Logger
    /// How long a request waits for a connection before the database counts as unavailable.
    private let leaseTimeout: Duration
    /// After a failure, requests fail at once for this long, then one request probes.
    private let retryInterval: Duration = .seconds(2)
    private let breaker = Mutex(Breaker())

    /// Remembers an outage so that waiting requests do not each wait out the lease timeout.
    private struct Breaker {
        var openUntil: ContinuousClock.Instant?
        var probing = false
    }

    init(url: String, poolSize: Int, logger: Logger, leaseTimeout: Duration = .seconds(2)) throws(StorageError) {
        guard let components = URLComponents(string: url), let host = components.host, let user = components.user else {
            throw StorageError.unavailable("the PostgreSQL URL needs a user and a host: postgres://user:password@host:5432/database")
        }
        let sslMode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        let tls: PostgresClient.Configuration.TLS
        switch sslMode {
        case "disable": tls = .disable
        case "require", "verify-full", "verify-ca": tls = .require(.makeClientConfiguration())
        default: tls = .prefer(.makeClientConfiguration())
        }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        var configuration = PostgresClient.Configuration(
            host: host,
            port: components.port ?? 5432,
            username: user.removingPercentEncoding ?? user,
            password: components.password?.removingPercentEncoding,
            database: database.isEmpty ? nil : database,
            tls: tls
        )
        configuration.options.maximumConnections = max(1, poolSize)
        configuration.options.connectTimeout = leaseTimeout
        // Every lease returned to the pool starts an idle timer and a keep-alive timer, and a
        // cancelled timer keeps its memory until its deadline: at thousands of leases a second,
        // the defaults (60 s, 30 s) held a couple of hundred MB. Shorter timers hold less; two
        // connections stay open so quiet periods do not mean reconnecting.
        configuration.options.minimumConnections = min(2, max(1, poolSize))
        configuration.options.connectionIdleTimeout = .seconds(10)
        configuration.options.keepAliveBehavior?.frequency = .seconds(10)
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
        self.leaseTimeout = leaseTimeout
    }

    /// Runs the pool until the task is cancelled.
    func run() async {
        await client.run()
    }

    func withDatabase<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let client = self.client
        return try await translatingErrors {
            try await client.withConnection { connection in
                try await body(connection.sql(queryLogLevel: nil))
            }
        }
    }

    /// Not raced against the lease timeout: a transaction may hold a refresh call to Spotify.
    func withTransaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await translating {
            try await client.withConnection { connection in
                try await connection.sql(queryLogLevel: nil).transaction(begin: "BEGIN", body)
            }
        }
    }

    func close() async {}

    /// Fails fast when no connection can be had, instead of making the request wait.
    private func translatingErrors<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let timeout = leaseTimeout
        return try await translating {
            try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask { try await body() }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let value = first else {
                    throw StorageError.unavailable("PostgreSQL did not answer within \(timeout)")
                }
                return value
            }
        }
    }

    /// Database failures become ``StorageError``; errors of the caller's own pass through.
    ///
    /// While the database is known to be down, calls fail at once (a quick 503) and one call at
    /// a time probes it, so the app recovers by itself when it returns.
    private func translating<T>(_ body: () async throws -> T) async throws -> T {
        try admit()
        do {
            let result = try await body()
            breaker.withLock { $0 = Breaker() }
            return result
        } catch let error as PSQLError where error.code == .server {
            // The database answered: this query failed, the next one may not. Only the SQLSTATE
            // and the server's message are kept; its detail field can quote row values.
            breaker.withLock { $0 = Breaker() }
            let state = error.serverInfo?[.sqlState] ?? "?"
            throw StorageError.failed("PostgreSQL \(state): \(error.serverInfo?[.message] ?? "no message")")
        } catch let error as PSQLError {
            tripBreaker()
            throw StorageError.unavailable("PostgreSQL: \(error.code)")
        } catch let error as StorageError {
            tripBreaker()
            throw error
        } catch {
            breaker.withLock { $0.probing = false }
            throw error
        }
    }

    private func admit() throws(StorageError) {
        let now = ContinuousClock.now
        let admitted = breaker.withLock { breaker -> Bool in
            guard let until = breaker.openUntil else { return true }
            if now < until || breaker.probing { return false }
            breaker.probing = true
            return true
        }
        guard admitted else { throw StorageError.unavailable("PostgreSQL is unreachable; retrying") }
    }

    private func tripBreaker() {
        let until = ContinuousClock.now + retryInterval
        breaker.withLock { $0 = Breaker(openUntil: until, probing: false) }
    }
}
