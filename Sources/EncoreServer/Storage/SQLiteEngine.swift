import Foundation
import Logging
import NIOPosix
import SQLKit
import SQLiteKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// SQLite through one connection, for a single Encore process.
final class SQLiteEngine: SQLEngine {
    let dialect = StorageDialect.sqlite
    private let connection: SQLiteConnection
    private let database: any SQLDatabase
    private let lock = AsyncSerialLock()

    private init(connection: SQLiteConnection) {
        self.connection = connection
        self.database = connection.sql(queryLogLevel: nil)
    }

    /// Opens (and creates, mode 0600) a SQLite file, or an in-memory database when `path` is `nil`.
    static func open(path: String?, logger: Logger) async throws -> SQLiteEngine {
        let storage: SQLiteConnection.Storage
        if let path {
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            }
            // A symlink or another user's file is refused; ours is made private (and its WAL and
            // shared-memory files with it), or created private before SQLite opens it.
            for file in [path, path + "-wal", path + "-shm"] {
                do {
                    _ = try PrivateFile.check(file)
                } catch {
                    throw StorageError.unavailable("cannot use the SQLite database at \(file): \(PrivateFile.reason(error, path: file))")
                }
            }
            try? PrivateFile.create(path, exclusive: false).close()
            storage = .file(path: path)
        } else {
            storage = .memory
        }
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(storage: storage, logger: logger)
        } catch {
            throw StorageError.unavailable("cannot open the SQLite database at \(path ?? ":memory:"): \(error)")
        }
        let engine = SQLiteEngine(connection: connection)
        try await engine.withDatabase { database in
            if path != nil { try await database.raw("PRAGMA journal_mode = WAL").run() }
            try await database.raw("PRAGMA busy_timeout = 5000").run()
            try await database.raw("PRAGMA synchronous = NORMAL").run()
            // The history's pages read megabytes of rollups and packs, and an import rewrites the
            // per-track rollups with every batch: SQLite's 2 MB cache read them again and again
            // (17 % of a recap's time was the kernel copying pages). A memory map was tried too:
            // it slowed a million-play import by 8 % and put the file in the process's RSS.
            try await database.raw("PRAGMA cache_size = \(unsafeRaw: String(-Self.cacheKiB))").run()
        }
        return engine
    }

    /// SQLite's page cache: 16 MiB of memory at most (the one connection's).
    static let cacheKiB = 16_384

    /// One connection in this process, which does not die under a statement: `idempotent` changes nothing.
    func withDatabase<T: Sendable>(idempotent: Bool, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await lock.withLock {
            try await Self.translatingErrors { try await body(database) }
        }
    }

    /// SQLite's statements run in this process to the end: `limit` changes nothing either.
    func withDatabase<T: Sendable>(
        idempotent: Bool, limit: Duration, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        try await withDatabase(idempotent: idempotent, body)
    }

    /// One connection in this process, which does not die under a transaction: `limit` changes nothing.
    func withTransaction<T: Sendable>(limit: Duration?, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await lock.withLock {
            // IMMEDIATE takes the write lock at once, so the transaction cannot fail halfway on it.
            try await Self.translatingErrors { try await database.transaction(begin: "BEGIN IMMEDIATE", body) }
        }
    }

    /// SQLite has no background work: its connections are opened on demand.
    func run() async {}

    /// Closes once no statement is running, and even when the stopping task was cancelled:
    /// SQLiteNIO's thread pool skips the work of a cancelled task, and a connection left open
    /// traps when it is freed (seen when a test's app was cancelled as it stopped).
    func close() async {
        let connection = self.connection, lock = self.lock
        // A task of its own: cancellation does not reach it.
        await Task { _ = try? await lock.withLock { try await connection.close() } }.value
    }

    private static func translatingErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as SQLiteError {
            throw StorageError.unavailable("SQLite: \(error.message)")
        }
    }
}
