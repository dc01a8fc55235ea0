import Foundation
import Logging

/// Hands out a valid access token for one user, refreshing it once for all concurrent callers.
///
/// - A token within ``leeway`` of expiry is refreshed before it is handed out.
/// - However many callers ask at once, one refresh request goes to Spotify; the rest await it.
/// - The refresher returns before any caller gets the new token, so a refresher that stores the
///   set (``PersistingRefresher``, or a server's own) stores a rotated refresh token before it
///   is used.
/// - `invalid_grant` ends the grant: every later call fails at once with
///   ``SpotifyAPIError/Code/reauthorizationRequired`` without asking Spotify again.
public actor TokenManager: UserAuthorization {
    private let refresher: any TokenRefresher
    private let clock: any SpotifyClock
    /// How long before expiry a token is refreshed.
    public let leeway: Duration
    private var current: UserTokens
    private var inFlight: Task<UserTokens, any Error>?
    private var grantLost: SpotifyAPIError?
    private var refreshCount = 0

    /// Creates a manager for one user's tokens.
    /// - Parameters:
    ///   - tokens: The user's current tokens.
    ///   - refresher: The flow that obtained them, or a wrapper that stores each new set
    ///     (``PersistingRefresher``).
    ///   - clock: The source of "now".
    ///   - leeway: Refresh this long before expiry (default 60 s).
    public init(
        tokens: UserTokens,
        refresher: any TokenRefresher,
        clock: any SpotifyClock = SystemClock(),
        leeway: Duration = .seconds(60)
    ) {
        self.current = tokens
        self.refresher = refresher
        self.clock = clock
        self.leeway = leeway
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
        let task = Task { [refresher] in try await refresher.refresh(snapshot) }
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

/// A refresher that stores each new token set before it is handed out; a store that throws
/// keeps the new token from being used (the old set stays current).
///
/// ```swift
/// let manager = TokenManager(tokens: tokens, refresher: PersistingRefresher(flow) { try await store.save($0) })
/// ```
public struct PersistingRefresher: TokenRefresher {
    private let base: any TokenRefresher
    private let persist: @Sendable (UserTokens) async throws -> Void

    /// Wraps `base`, calling `persist` with every set it returns.
    public init(_ base: any TokenRefresher, persist: @escaping @Sendable (UserTokens) async throws -> Void) {
        self.base = base
        self.persist = persist
    }

    public func refresh(_ tokens: UserTokens) async throws -> UserTokens {
        let fresh = try await base.refresh(tokens)
        try await persist(fresh)
        return fresh
    }
}
