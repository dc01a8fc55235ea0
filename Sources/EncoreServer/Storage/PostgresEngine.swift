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
    /// The pool's size: every one of these connections can die at once, so an idempotent
    /// statement gets one try more.
    private let maximumConnections: Int
    /// How long a transaction may take before its connection counts as lost.
    private let transactionTimeout: Duration
    /// After a failure, requests fail at once for this long, then one request probes.
    private let retryInterval: Duration = .seconds(2)
    private let breaker = Mutex(Breaker())

    private let closings = ConnectionCloseWatch()

    /// Tells the statements running on a connection when it closes.
    ///
    /// One close callback per connection, not per statement: a NIO future keeps every callback
    /// until it completes, and a pooled connection lives for many thousands of statements.
    private final class ConnectionCloseWatch: Sendable {
        private struct State {
            var watchers: [PostgresConnection.ID: [Int: @Sendable () -> Void]] = [:]
            var nextToken = 0
        }

        private let state = Mutex(State())

        /// Calls `onClose` if `connection` closes before the returned closure is called.
        func watch(_ connection: PostgresConnection, onClose: @escaping @Sendable () -> Void) -> @Sendable () -> Void {
            let id = connection.id
            let (token, firstWatch) = state.withLock { state -> (Int, Bool) in
                state.nextToken += 1
                let first = state.watchers[id] == nil
                state.watchers[id, default: [:]][state.nextToken] = onClose
                return (state.nextToken, first)
            }
            if firstWatch {
                connection.closeFuture.whenComplete { _ in self.closed(id) }
            }
            return { self.state.withLock { _ = $0.watchers[id]?.removeValue(forKey: token) } }
        }

        private func closed(_ id: PostgresConnection.ID) {
            let watchers = state.withLock { $0.watchers.removeValue(forKey: id) ?? [:] }
            for onClose in watchers.values { onClose() }
        }
    }

    /// A leased connection that was already closed.
    private struct StaleConnection: Error {}

    /// Whether a call got as far as holding a connection: it tells a dropped connection from an
    /// unreachable database.
    private final class Lease: Sendable {
        private let held = Atomic(false)
        func began() { held.store(true, ordering: .relaxed) }
        var hasBegun: Bool { held.load(ordering: .relaxed) }
    }

    /// Remembers an outage so that waiting requests do not each wait out the lease timeout.
    private struct Breaker {
        var openUntil: ContinuousClock.Instant?
        var probing = false
    }

    /// The URL's `sslmode`; without one, `require` for a server off this machine (the URL carries
    /// a password, and `prefer` lets anyone on the path downgrade to plain text), `prefer` on
    /// loopback.
    static func sslMode(_ components: URLComponents) -> String {
        if let given = components.queryItems?.first(where: { $0.name == "sslmode" })?.value { return given }
        let host = (components.host ?? "").lowercased()
        let loopback = host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.") || host.hasPrefix("/")
        return loopback ? "prefer" : "require"
    }

    init(
        url: String, poolSize: Int, logger: Logger, leaseTimeout: Duration = .seconds(2), transactionTimeout: Duration = .seconds(60)
    ) throws(StorageError) {
        guard let components = URLComponents(string: url), let host = components.host, let user = components.user else {
            throw StorageError.unavailable("the PostgreSQL URL needs a user and a host: postgres://user:password@host:5432/database")
        }
        let tls: PostgresClient.Configuration.TLS
        switch Self.sslMode(components) {
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
        self.maximumConnections = max(1, poolSize)
        configuration.options.connectTimeout = leaseTimeout
        // Every lease returned to the pool starts an idle timer and a keep-alive timer, and a
        // cancelled timer keeps its memory until its deadline: at thousands of leases a second,
        // the defaults (60 s, 30 s) held a couple of hundred MB, and the memory held grows with
        // the timers' length (3,000 sign-ins: 69 MB at 10 s, 61 MB at 5 s, 56 MB at 3 s). Two
        // connections stay open so quiet periods do not mean reconnecting.
        configuration.options.minimumConnections = min(2, max(1, poolSize))
        configuration.options.connectionIdleTimeout = .seconds(5)
        configuration.options.keepAliveBehavior?.frequency = .seconds(5)
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
        self.leaseTimeout = leaseTimeout
        self.transactionTimeout = transactionTimeout
    }

    /// Runs the pool until the task is cancelled.
    func run() async {
        await client.run()
    }

    func withDatabase<T: Sendable>(idempotent: Bool, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await withDatabase(idempotent: idempotent, limit: leaseTimeout, body)
    }

    func withDatabase<T: Sendable>(
        idempotent: Bool, limit: Duration, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        try await withConnection(deadline: max(limit, leaseTimeout), retryingLostConnections: idempotent) { connection in
            try await body(connection.sql(queryLogLevel: nil))
        }
    }

    /// Bounded by the longer transaction timeout by default: a transaction may hold a refresh call to Spotify.
    func withTransaction<T: Sendable>(limit: Duration?, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await withConnection(deadline: limit ?? transactionTimeout, retryingLostConnections: false) { connection in
            try await connection.sql(queryLogLevel: nil).transaction(begin: "BEGIN", body)
        }
    }

    func close() async {}

    /// Runs `body` on a pooled connection, failing fast when none can be had and giving up on a
    /// connection that stops answering, instead of making the request wait.
    ///
    /// A connection found closed before anything was sent is replaced. When `retryingLostConnections`,
    /// so is one that dies under the statement (a restarted backend, a failover, a proxy's idle
    /// cut): a few tries, since every connection in the pool may have died at once.
    private func withConnection<T: Sendable>(
        deadline: Duration, retryingLostConnections: Bool, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let client = self.client
        let closings = self.closings
        let lease = Lease()
        let end = ContinuousClock.now + deadline
        let tries = retryingLostConnections ? maximumConnections + 1 : 3
        return try await translating(lease) {
            for attempt in 1...tries {
                let retry = attempt < tries
                do {
                    let outcome = try await withAbandoningDeadline(end - ContinuousClock.now) { abandon in
                        try await client.withConnection { connection in
                            // The pool can hand out a connection the server closed a moment ago,
                            // and a statement written to it never answers. Nothing has been sent
                            // yet, so taking another connection is safe.
                            guard !connection.isClosed else {
                                // Once the close has run its callbacks, the pool knows too and
                                // will not hand this connection out again.
                                try? await connection.closeFuture.get()
                                throw StaleConnection()
                            }
                            lease.began()
                            // A statement in flight when its connection closes may never answer.
                            let unwatch = closings.watch(connection, onClose: abandon)
                            defer { unwatch() }
                            return try await body(connection)
                        }
                    }
                    switch outcome {
                    case .value(let value):
                        return value
                    case .abandoned where retryingLostConnections && retry:
                        continue
                    case .abandoned:
                        throw StorageError.failed("PostgreSQL closed the connection under a statement")
                    case .timedOut:
                        throw lease.hasBegun
                            ? StorageError.failed("PostgreSQL stopped answering on its connection within \(deadline)")
                            : StorageError.unavailable("PostgreSQL did not answer within \(deadline)")
                    }
                } catch is StaleConnection where retry {
                    continue
                } catch let error as PSQLError where retryingLostConnections && retry && Self.isLostConnection(error) {
                    continue
                }
            }
            throw StaleConnection()
        }
    }

    /// Whether the statement failed because its connection went away, not because of the statement.
    private static func isLostConnection(_ error: PSQLError) -> Bool {
        switch error.code {
        case .serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown:
            return true
        case .server:
            // Class 57 "operator intervention": admin_shutdown (57P01), crash_shutdown (57P02),
            // cannot_connect_now (57P03); the server ends the connection after sending it.
            return error.serverInfo?[.sqlState]?.hasPrefix("57P") == true
        default:
            return false
        }
    }

    /// Database failures become ``StorageError``; errors of the caller's own pass through.
    ///
    /// Only a failure to get a connection counts as an outage: then calls fail at once (a quick
    /// 503) and one call at a time probes, so the app recovers by itself when the database
    /// returns. A connection that dies under a statement (a restarted backend, a proxy's idle
    /// cut) fails that call alone; the pool replaces it and the next call works.
    private func translating<T>(_ lease: Lease, _ body: () async throws -> T) async throws -> T {
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
        } catch let error as PSQLError where lease.hasBegun {
            breaker.withLock { $0.probing = false }
            throw StorageError.failed("PostgreSQL connection lost: \(error.code)")
        } catch is StaleConnection {
            breaker.withLock { $0.probing = false }
            throw StorageError.failed("PostgreSQL connections keep closing")
        } catch let error as PSQLError {
            tripBreaker()
            throw StorageError.unavailable("PostgreSQL: \(error.code)")
        } catch StorageError.unavailable(let reason) {
            tripBreaker()
            throw StorageError.unavailable(reason)
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
