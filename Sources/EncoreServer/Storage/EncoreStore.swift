import Foundation

/// A browser's session as stored: the id only as a digest.
public struct SessionRecord: Sendable, Equatable {
    /// SHA-256 of the cookie value.
    public var idDigest: String
    /// The signed-in Spotify user, or `nil` before sign-in.
    public var userID: String?
    /// When the session was created.
    public var createdAt: Date
    /// When it stops being accepted.
    public var expiresAt: Date

    public init(idDigest: String, userID: String?, createdAt: Date, expiresAt: Date) {
        self.idDigest = idDigest
        self.userID = userID
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// A user's grant: the token set, encrypted, and when the user consented.
public struct GrantRecord: Sendable, Equatable {
    /// Spotify's stable user identifier (`account_id`, else `id`).
    public var userID: String
    /// The token set, encrypted and bound to this user.
    public var sealedTokens: String
    /// When the user consented; the refresh token dies six months later.
    public var grantedAt: Date
    /// When the row was last written.
    public var updatedAt: Date

    public init(userID: String, sealedTokens: String, grantedAt: Date, updatedAt: Date) {
        self.userID = userID
        self.sealedTokens = sealedTokens
        self.grantedAt = grantedAt
        self.updatedAt = updatedAt
    }
}

/// What a finished refresh does with the grant it claimed.
public enum GrantChange: Sendable, Equatable {
    /// Leave the row as it is.
    case keep
    /// Write this record.
    case save(GrantRecord)
    /// Delete the row (the grant is gone).
    case delete
}

/// Encore's storage: sessions, used sign-in states and grants (the listening history is a
/// ``StoredPart`` in the same database).
///
/// One contract, several engines (SQLite file or memory, PostgreSQL); the contract test suite
/// runs against each. Every method throws ``StorageError/unavailable(_:)`` when the database does
/// not answer.
public protocol EncoreStore: Sendable {
    /// Brings the schema up to date; safe when several instances start at once.
    func migrate() async throws
    /// Answers when the database does.
    func ping() async throws
    /// Runs the store's background work (a connection pool) until cancelled; returns at once
    /// when there is none.
    func run() async

    func insertSession(_ session: SessionRecord) async throws
    func session(digest: String) async throws -> SessionRecord?
    func deleteSession(digest: String) async throws
    /// Moves a session's expiry (sessions slide while they are used).
    func extendSession(digest: String, expiresAt: Date) async throws
    /// Ends every session of a user (after the grant is gone).
    func deleteSessions(userID: String) async throws

    /// Records that `/callback` accepted the sign-in `state` with this digest, until it would
    /// have expired anyway; this is what makes a state single-use.
    /// - Returns: `true` the first time, `false` for a replay, even when two callbacks race.
    func useSignInState(digest: String, expiresAt: Date) async throws -> Bool

    func grant(userID: String) async throws -> GrantRecord?
    func saveGrant(_ grant: GrantRecord) async throws
    func deleteGrant(userID: String) async throws
    /// Claims the right to refresh a user's grant until `until`, unless a live claim of another
    /// holder has it; one short statement, no lock held afterwards.
    /// - Returns: The grant as stored (`nil` when it is gone) and whether `claim` now holds it.
    func claimGrantRefresh(userID: String, claim: String, now: Date, until: Date) async throws -> (grant: GrantRecord?, claimed: Bool)
    /// Applies the outcome of a refresh if `claim` still holds the grant, and ends the claim.
    /// - Returns: Whether the claim still held (a new sign-in or a sign-out meanwhile ends it).
    func finishGrantRefresh(userID: String, claim: String, change: GrantChange) async throws -> Bool

    /// Deletes expired sessions and used sign-in states; returns how many rows went.
    func deleteExpired(now: Date) async throws -> Int
    /// Closes connections.
    func close() async
}
