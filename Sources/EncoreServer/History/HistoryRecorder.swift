import Foundation
import Logging
import ServiceLifecycle
import SpotifyWebAPI
import Synchronization

/// How the recorder polls (`ENCORE_HISTORY`, `ENCORE_HISTORY_INTERVAL`, `ENCORE_HISTORY_LEASE`,
/// `ENCORE_HISTORY_POLLS_PER_MINUTE`).
public struct HistoryRecorderConfiguration: Sendable {
    /// Whether the recorder runs at all (`ENCORE_HISTORY=off` stops it).
    public var enabled: Bool
    /// The mean time between two polls of one listener; each wait is drawn from 0.8–1.2 times
    /// it. Recently played keeps 50 plays, about 2.5 hours of listening: 25 minutes leaves a
    /// wide margin.
    public var interval: Duration
    /// How long a claimed listener stays with one instance; an instance that dies hands its
    /// listeners over after this.
    public var lease: Duration
    /// The most polls one instance starts per minute: the recorder's share of the app's rate
    /// budget at Spotify. Past it, polls wait and the backlog metrics say so.
    public var pollsPerMinute: Int
    /// Polls in flight at once.
    public var concurrency: Int
    /// How often the recorder looks for due polls when there was nothing to do.
    public var tick: Duration

    public init(
        enabled: Bool = true, interval: Duration = .seconds(1500), lease: Duration = .seconds(120), pollsPerMinute: Int = 600,
        concurrency: Int = 4, tick: Duration = .seconds(5)
    ) {
        self.enabled = enabled
        self.interval = interval
        self.lease = lease
        self.pollsPerMinute = pollsPerMinute
        self.concurrency = concurrency
        self.tick = tick
    }
}

/// Records each signed-in listener's plays by polling recently played with the `after` cursor,
/// often enough that none of the 50 plays Spotify keeps is missed.
///
/// Each instance claims due listeners with a lease (``HistoryStore/claimDuePolls(holder:now:until:limit:)``),
/// so a listener is polled by one instance at a time; the plays, the new cursor and the next
/// poll's time are written in one transaction, so a poll killed half-way is simply done again.
/// Polls spend the listener's own call budget, obey `Retry-After`, and stop for a listener whose
/// grant or scope is gone.
final class HistoryRecorder: Service, Sendable {
    let store: HistoryStore
    let users: SpotifyUsers
    let clock: any SpotifyClock
    let configuration: HistoryRecorderConfiguration
    /// `SPOTIFY_TIMEOUT`: the budget of one poll's calls.
    let timeout: Duration
    let metrics: AppMetrics
    let logger: Logger
    /// This instance's name on the leases it takes.
    let holder = "recorder-" + Identifiers.random().prefix(16)
    private let budget: PollBudget
    private let backlogCheckedAt = Mutex(Date.distantPast)

    init(
        store: HistoryStore, users: SpotifyUsers, clock: any SpotifyClock, configuration: HistoryRecorderConfiguration, timeout: Duration,
        metrics: AppMetrics, logger: Logger
    ) {
        self.store = store
        self.users = users
        self.clock = clock
        self.configuration = configuration
        self.timeout = timeout
        self.metrics = metrics
        self.logger = logger
        self.budget = PollBudget(perMinute: configuration.pollsPerMinute)
    }

