import Foundation
import Logging

/// Hands out a valid access token for one user, refreshing it once for all concurrent callers.
///
/// - A token within ``leeway`` of expiry is refreshed before it is handed out.
/// - However many callers ask at once, one refresh request goes to Spotify; the rest await it.
/// - The refreshed set goes to the `persist` hook *before* any caller gets the new token, so a
///   rotated refresh token is stored before it is used.
/// - `invalid_grant` ends the grant: every later call fails at once with
///   ``SpotifyAPIError/Code/reauthorizationRequired`` without asking Spotify again.
public actor TokenManager: UserAuthorization {
    /// Stores a refreshed token set; throwing stops the new token from being used.
    public typealias Persist = @Sendable (UserTokens) async throws -> Void

    private let refresher: any TokenRefresher
    private let clock: any SpotifyClock
    private let persist: Persist?
    /// How long before expiry a token is refreshed.
    public let leeway: Duration
    private var current: UserTokens
    private var inFlight: Task<UserTokens, any Error>?
    private var grantLost: SpotifyAPIError?
    private var refreshCount = 0

    /// Creates a manager for one user's tokens.
    /// - Parameters:
    ///   - tokens: The user's current tokens.
    ///   - refresher: The flow that obtained them (or a server's storage-aware wrapper).
    ///   - clock: The source of "now".
    ///   - leeway: Refresh this long before expiry (default 60 s).
    ///   - persist: Stores each refreshed set before it is used.
    public init(
        tokens: UserTokens,
        refresher: any TokenRefresher,
        clock: any SpotifyClock = SystemClock(),
        leeway: Duration = .seconds(60),
        persist: Persist? = nil
    ) {
        self.current = tokens
        self.refresher = refresher
        self.clock = clock
        self.leeway = leeway
        self.persist = persist
    }

    /// The user's current token set.
    public var tokens: UserTokens { current }

    /// How many refreshes this manager has completed.
    public var completedRefreshes: Int { refreshCount }

    public var grantedScopes: Set<Scope>? { current.scopes }

    public func accessToken() async throws -> AccessToken {
        if let grantLost { throw grantLost }
        if !current.needsRefresh(at: clock.now(), leeway: leeway) {
            return current.accessToken
        }
        return try await refreshOnce().accessToken
    }

    public func accessTokenWasRejected(_ rejected: AccessToken) async throws -> AccessToken {
        if let grantLost { throw grantLost }
        if current.accessToken != rejected { return current.accessToken }
        return try await refreshOnce().accessToken
    }

    /// Replaces the tokens, e.g. after another process refreshed them.
    public func replaceTokens(_ tokens: UserTokens) {
        current = tokens
        grantLost = nil
    }

    private func refreshOnce() async throws -> UserTokens {
        if let inFlight { return try await inFlight.value }
        let snapshot = current
        let task = Task { [refresher, persist] in
            let fresh = try await refresher.refresh(snapshot)
            try await persist?(fresh)
            return fresh
        }
        inFlight = task
        defer { inFlight = nil }
        do {
            let fresh = try await task.value
            current = fresh
            refreshCount += 1
            return fresh
        } catch let error as SpotifyAPIError where error.code == .reauthorizationRequired {
            grantLost = error
            throw error
        }
    }
}
