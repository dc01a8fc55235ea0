import Foundation
import Logging
import SpotifyWebAPI

/// Refreshes one user's tokens at most once at a time across every instance, holding no lock
/// or connection while Spotify answers.
///
/// A refresh is claimed with a lease on the grant's row (a short statement with an expiry):
/// the holder calls Spotify with nothing held, then writes the new set, a rotated refresh token
/// included, before anyone uses it. Another instance that finds the claim taken looks again a
/// little later and uses the set the holder stored; a holder that died leaves a claim that runs
/// out a second after the deadline of the request it served (on SQLite, at the next start).
/// `invalid_grant` deletes the grant.
struct StoredTokenRefresher: TokenRefresher {
    let userID: String
    let flow: AuthorizationCodeFlow
    let vault: GrantVault
    let clock: any SpotifyClock
    let leeway: Duration
    let metrics: AppMetrics
    let logger: Logger
    /// How long a claim lasts without a request deadline to follow (a live holder's token call
    /// ends by that deadline, and the claim a second after it).
    var claimLifetime: Duration = .seconds(15)
    /// How often a waiting instance looks again.
    var pollInterval: Duration = .milliseconds(100)

    func refresh(_ tokens: UserTokens) async throws -> UserTokens {
        do {
            return try await refreshClaimed(tokens)
        } catch let error as SpotifyAPIError {
            if error.code != .reauthorizationRequired { metrics.refresh(outcome: "failed") }
            logger.info("token refresh failed", metadata: ["user": .string(vault.pseudonyms(userID)), "code": .string(error.code.rawValue)])
            throw error
        }
    }

    private func refreshClaimed(_ tokens: UserTokens) async throws -> UserTokens {
        let claim = Identifiers.random()
        // Waiting for another holder fits in the deadline of the request that asked.
        let deadline = SpotifyDeadline.current ?? clock.now().addingTimeInterval(claimLifetime.timeInterval)
        while true {
            let now = clock.now()
            let (record, claimed) = try await vault.store.claimGrantRefresh(
                userID: userID, claim: claim, now: now, until: deadline.addingTimeInterval(1)
            )
            guard let record else {
                // Signed out or deleted elsewhere: there is nothing to refresh.
                throw SpotifyAPIError(code: .reauthorizationRequired, message: "the stored grant is gone")
            }
            let stored = try await open(record)
            if stored.accessToken != tokens.accessToken, !stored.needsRefresh(at: clock.now(), leeway: leeway) {
                // Another instance (or an earlier holder) already refreshed.
                if claimed { _ = try await vault.store.finishGrantRefresh(userID: userID, claim: claim, change: .keep) }
                metrics.refresh(outcome: "reused")
                return stored
            }
            if claimed { return try await refreshHolding(claim, stored) }
            guard clock.now().addingTimeInterval(pollInterval.timeInterval) < deadline else {
                throw SpotifyAPIError(code: .timeout, message: "another instance is refreshing this user's token")
            }
            try await clock.sleep(for: pollInterval)
        }
    }

    /// A grant no configured key opens is deleted, and the person signs in again.
    private func open(_ record: GrantRecord) async throws -> UserTokens {
        guard let tokens = try await vault.openOrDiscard(record, logger: logger) else {
            throw SpotifyAPIError(code: .reauthorizationRequired, message: "the stored grant cannot be decrypted")
        }
        return tokens
    }

    /// Spotify is called with the claim held and nothing else: no transaction, no connection.
    private func refreshHolding(_ claim: String, _ stored: UserTokens) async throws -> UserTokens {
        let fresh: UserTokens
        do {
            fresh = try await flow.refresh(stored)
        } catch let error as SpotifyAPIError where error.code == .reauthorizationRequired {
            metrics.refresh(outcome: "grant_lost")
            _ = try await vault.store.finishGrantRefresh(userID: userID, claim: claim, change: .delete)
            throw SpotifyAPIError(code: .reauthorizationRequired, service: .accounts, message: "Spotify no longer accepts this grant")
        } catch {
            _ = try? await vault.store.finishGrantRefresh(userID: userID, claim: claim, change: .keep)
            throw error
        }
        let saved = try await vault.store.finishGrantRefresh(
            userID: userID, claim: claim, change: .save(try vault.seal(fresh, userID: userID, now: clock.now()))
        )
        guard saved else {
            // Signed out, or signed in afresh, while Spotify answered: what is stored wins.
            if let record = try await vault.store.grant(userID: userID), let current = try? vault.open(record),
                !current.needsRefresh(at: clock.now(), leeway: leeway)
            {
                return current
            }
            throw SpotifyAPIError(code: .reauthorizationRequired, message: "the grant changed during the refresh")
        }
        metrics.refresh(outcome: "ok")
        return fresh
    }
}
