import Foundation
import SpotifyWebAPI

/// Users' token sets in storage, encrypted with AES-GCM and bound to their user id.
struct GrantVault: Sendable {
    let store: any EncoreStore
    let cipher: TokenCipher

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

    func tokens(userID: String) async throws -> UserTokens? {
        guard let record = try await store.grant(userID: userID) else { return nil }
        return try open(record)
    }

    func save(_ tokens: UserTokens, userID: String, now: Date) async throws {
        try await store.saveGrant(try seal(tokens, userID: userID, now: now))
    }
}