    func run() async throws {
        guard configuration.enabled else { return }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let polled = await self.runOnce()
                await self.reportBacklog()
                // Real time, not the app's clock: this is how often to look, not a wait that
                // means anything; a test's clock must not run away with it.
                if polled == 0 { try? await Task.sleep(for: self.configuration.tick) }
            }
        }
    }

    /// Claims the listeners due now (as many as the budget allows) and polls them.
    /// - Returns: How many were polled.
    @discardableResult
    func runOnce() async -> Int {
        let now = clock.now()
        let allowed = budget.available(now: now)
        guard allowed > 0 else { return 0 }
        let claims: [RecorderClaim]
        do {
            claims = try await store.claimDuePolls(
                holder: holder, now: now, until: now.addingTimeInterval(configuration.lease.timeInterval), limit: min(allowed, 64))
        } catch {
            logger.warning("the recorder could not claim listeners", metadata: ["error": .string(String(describing: error))])
            return 0
        }
        budget.spend(claims.count, now: now)
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            for claim in claims {
                if running >= configuration.concurrency {
                    await group.next()
                    running -= 1
                }
                group.addTask { await self.poll(claim) }
                running += 1
            }
        }
        return claims.count
    }

    /// One listener's poll: the plays after their cursor, stored with the cursor moved on.
    func poll(_ claim: RecorderClaim) async {
        let started = clock.now()
        let outcome: String
        do {
            let plays = try await SpotifyDeadline.run(until: started.addingTimeInterval(timeout.timeInterval)) {
                try await self.recentPlays(of: claim)
            }
            let finish = HistoryStore.PollFinish(
                pollAfterMs: plays.map(\.playedAtMs).max(), nextPollMs: nextPoll(after: clock.now()).unixMilliseconds,
                polledAtMs: clock.now().unixMilliseconds, outcome: "ok")
            let written = try await store.record(plays, userID: claim.userID, guard: .lease(holder: holder, finish: finish))
            metrics.historyPlaysRecorded(written.added, source: "recorded")
            outcome = "ok"
        } catch {
            outcome = await settle(error, claim: claim, at: started)
        }
        metrics.historyPoll(outcome: outcome)
    }

    /// Recently played after the cursor (the last 50 plays on a first poll), as plays.
    private func recentPlays(of claim: RecorderClaim) async throws -> [Play] {
        let client = try await users.client(userID: claim.userID)
        let cursor = claim.pollAfterMs.map { SpotifyClient<TokenManager>.PlayedCursor.after(Date(unixMilliseconds: $0)) }
        let page = try await client.recentlyPlayed(limit: 50, cursor: cursor)
        return page.items.map(Self.play)
    }

    /// A play from recently played. Spotify does not say how long it was heard, only that it was
    /// 30 s or more; the track's length stands in for it.
    static func play(_ entry: PlayHistory) -> Play {
        let track = entry.track
        let artists = track.artists.map(\.name)
        let item = PlayedItem(
            uri: track.uri.hasPrefix("spotify:track:") ? track.uri : nil, kind: .track, name: track.name,
            artist: track.album?.artists?.first?.name ?? artists.first ?? "Unknown artist", album: track.album?.name ?? "",
            artists: artists.joined(separator: ", "), durationMs: track.durationMs)
        return Play(
            playedAtMs: Int64((entry.playedAt.timeIntervalSince1970 * 1000).rounded()), msPlayed: max(track.durationMs, Play.countedAfterMs),
            item: item, source: .recorded,
            contextURI: entry.context?.uri)
    }

    /// Ends a failed poll: when to try again, or whether to stop for this listener.
    private func settle(_ error: any Error, claim: RecorderClaim, at started: Date) async -> String {
        let now = clock.now()
        var next: Date? = nextPoll(after: now)
        var stop = false
        let outcome: String
        switch error {
        case is HistoryStore.WriteRefused:
            // The lease passed to another instance, or the history was forgotten: theirs now.
            return "lease_lost"
        case let error as SpotifyAPIError where error.requiresSignIn:
            (outcome, stop) = ("signed_out", true)
        case AppError.reauthorizationRequired:
            (outcome, stop) = ("signed_out", true)
        case let error as SpotifyAPIError where error.code == .insufficientScope || error.code == .forbidden:
            (outcome, stop) = ("missing_scope", true)
        case let error as SpotifyAPIError where error.code == .rateLimited:
            outcome = "rate_limited"
            next = now.addingTimeInterval(max(1, error.retryAfter?.timeInterval ?? 60) + Double.random(in: 0...5))
        case AppError.userRateLimited(let retryAfter):
            outcome = "user_rate_limited"
            next = now.addingTimeInterval(Double(retryAfter) + Double.random(in: 0...5))
        case is SpotifyAPIError:
            // Spotify failing or unreachable: try again well before the 50 plays run out.
            outcome = "failed"
            next = now.addingTimeInterval(min(configuration.interval.timeInterval / 5, 300) * Double.random(in: 0.5...1.5))
        default:
            outcome = "storage_failed"
        }
        logger.info(
            "history poll did not record",
            metadata: ["user": .string(users.vault.pseudonyms(claim.userID)), "outcome": .string(outcome)])
        if outcome == "storage_failed" { return outcome }  // The lease runs out; another poll follows.
        try? await store.releasePoll(userID: claim.userID, holder: holder, nextPollAt: stop ? nil : next, polledAt: now, outcome: outcome, stop: stop)
        return outcome
    }

    /// The next poll: the interval, spread by ±20 % so listeners who signed in together drift apart.
    func nextPoll(after now: Date) -> Date {
        now.addingTimeInterval(configuration.interval.timeInterval * Double.random(in: 0.8...1.2))
    }

    /// The backlog across every instance, at most every 30 s.
    private func reportBacklog() async {
        let now = clock.now()
        let due = backlogCheckedAt.withLock { last -> Bool in
            guard now.timeIntervalSince(last) >= 30 || now < last else { return false }
            last = now
            return true
        }
        guard due, let backlog = try? await store.recorderBacklog(now: now, grace: .seconds(300)) else { return }
        metrics.historyBacklog(backlog)
    }
}

/// The recorder's share of the app's rate budget: a token bucket of `perMinute` polls.
final class PollBudget: Sendable {
    private struct State {
        var tokens: Double
        var updated: Date?
    }

    let perMinute: Int
    private let state: Mutex<State>

    init(perMinute: Int) {
        self.perMinute = max(1, perMinute)
        self.state = Mutex(State(tokens: Double(max(1, perMinute))))
    }

    /// Whole polls that may start now.
    func available(now: Date) -> Int {
        state.withLock { state in
            refill(&state, now: now)
            return Int(state.tokens)
        }
    }

    func spend(_ count: Int, now: Date) {
        state.withLock { state in
            refill(&state, now: now)
            state.tokens = max(0, state.tokens - Double(count))
        }
    }

    private func refill(_ state: inout State, now: Date) {
        let elapsed = state.updated.map { max(0, now.timeIntervalSince($0)) } ?? 0
        state.tokens = min(Double(perMinute), state.tokens + elapsed * Double(perMinute) / 60)
        state.updated = now
    }
}
