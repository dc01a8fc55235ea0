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
    /// The most entries a listener's history may hold (`ENCORE_HISTORY_MAX_PLAYS`).
    let maxEntries: Int?
    /// Opens when the database is migrated: polls wait for it.
    let ready: ReadyGate
    /// This instance's name on the leases it takes.
    let holder = "recorder-" + Identifiers.random().prefix(16)
    private let budget: PollBudget
    private let backlogCheckedAt = Mutex(Date.distantPast)

    init(
        store: HistoryStore, users: SpotifyUsers, clock: any SpotifyClock, configuration: HistoryRecorderConfiguration, timeout: Duration,
        metrics: AppMetrics, logger: Logger, maxEntries: Int? = HistoryStore.defaultMaxEntries, ready: ReadyGate
    ) {
        self.ready = ready
        self.maxEntries = maxEntries
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
            guard await self.ready.wait() else { return }
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
        let outcome: RecorderOutcome
        do {
            let plays = try await SpotifyDeadline.run(until: started.addingTimeInterval(timeout.timeInterval)) {
                try await self.recentPlays(of: claim)
            }
            let finish = HistoryStore.PollFinish(
                pollAfterMs: plays.map(\.playedAtMs).max(), nextPollMs: nextPoll(after: clock.now()).unixMilliseconds,
                polledAtMs: clock.now().unixMilliseconds, outcome: .ok)
            let written = try await store.record(
                plays, userID: claim.userID, guard: .lease(holder: holder, finish: finish), maxEntries: maxEntries)
            metrics.historyPlaysRecorded(written.added, source: "recorded")
            outcome = .ok
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
        return Self.plays(page.items, after: claim.pollAfterMs)
    }

    /// Plays from recently played, each with how long it was heard estimated (Spotify says only
    /// that it was 30 s or more). A play ended at its `played_at`, so it cannot have lasted longer
    /// than the time since the play before it ended: a track followed 40 s after the one before
    /// was heard for at most 40 s, never for its whole four minutes. Its length bounds the
    /// estimate from above (a pause between the two is not listening), 30 s from below. The
    /// first play of a history has nothing before it and counts its length.
    /// - Parameter previousMs: when the play before these ended (the stored cursor).
    static func plays(_ entries: [PlayHistory], after previousMs: Int64?) -> [Play] {
        var plays = entries.map(play).sorted { $0.playedAtMs < $1.playedAtMs }
        var previous = previousMs
        for index in plays.indices {
            let ended = plays[index].playedAtMs
            let length = plays[index].msPlayed
            if let previous, ended > previous {
                plays[index].msPlayed = max(Play.countedAfterMs, min(length, Int(min(ended - previous, Int64(Int32.max)))))
            }
            previous = max(previous ?? ended, ended)
        }
        return plays
    }

    /// A play from recently played, counting its track's length until ``plays(_:after:)`` estimates it.
    static func play(_ entry: PlayHistory) -> Play {
        let track = entry.track
        let artists = track.artists.map(\.name)
        let item = PlayedItem(
            uri: track.uri.hasPrefix("spotify:track:") ? track.uri : nil, kind: .track, name: track.name,
            artist: track.album?.artists?.first?.name ?? artists.first ?? "Unknown artist", album: track.album?.name ?? "",
            artists: artists.joined(separator: ", "), durationMs: track.durationMs,
            artistURI: track.album?.artists?.first?.uri ?? track.artists.first?.uri, albumURI: track.album?.uri)
        return Play(
            playedAtMs: Int64((entry.playedAt.timeIntervalSince1970 * 1000).rounded()), msPlayed: max(track.durationMs, Play.countedAfterMs),
            item: item, source: .recorded,
            contextURI: entry.context?.uri)
    }

    /// Ends a failed poll: when to try again, or whether to stop for this listener.
    private func settle(_ error: any Error, claim: RecorderClaim, at started: Date) async -> RecorderOutcome {
        let now = clock.now()
        var next: Date? = nextPoll(after: now)
        var stop = false
        let outcome: RecorderOutcome
        let access = error as? AccessFailure
        switch error {
        case is HistoryStore.WriteRefused:
            // The lease passed to another instance, or the history was forgotten: theirs now.
            return .leaseLost
        case is HistoryStore.HistoryFull:
            (outcome, stop) = (.historyFull, true)
        case let error as SpotifyAPIError where error.requiresSignIn:
            (outcome, stop) = (.signedOut, true)
        case _ where access == .signedOut:
            (outcome, stop) = (.signedOut, true)
        case let error as SpotifyAPIError where error.code == .insufficientScope || error.code == .forbidden:
            (outcome, stop) = (.missingScope, true)
        case let error as SpotifyAPIError where error.code == .rateLimited:
            outcome = .rateLimited
            next = now.addingTimeInterval(max(1, error.retryAfter?.timeInterval ?? 60) + Double.random(in: 0...5))
        case _ where access?.retryAfter != nil:
            let retryAfter = access?.retryAfter ?? 60
            outcome = .userRateLimited
            next = now.addingTimeInterval(Double(retryAfter) + Double.random(in: 0...5))
        case is SpotifyAPIError:
            // Spotify failing or unreachable: try again well before the 50 plays run out.
            outcome = .failed
            next = now.addingTimeInterval(min(configuration.interval.timeInterval / 5, 300) * Double.random(in: 0.5...1.5))
        default:
            outcome = .storageFailed
        }
        logger.info(
            "history poll did not record",
            metadata: ["user": .string(users.vault.pseudonyms(claim.userID)), "outcome": .string(outcome.rawValue)])
        if outcome == .storageFailed { return outcome }  // The lease runs out; another poll follows.
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
