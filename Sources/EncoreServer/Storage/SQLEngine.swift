import Foundation
import SQLKit
import Synchronization

/// The differences between the SQL engines, written down once.
struct StorageDialect: Sendable {
    /// The engine's name, for logs and `/healthz`.
    var name: String
    /// Run first inside the migration transaction so instances starting together take turns.
    var migrationLock: String?
    /// Whether one process owns the database (SQLite): at start-up nothing another process
    /// claimed can still be in progress.
    var ownedByOneProcess: Bool
    /// After `CREATE TABLE (…)` for tables keyed by their primary key alone: SQLite stores such a
    /// table in its key's b-tree (`WITHOUT ROWID`) instead of a table and an index.
    var keyedTableOptions: String
    /// The column type of bytes stored as they are (`BLOB`, `BYTEA`).
    var bytesType: String
    /// After a `SELECT` that locks the rows it reads until the transaction ends (SQLite's
    /// `BEGIN IMMEDIATE` already holds the one write lock).
    var lockRows: String
    /// After a `SELECT` that claims rows: those another transaction holds are passed over.
    var claimRows: String
    /// Whether a check against stored plays names its statement's time window as constants.
    /// PostgreSQL then reads only the plays in it (without, it hashed every play of the listener
    /// for each statement); SQLite would take that window instead of each row's own few seconds
    /// as its index range and scan the window once a row (a re-import went from 11 to 76 s).
    var boundsPlayChecks: Bool
    /// Whether rollup rows are written as one array per column (`unnest`), not as literals.
    /// PostgreSQL parsed a million-play import's literal `VALUES` lists for most of its 53 s.
    var writesArrays: Bool
    /// Whether a statement with two `IN` lists on a key's columns is a lookup per pair (SQLite);
    /// PostgreSQL 15 scans the table for it instead, and reads an index of the second column.
    var looksUpKeyLists: Bool
    /// Whether the planner's statistics are worth taking after a large import (`ANALYZE`).
    var analyzes: Bool
    /// Whether statements can count local days themselves (`AT TIME ZONE` with IANA names).
    var knowsTimeZones: Bool

    static let sqlite = StorageDialect(
        name: "sqlite", migrationLock: nil, ownedByOneProcess: true, keyedTableOptions: " WITHOUT ROWID", bytesType: "BLOB", lockRows: "",
        claimRows: "", boundsPlayChecks: false, writesArrays: false, looksUpKeyLists: true, analyzes: false, knowsTimeZones: false)
    static let postgres = StorageDialect(
        name: "postgresql", migrationLock: "SELECT pg_advisory_xact_lock(7305226371)", ownedByOneProcess: false, keyedTableOptions: "",
        bytesType: "BYTEA", lockRows: " FOR UPDATE", claimRows: " FOR UPDATE SKIP LOCKED",
        boundsPlayChecks: true, writesArrays: true, looksUpKeyLists: false, analyzes: true, knowsTimeZones: true)
}

/// One database engine: how to get a connection and run a transaction on it.
protocol SQLEngine: Sendable {
    var dialect: StorageDialect { get }
    /// Runs the engine's background work (PostgreSQL's connection pool) until cancelled;
    /// returns at once when there is none.
    func run() async
    /// Runs statements outside a transaction.
    ///
    /// - Parameter idempotent: whether running `body` twice does no harm (reads, updates,
    ///   deletes); such a body is run again on another connection when its connection dies
    ///   under it.
    func withDatabase<T: Sendable>(idempotent: Bool, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    /// The same, for statements that may take longer than a request's quick ones (a year of
    /// listening summed up): `limit` bounds the statements, not only the wait for a connection.
    func withDatabase<T: Sendable>(
        idempotent: Bool, limit: Duration, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T
    /// Runs statements in one transaction: committed when `body` returns, rolled back when it throws.
    ///
    /// - Parameter limit: how long it may take; `nil` for the engine's own transaction limit.
    func withTransaction<T: Sendable>(limit: Duration?, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    func close() async
}

extension SQLEngine {
    /// Runs statements that must not run twice (an insert, a take) outside a transaction.
    func withDatabase<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await withDatabase(idempotent: false, body)
    }

    /// Runs statements in one transaction within the engine's own transaction limit.
    func withTransaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await withTransaction(limit: nil, body)
    }
}

extension SQLDatabase {
    /// Runs `body` between `begin` and `COMMIT`, rolling back when it throws.
    func transaction<T>(begin: String, _ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await raw(SQLQueryString(begin)).run()
        do {
            let result = try await body(self)
            try await raw("COMMIT").run()
            return result
        } catch {
            try? await raw("ROLLBACK").run()
            throw error
        }
    }
}

/// A first-come, first-served lock for async code.
///
/// SQLite gets one connection; this lock keeps one transaction (or statement) on it at a time, so
/// a statement of one request can never land inside another request's transaction.
final class AsyncSerialLock: Sendable {
    private struct State {
        var locked = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    func withLock<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let acquired = state.withLock { state -> Bool in
                if state.locked {
                    state.waiters.append(continuation)
                    return false
                }
                state.locked = true
                return true
            }
            if acquired { continuation.resume() }
        }
    }

    private func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.waiters.isEmpty {
                state.locked = false
                return nil
            }
            // The lock passes straight to the next waiter.
            return state.waiters.removeFirst()
        }
        next?.resume()
    }
}
