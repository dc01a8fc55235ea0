import Foundation
import Logging
import SpotifyWebAPI

/// Refreshes one user's tokens under the storage lock, so instances sharing a database refresh
/// a user at most once at a time, and stores the result before anyone uses it.
///
/// Inside the lock it first re-reads the stored set: when another instance already refreshed,
/// that set is used and Spotify is not asked again. A rotated refresh token is written in the
/// same transaction that returns it. `invalid_grant` deletes the grant.
struct StoredTokenRefresher: TokenRefresher {
    let userID: String
    let flow: any SignInFlow
    let vault: GrantVault
    let clock: any SpotifyClock
    let leeway: Duration
    let metrics: AppMetrics
    let logger: Logger

    func refresh(_ tokens: UserTokens) async throws -> UserTokens {
        let userID = userID, flow = flow, vault = vault, clock = clock, leeway = leeway, metrics = metrics, logger = logger
        do {
            return try await vault.store.withLockedGrant(userID: userID) { record in
                guard let record else {
                    // Signed out or deleted elsewhere: there is nothing to refresh.
                    throw SpotifyAPIError(code: .reauthorizationRequired, message: "the stored grant is gone")
                }
                let stored: UserTokens
                do {
                    stored = try vault.open(record)
                } catch StorageError.undecryptable {
                    vault.warnUndecryptable(userID: userID, logger: logger)
                    return (UserTokens.revokedMarker, .delete)
                }
                if stored.accessToken != tokens.accessToken, !stored.needsRefresh(at: clock.now(), leeway: leeway) {
                    metrics.refresh(outcome: "reused")
                    return (stored, .keep)
                }
                do {
                    let fresh = try await flow.refresh(stored)
                    metrics.refresh(outcome: "ok")
                    return (fresh, .save(try vault.seal(fresh, userID: userID, now: clock.now())))
                } catch let error as SpotifyAPIError where error.code == .reauthorizationRequired {
                    metrics.refresh(outcome: "grant_lost")
                    // Delete in the same transaction; the error is rethrown after commit below.
                    return (UserTokens.revokedMarker, .delete)
                }
            }.orThrowGrantLost()
        } catch let error as SpotifyAPIError {
            if error.code != .reauthorizationRequired { metrics.refresh(outcome: "failed") }
            logger.info("token refresh failed", metadata: ["user": .string(vault.pseudonyms(userID)), "code": .string(error.code.rawValue)])
            throw error
        }
    }
}

extension UserTokens {
    /// Stands for "the grant was deleted" on its way out of the storage transaction.
    static let revokedMarker = UserTokens(
        accessToken: AccessToken(""), refreshToken: nil, expiresAt: .distantPast, scopes: [], grantedAt: .distantPast
    )

    func orThrowGrantLost() throws -> UserTokens {
        if self == .revokedMarker {
            throw SpotifyAPIError(code: .reauthorizationRequired, service: .accounts, message: "Spotify no longer accepts this grant")
        }
        return self
    }
}
