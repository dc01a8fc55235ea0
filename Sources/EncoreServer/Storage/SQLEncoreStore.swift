import Foundation
import Logging
import SQLKit
import SpotifyWebAPI
import Synchronization

/// ``EncoreStore`` on SQL, for every engine.
public final class SQLEncoreStore: EncoreStore {
    let engine: any SQLEngine
    /// Sessions read recently. With SQLite every change goes through this process, so the cache
    /// is exact and kept for good; with PostgreSQL another instance may end a session, so an
    /// entry is trusted only for `sessionCacheTTL` (none by default: every lookup reads the database).
    private let sessionCache: SessionCache?

    /// The parts kept in the same database, as opened with, and each one's instance once made.
    private let partTypes: [any StoredPart.Type]
    private let madeParts = Mutex([ObjectIdentifier: any StoredPart]())

    init(engine: any SQLEngine, parts: [any StoredPart.Type] = [], sessionCacheTTL: Duration = .zero, clock: any SpotifyClock = SystemClock()) {
        self.engine = engine
        self.partTypes = parts
        if engine.dialect.ownedByOneProcess {
            self.sessionCache = SessionCache()
        } else if sessionCacheTTL > .zero {
            self.sessionCache = SessionCache(ttl: sessionCacheTTL, clock: clock)
        } else {
            self.sessionCache = nil
        }
    }

    /// Opens the store at a location (without migrating).
    ///
    /// - Parameters:
    ///   - parts: what else this database holds (``StoredPart``): their schema steps run with the
    ///     store's in ``migrate()``, and ``part(_:)`` makes each once.
    ///   - transactionTimeout: how long a PostgreSQL transaction may take before its connection
    ///     counts as lost; it holds a token refresh, so it must outlast Spotify's timeout.
    ///   - sessionCacheTTL: how long a PostgreSQL instance may answer from a session it read
    ///     instead of asking the database; a sign-out on another instance takes up to this long
    ///     to reach it. Zero (the default) reads every time. SQLite always caches, exactly.
    ///   - clock: the clock the cache's entries age by.
    public static func open(
        _ location: DatabaseLocation, parts: [any StoredPart.Type] = [], poolSize: Int = 8, transactionTimeout: Duration = .seconds(60),
        sessionCacheTTL: Duration = .zero, clock: any SpotifyClock = SystemClock(), logger: Logger
    ) async throws -> SQLEncoreStore {
        switch location {
        case .sqliteFile(let path):
            return SQLEncoreStore(engine: try await SQLiteEngine.open(path: path, logger: logger), parts: parts)
        case .sqliteMemory:
            return SQLEncoreStore(engine: try await SQLiteEngine.open(path: nil, logger: logger), parts: parts)
        case .postgres(let url):
            return SQLEncoreStore(
                engine: try PostgresEngine(url: url, poolSize: poolSize, logger: logger, transactionTimeout: transactionTimeout),
                parts: parts, sessionCacheTTL: sessionCacheTTL, clock: clock
            )
        }
    }

    /// The store's part of type `P`, made on first use and the same instance after.
    public func part<P: StoredPart>(_ type: P.Type) -> P {
        madeParts.withLock { made in
            if let part = made[ObjectIdentifier(type)] as? P { return part }
            let part = P(store: self)
            made[ObjectIdentifier(type)] = part
            return part
        }
    }

    /// The engine's name: `sqlite` or `postgresql`.
    public var engineName: String { engine.dialect.name }

    public func run() async {
        await engine.run()
    }

    public func migrate() async throws {
        try await Migrations.run(on: engine, parts: partTypes.flatMap { $0.schemaSteps }, now: Date())
        if engine.dialect.ownedByOneProcess {
            // Refresh claims left by a process that died (kill -9) holding them: this process
            // owns the file, so they can only be dead, and waiting out their lease would keep
            // those users from their next refresh for nothing.
            try await engine.withDatabase(idempotent: true) { database in
                try await database.raw(
                    """
                    UPDATE encore_grants SET refresh_claim = NULL, refresh_claimed_until_ms = NULL WHERE refresh_claim IS NOT NULL
                    """
                ).run()
            }
        }
    }

    public func ping() async throws {
        try await engine.withDatabase(idempotent: true) { database in
            _ = try await database.raw("SELECT 1 AS one").first()
        }
    }

    // MARK: Sessions

    public func insertSession(_ session: SessionRecord) async throws {
        try await engine.withDatabase { database in
            try await database.raw(
                """
                INSERT INTO encore_sessions (id_digest, user_id, created_at, expires_at)
                VALUES (\(bind: session.idDigest), \(bind: session.userID), \(bind: session.createdAt.unixSeconds), \(bind: session.expiresAt.unixSeconds))
                """
            ).run()
        }
    }

