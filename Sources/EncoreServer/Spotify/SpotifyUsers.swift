import Foundation
import Logging
import NIOCore
import SpotifyWebAPI
import Synchronization

/// Each signed-in user's Spotify client, built once and shared by all their requests.
///
/// One ``TokenManager`` per user per process keeps the refresh single-flight; its refresher takes
/// the storage lock, so across processes a user is still refreshed once. Every client shares one
/// transport (connection pool) and one rate-limit gate, because Spotify limits the app as a whole.
final class SpotifyUsers: Sendable {
    let configuration: SpotifyClientConfiguration
    let flow: AuthorizationCodeFlow
    let vault: GrantVault
    let cache: ResponseCache
    private let transport: any HTTPTransport
    private let clock: any SpotifyClock
    private let gate: RateLimitGate
    private let leeway: Duration
    private let metrics: AppMetrics
    private let logger: Logger
    private let maxUsers: Int
    private let budget: UserCallBudget
    private let coalescer = RequestCoalescer<ResponseCache.Entry>()
    /// How long an in-memory token manager is trusted before the grant is looked up again:
    /// `nil` when every deletion goes through this process (SQLite), which forgets the manager
    /// as it deletes; zero to look on every use.
    private let grantRecheck: Duration?
    /// Told when a grant ends, after it is deleted (the history's recorder stops for the user):
    /// wired where the app is built, so this file knows nothing of what listens.
    private let grantEnded: @Sendable (String) async throws -> Void

    private struct Entry {
        var manager: Task<TokenManager?, any Error>
        var lastUse: UInt64
        /// When the grant was last seen in the store.
        var checkedAt: Date
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var tick: UInt64 = 0
    }

    private let state = Mutex(State())

    init(
        configuration: SpotifyClientConfiguration,
        flow: AuthorizationCodeFlow,
        vault: GrantVault,
        cache: ResponseCache,
        transport: any HTTPTransport,
        clock: any SpotifyClock,
        gate: RateLimitGate,
        leeway: Duration,
        metrics: AppMetrics,
        logger: Logger,
        maxUsers: Int,
        userRateLimit: Int = 0,
        grantRecheck: Duration? = nil,
        grantEnded: @escaping @Sendable (String) async throws -> Void = { _ in }
    ) {
        self.grantEnded = grantEnded
        self.configuration = configuration
        self.flow = flow
        self.vault = vault
        self.cache = cache
        self.transport = transport
        self.clock = clock
        self.gate = gate
        self.leeway = leeway
        self.metrics = metrics
        self.logger = logger
        self.maxUsers = maxUsers
        self.budget = UserCallBudget(limit: userRateLimit)
        self.grantRecheck = grantRecheck
    }

    /// The client for a signed-in user.
    /// - Throws: ``AccessFailure/signedOut`` when no grant is stored for the user.
    func client(userID: String) async throws -> SpotifyClient<TokenManager> {
        let now = clock.now()
        let (task, unchecked) = state.withLock { state -> (Task<TokenManager?, any Error>, Bool) in
            state.tick += 1
            if var entry = state.entries[userID] {
                entry.lastUse = state.tick
                state.entries[userID] = entry
                let due = grantRecheck.map { now >= entry.checkedAt.addingTimeInterval($0.timeInterval) } ?? false
                return (entry.manager, due)
            }
            let task = Task { [self] in try await loadManager(userID: userID) }
            state.entries[userID] = Entry(manager: task, lastUse: state.tick, checkedAt: now)
            if state.entries.count > maxUsers { Self.evict(&state, keep: maxUsers * 9 / 10) }
            return (task, false)
        }
        if unchecked { try await recheckGrant(userID: userID, task: task, now: now) }
        let manager: TokenManager?
        do {
            manager = try await task.value
        } catch {
            forget(userID: userID, ifStill: task)
            throw error
        }
        guard let manager else {
            forget(userID: userID, ifStill: task)
            throw AccessFailure.signedOut
        }
        return makeClient(manager, userID: userID)
    }

    /// A client for tokens that are not stored yet (the profile lookup during sign-in).
    ///
    /// Its leeway is zero: the token was issued a moment ago, so refreshing it here would only
    /// spend a grant that the stored manager will spend again.
    func client(for tokens: UserTokens) -> SpotifyClient<TokenManager> {
        makeClient(TokenManager(tokens: tokens, refresher: flow, clock: clock, leeway: .zero), userID: nil)
    }

    /// Stores a new grant and makes it the user's current one.
    func install(_ tokens: UserTokens, userID: String) async throws {
        try await vault.save(tokens, userID: userID, now: clock.now())
        let manager = makeManager(tokens: tokens, userID: userID)
        state.withLock { state in
            state.tick += 1
            state.entries[userID] = Entry(manager: Task { manager }, lastUse: state.tick, checkedAt: clock.now())
        }
        cache.removeAll(userID: userID)
    }

    /// Ends a user's grant everywhere: the stored grant and every session of theirs go, and
    /// this process forgets their client and cached answers (other instances notice at their
    /// next look-up). The one place a grant is deleted on purpose; a key that no longer opens a
    /// grant, and a lease-held refresh that Spotify refuses, delete it where they find it.
    func endGrant(userID: String) async throws {
        forget(userID: userID)
        try await vault.store.deleteGrant(userID: userID)
        try await vault.store.deleteSessions(userID: userID)
        try await grantEnded(userID)
    }

    /// Drops a user's in-memory client and cached answers (after sign-out or a lost grant).
    func forget(userID: String) {
        _ = state.withLock { $0.entries.removeValue(forKey: userID) }
        cache.removeAll(userID: userID)
    }

