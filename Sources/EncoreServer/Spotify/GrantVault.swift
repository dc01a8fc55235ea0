import Crypto
import Foundation
import Logging
import SpotifyWebAPI

/// Users' token sets in storage, encrypted with AES-GCM and bound to their user id.
struct GrantVault: Sendable {
    let store: any EncoreStore
    let cipher: TokenCipher
    /// How the vault names users in its log lines.
    let pseudonyms: LogPseudonyms

    init(store: any EncoreStore, cipher: TokenCipher, pseudonyms: LogPseudonyms = LogPseudonyms(secretKey: SymmetricKey(size: .bits256))) {
        self.store = store
        self.cipher = cipher
        self.pseudonyms = pseudonyms
    }

    static func context(_ userID: String) -> String { "tokens:" + userID }

    func seal(_ tokens: UserTokens, userID: String, now: Date) throws -> GrantRecord {
        let plaintext = try SpotifyJSON.makeEncoder().encode(tokens)
        return GrantRecord(
            userID: userID,
            sealedTokens: try cipher.seal(plaintext, boundTo: Self.context(userID)),
            grantedAt: tokens.grantedAt,
            updatedAt: now
        )
    }

    func open(_ record: GrantRecord) throws -> UserTokens {
        let plaintext = try cipher.open(record.sealedTokens, boundTo: Self.context(record.userID))
        do {
            return try SpotifyJSON.makeDecoder().decode(UserTokens.self, from: plaintext)
        } catch {
            throw StorageError.undecryptable
        }
    }

    /// The user's tokens; `nil` when there is no grant, or one that no configured key opens.
    func tokens(userID: String, logger: Logger) async throws -> UserTokens? {
        guard let record = try await store.grant(userID: userID) else { return nil }
        return try await openOrDiscard(record, logger: logger)
    }

    /// The tokens in a record; `nil` when no configured key opens it.
    ///
    /// A grant sealed under a key that is no longer configured (`ENCORE_SECRET_KEY` changed
    /// without the old one in `ENCORE_PREVIOUS_SECRET_KEYS`) can never be used again: it is
    /// deleted, with a warning, and the person is asked to sign in again instead of meeting a
    /// storage error on every request.
    func openOrDiscard(_ record: GrantRecord, logger: Logger) async throws -> UserTokens? {
        do {
            return try open(record)
        } catch StorageError.undecryptable {
            try await store.deleteGrant(userID: record.userID)
            warnUndecryptable(userID: record.userID, logger: logger)
            return nil
        }
    }

    private func warnUndecryptable(userID: String, logger: Logger) {
        logger.warning(
            "deleted a stored grant that no configured key opens (was ENCORE_SECRET_KEY changed without ENCORE_PREVIOUS_SECRET_KEYS?); the user signs in again",
            metadata: ["user": .string(pseudonyms(userID))]
        )
    }

    func save(_ tokens: UserTokens, userID: String, now: Date) async throws {
        try await store.saveGrant(try seal(tokens, userID: userID, now: now))
    }
}