    public func session(digest: String) async throws -> SessionRecord? {
        if let cached = sessionCache?.get(digest) { return cached }
        let found: SessionRecord? = try await engine.withDatabase(idempotent: true) { database in
            guard
                let row = try await database.raw(
                    """
                    SELECT id_digest, user_id, created_at, expires_at FROM encore_sessions WHERE id_digest = \(bind: digest)
                    """
                ).first()
            else { return nil }
            return SessionRecord(
                idDigest: try row.decode(column: "id_digest", as: String.self),
                userID: try row.decode(column: "user_id", as: String?.self),
                createdAt: Date(unixSeconds: try row.decode(column: "created_at", as: Int64.self)),
                expiresAt: Date(unixSeconds: try row.decode(column: "expires_at", as: Int64.self))
            )
        }
        if let found { sessionCache?.put(found) }
        return found
    }

    public func deleteSession(digest: String) async throws {
        sessionCache?.remove(digest)
        try await engine.withDatabase(idempotent: true) { database in
            try await database.raw("DELETE FROM encore_sessions WHERE id_digest = \(bind: digest)").run()
        }
    }

    public func extendSession(digest: String, expiresAt: Date) async throws {
        sessionCache?.remove(digest)
        try await engine.withDatabase(idempotent: true) { database in
            try await database.raw("UPDATE encore_sessions SET expires_at = \(bind: expiresAt.unixSeconds) WHERE id_digest = \(bind: digest)").run()
        }
    }

    public func deleteSessions(userID: String) async throws {
        sessionCache?.remove(userID: userID)
        try await engine.withDatabase(idempotent: true) { database in
            try await database.raw("DELETE FROM encore_sessions WHERE user_id = \(bind: userID)").run()
        }
    }

    // MARK: Sign-in states

    public func useSignInState(digest: String, expiresAt: Date) async throws -> Bool {
        try await engine.withDatabase { database in
            // One statement: of two racing callbacks with the same state, exactly one inserts.
            let inserted = try await database.raw(
                """
                INSERT INTO encore_used_sign_in_states (state_digest, expires_at)
                VALUES (\(bind: digest), \(bind: expiresAt.unixSeconds))
                ON CONFLICT (state_digest) DO NOTHING
                RETURNING state_digest
                """
            ).all()
            return !inserted.isEmpty
        }
    }

    // MARK: Grants

    public func grant(userID: String) async throws -> GrantRecord? {
        try await engine.withDatabase(idempotent: true) { database in
            try await Self.selectGrant(userID: userID, on: database)
        }
    }

    public func saveGrant(_ grant: GrantRecord) async throws {
        try await engine.withDatabase(idempotent: true) { database in
            try await Self.upsert(grant, on: database)
        }
    }

    public func deleteGrant(userID: String) async throws {
        try await engine.withDatabase(idempotent: true) { database in
            try await database.raw("DELETE FROM encore_grants WHERE user_id = \(bind: userID)").run()
        }
    }

    public func claimGrantRefresh(userID: String, claim: String, now: Date, until: Date) async throws -> (grant: GrantRecord?, claimed: Bool) {
        try await engine.withDatabase(idempotent: false) { database in
            let claimed = try await database.raw(
                """
                UPDATE encore_grants SET refresh_claim = \(bind: claim), refresh_claimed_until_ms = \(bind: until.unixMilliseconds)
                WHERE user_id = \(bind: userID) AND (refresh_claimed_until_ms IS NULL OR refresh_claimed_until_ms <= \(bind: now.unixMilliseconds))
                RETURNING user_id, sealed_tokens, granted_at, updated_at
                """
            ).first()
            if let claimed { return (try Self.grantRecord(claimed), true) }
            return (try await Self.selectGrant(userID: userID, on: database), false)
        }
    }

    public func finishGrantRefresh(userID: String, claim: String, change: GrantChange) async throws -> Bool {
        try await engine.withDatabase(idempotent: true) { database in
            let rows: [any SQLRow]
            switch change {
            case .keep:
                rows = try await database.raw(
                    """
                    UPDATE encore_grants SET refresh_claim = NULL, refresh_claimed_until_ms = NULL
                    WHERE user_id = \(bind: userID) AND refresh_claim = \(bind: claim) RETURNING user_id
                    """
                ).all()
            case .save(let grant):
                rows = try await database.raw(
                    """
                    UPDATE encore_grants SET sealed_tokens = \(bind: grant.sealedTokens), updated_at = \(bind: grant.updatedAt.unixSeconds),
                        refresh_claim = NULL, refresh_claimed_until_ms = NULL
                    WHERE user_id = \(bind: userID) AND refresh_claim = \(bind: claim) RETURNING user_id
                    """
                ).all()
            case .delete:
                rows = try await database.raw(
                    """
                    DELETE FROM encore_grants WHERE user_id = \(bind: userID) AND refresh_claim = \(bind: claim) RETURNING user_id
                    """
                ).all()
            }
            return !rows.isEmpty
        }
    }