    /// How many users have a client in memory.
    var loadedUsers: Int { state.withLock { $0.entries.count } }

    /// Sends a GET through the user's cache: within the TTL the stored answer is used; after it,
    /// the stored ETag is sent so an unchanged answer costs no body.
    /// - Parameter bypassCache: The browser sent `Cache-Control: no-cache`: always ask Spotify.
    func cachedGET(userID: String, request: SpotifyRequest, bypassCache: Bool) async throws -> ByteBuffer {
        try await cachedAnswer(userID: userID, request: request, bypassCache: bypassCache).body
    }

    /// ``cachedGET(userID:request:bypassCache:)`` with the cache entry's slot for what a page
    /// derives from the body, so a page decodes a stored answer once, not on every view.
    func cachedAnswer(userID: String, request: SpotifyRequest, bypassCache: Bool) async throws -> ResponseCache.Entry {
        let key = Self.cacheKey(request)
        let now = clock.now()
        let cached = cache.lookup(userID: userID, key: key, now: now)
        if let cached, cached.fresh, !bypassCache {
            metrics.cache("hit")
            return cached.entry
        }
        // Concurrent identical requests (misses, and hard reloads while a call is in flight,
        // whose answer is as fresh) share one call.
        let (entry, shared) = try await coalescer.run(key: userID + "\n" + key) {
            try await fetch(userID: userID, request: request, key: key, cached: cached?.entry)
        }
        if shared { metrics.cache("coalesced") }
        return entry
    }

    private func fetch(userID: String, request: SpotifyRequest, key: String, cached: ResponseCache.Entry?) async throws -> ResponseCache.Entry {
        var request = request
        request.ifNoneMatch = cached?.etag
        let client = try await client(userID: userID)
        let response = try await client.send(request)
        if response.notModified, var renewed = cached {
            metrics.cache("revalidated")
            renewed.storedAt = clock.now()
            cache.store(renewed, userID: userID, key: key)
            return renewed
        }
        guard Self.isWholeJSONObject(response.body) else {
            throw SpotifyAPIError(code: .decoding, service: .webAPI, message: "Spotify's answer was cut short or is not a JSON object")
        }
        metrics.cache(cache.isEnabled ? "miss" : "disabled")
        let entry = ResponseCache.Entry(body: response.body, etag: response.etag, storedAt: clock.now())
        cache.store(entry, userID: userID, key: key)
        return entry
    }

    /// Whether a body starts with `{` and ends with `}`, ignoring whitespace.
    ///
    /// Bodies pass through to `/api` unparsed (parsing 40 KB on every request would cost more
    /// than the rest of the request), so this catches what actually goes wrong in transit — an
    /// answer cut short — before it is served or cached.
    static func isWholeJSONObject(_ body: ByteBuffer) -> Bool {
        body.withUnsafeReadableBytes { bytes in
            func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }
            guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) }) else { return false }
            return bytes[first] == UInt8(ascii: "{") && bytes[last] == UInt8(ascii: "}") && first < last
        }
    }

    /// The concrete resource: method, path and query (the endpoint name is a template such as
    /// `/me/top/{type}`, shared by tracks and artists).
    static func cacheKey(_ request: SpotifyRequest) -> String {
        var key = request.method.rawValue + " "
        switch request.target {
        case .path(let path): key += path
        case .absolute(let url): key += url
        }
        for (name, value) in request.query { key += "&\(name)=\(value)" }
        return key
    }

    /// Another instance may have deleted the grant (a sign-out, a revoked grant): then the
    /// manager in memory must not call Spotify again.
    private func recheckGrant(userID: String, task: Task<TokenManager?, any Error>, now: Date) async throws {
        guard try await vault.store.grant(userID: userID) != nil else {
            forget(userID: userID, ifStill: task)
            cache.removeAll(userID: userID)
            throw AccessFailure.signedOut
        }
        state.withLock { state in
            if state.entries[userID]?.manager == task { state.entries[userID]?.checkedAt = now }
        }
    }

    private func loadManager(userID: String) async throws -> TokenManager? {
        guard let tokens = try await vault.tokens(userID: userID, logger: logger) else { return nil }
        return makeManager(tokens: tokens, userID: userID)
    }

    private func makeManager(tokens: UserTokens, userID: String) -> TokenManager {
        let refresher = StoredTokenRefresher(
            userID: userID, flow: flow, vault: vault, clock: clock, leeway: leeway, metrics: metrics, logger: logger
        )
        return TokenManager(tokens: tokens, refresher: refresher, clock: clock, leeway: leeway)
    }

    /// A client whose calls count against the user's budget; `nil` for the sign-in's own lookup.
    private func makeClient(_ manager: TokenManager, userID: String?) -> SpotifyClient<TokenManager> {
        SpotifyClient(
            configuration: configuration,
            authorization: manager,
            transport: userID.map { BudgetedTransport(base: transport, budget: budget, userID: $0, clock: clock) } ?? transport,
            clock: clock,
            rateLimitGate: gate,
            logger: logger,
            metricsFactory: metrics.factory
        )
    }

    private func forget(userID: String, ifStill task: Task<TokenManager?, any Error>) {
        state.withLock { state in
            if state.entries[userID]?.manager == task { state.entries.removeValue(forKey: userID) }
        }
    }

    private static func evict(_ state: inout State, keep: Int) {
        let victims = state.entries.sorted { $0.value.lastUse < $1.value.lastUse }.prefix(state.entries.count - keep)
        for (userID, _) in victims { state.entries.removeValue(forKey: userID) }
    }
}
