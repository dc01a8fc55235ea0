import Foundation
import SQLKit

/// The schema, as numbered steps applied in order and recorded in `encore_schema_migrations`.
///
/// Types are chosen to mean the same on SQLite and PostgreSQL: times are `BIGINT` Unix seconds,
/// secrets are base64 `TEXT`, so no statement needs an engine-specific branch. `{keyed}` after a
/// table's columns becomes the dialect's ``StorageDialect/keyedTableOptions``, and `{bytes}` its
/// ``StorageDialect/bytesType``. A statement that starts with `{postgresql}` runs on PostgreSQL
/// only: an index one engine's planner needs and the other's does not.
enum Migrations {
    typealias Step = SchemaStep

    /// The store's own steps; its parts (``StoredPart``) bring theirs.
    static let steps: [Step] = [
        Step(
            version: 1, name: "sessions, pending sign-ins and grants",
            statements: [
                """
                CREATE TABLE encore_sessions (
                    id_digest TEXT PRIMARY KEY,
                    user_id TEXT,
                    created_at BIGINT NOT NULL,
                    expires_at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX encore_sessions_user ON encore_sessions (user_id)",
                "CREATE INDEX encore_sessions_expiry ON encore_sessions (expires_at)",
                """
                CREATE TABLE encore_pending_sign_ins (
                    state_digest TEXT PRIMARY KEY,
                    session_digest TEXT NOT NULL,
                    sealed_verifier TEXT NOT NULL,
                    redirect_uri TEXT NOT NULL,
                    return_to TEXT,
                    created_at BIGINT NOT NULL,
                    expires_at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX encore_pending_expiry ON encore_pending_sign_ins (expires_at)",
                """
                CREATE TABLE encore_grants (
                    user_id TEXT PRIMARY KEY,
                    sealed_tokens TEXT NOT NULL,
                    granted_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL
                )
                """,
            ]),
        // A refresh is claimed by a lease with an expiry instead of a row lock held across the
        // call to Spotify: nobody waits on a lock, and a dead holder's claim runs out.
        Step(
            version: 2, name: "refresh claims on grants",
            statements: [
                "ALTER TABLE encore_grants ADD COLUMN refresh_claim TEXT",
                "ALTER TABLE encore_grants ADD COLUMN refresh_claimed_until_ms BIGINT",
            ]),
        // Sign-ins under way live sealed in the browser's cookie, so `/login` writes nothing;
        // the store only remembers which states were used. encore_pending_sign_ins stays while
        // instances of the previous version may still run beside this one.
        Step(
            version: 3, name: "used sign-in states",
            statements: [
                """
                CREATE TABLE encore_used_sign_in_states (
                    state_digest TEXT PRIMARY KEY,
                    expires_at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX encore_used_sign_in_states_expiry ON encore_used_sign_in_states (expires_at)",
            ]),
    ]

    /// Applies the steps not yet recorded, in one transaction, under the dialect's migration lock.
    /// - Parameters:
    ///   - parts: the steps of the store's parts, in one sequence of versions with its own.
    ///   - version: the last step to apply (a test builds a database as an earlier release left it).
    static func run(on engine: any SQLEngine, parts: [Step] = [], now: Date, upTo version: Int = .max) async throws {
        let steps = (Self.steps + parts).sorted { $0.version < $1.version }
        for (step, next) in zip(steps, steps.dropFirst()) where step.version == next.version {
            throw StorageError.migration("two schema steps are numbered \(step.version): \"\(step.name)\" and \"\(next.name)\"")
        }
        do {
            // A migration may rewrite a large table, or wait its turn behind another instance's.
            try await engine.withTransaction(limit: .seconds(3_600)) { database in
                if let lock = engine.dialect.migrationLock {
                    try await database.raw(SQLQueryString(lock)).run()
                }
                try await database.raw(
                    """
                    CREATE TABLE IF NOT EXISTS encore_schema_migrations (
                        version INTEGER PRIMARY KEY,
                        name TEXT NOT NULL,
                        applied_at BIGINT NOT NULL
                    )
                    """
                ).run()
                let applied = Set(
                    try await database.raw("SELECT version FROM encore_schema_migrations").all().map {
                        try $0.decode(column: "version", as: Int.self)
                    })
                for step in steps where !applied.contains(step.version) && step.version <= version {
                    for statement in step.statements {
                        let only = "{postgresql}"
                        if statement.hasPrefix(only) && engine.dialect.name != StorageDialect.postgres.name { continue }
                        let text = statement.replacingOccurrences(of: only, with: "")
                            .replacingOccurrences(of: "{keyed}", with: engine.dialect.keyedTableOptions)
                            .replacingOccurrences(of: "{bytes}", with: engine.dialect.bytesType)
                        try await database.raw(SQLQueryString(text)).run()
                    }
                    try await database.raw(
                        """
                        INSERT INTO encore_schema_migrations (version, name, applied_at)
                        VALUES (\(bind: step.version), \(bind: step.name), \(bind: Int64(now.timeIntervalSince1970)))
                        """
                    ).run()
                }
            }
        } catch let error as StorageError {
            throw error
        } catch {
            throw StorageError.migration(String(describing: error))
        }
    }
}