    public func deleteExpired(now: Date) async throws -> Int {
        sessionCache?.removeAll()
        return try await engine.withDatabase(idempotent: true) { database in
            let seconds = now.unixSeconds
            let sessions = try await database.raw("DELETE FROM encore_sessions WHERE expires_at <= \(bind: seconds) RETURNING id_digest").all().count
            let used = try await database.raw("DELETE FROM encore_used_sign_in_states WHERE expires_at <= \(bind: seconds) RETURNING state_digest")
                .all().count
            // Left by versions that stored sign-ins under way; nothing writes this table now.
            let pending = try await database.raw("DELETE FROM encore_pending_sign_ins WHERE expires_at <= \(bind: seconds) RETURNING state_digest")
                .all().count
            return sessions + used + pending
        }
    }

    public func close() async {
        await engine.close()
    }

    private static func selectGrant(userID: String, on database: any SQLDatabase) async throws -> GrantRecord? {
        guard
            let row = try await database.raw(
                """
                SELECT user_id, sealed_tokens, granted_at, updated_at FROM encore_grants WHERE user_id = \(bind: userID)
                """
            ).first()
        else { return nil }
        return try grantRecord(row)
    }

    private static func grantRecord(_ row: any SQLRow) throws -> GrantRecord {
        GrantRecord(
            userID: try row.decode(column: "user_id", as: String.self),
            sealedTokens: try row.decode(column: "sealed_tokens", as: String.self),
            grantedAt: Date(unixSeconds: try row.decode(column: "granted_at", as: Int64.self)),
            updatedAt: Date(unixSeconds: try row.decode(column: "updated_at", as: Int64.self))
        )
    }

    private static func upsert(_ grant: GrantRecord, on database: any SQLDatabase) async throws {
        try await database.raw(
            """
            INSERT INTO encore_grants (user_id, sealed_tokens, granted_at, updated_at)
            VALUES (\(bind: grant.userID), \(bind: grant.sealedTokens), \(bind: grant.grantedAt.unixSeconds), \(bind: grant.updatedAt.unixSeconds))
            ON CONFLICT (user_id) DO UPDATE SET
                sealed_tokens = excluded.sealed_tokens, granted_at = excluded.granted_at, updated_at = excluded.updated_at,
                refresh_claim = NULL, refresh_claimed_until_ms = NULL
            """
        ).run()
    }
}

extension Date {
    var unixSeconds: Int64 { Int64(timeIntervalSince1970.rounded(.down)) }
    var unixMilliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded(.down)) }

    init(unixSeconds: Int64) {
        self.init(timeIntervalSince1970: TimeInterval(unixSeconds))
    }
}

/// Recently read sessions by digest, bounded in number and, when given a TTL, in age.
final class SessionCache: Sendable {
    private struct Entry {
        var record: SessionRecord
        /// `nil` when every change goes through this cache, so the entry never goes stale.
        var trustedUntil: Date?
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let capacity: Int
    private let ttl: TimeInterval?
    private let clock: any SpotifyClock

    /// - Parameter ttl: how long an entry is trusted; `nil` for a cache that every change goes through.
    init(capacity: Int = 20_000, ttl: Duration? = nil, clock: any SpotifyClock = SystemClock()) {
        self.capacity = capacity
        self.ttl = ttl.map(\.timeInterval)
        self.clock = clock
    }

    func get(_ digest: String) -> SessionRecord? {
        entries.withLock { entries in
            guard let entry = entries[digest] else { return nil }
            if let until = entry.trustedUntil, until < clock.now() {
                entries.removeValue(forKey: digest)
                return nil
            }
            return entry.record
        }
    }

    func put(_ record: SessionRecord) {
        let trustedUntil = ttl.map { clock.now().addingTimeInterval($0) }
        entries.withLock { entries in
            // Starting over when full keeps the bound without bookkeeping; the next reads refill it.
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[record.idDigest] = Entry(record: record, trustedUntil: trustedUntil)
        }
    }

    func remove(_ digest: String) {
        _ = entries.withLock { $0.removeValue(forKey: digest) }
    }

    func remove(userID: String) {
        entries.withLock { entries in entries = entries.filter { $0.value.record.userID != userID } }
    }

    func removeAll() {
        entries.withLock { $0.removeAll() }
    }
}
