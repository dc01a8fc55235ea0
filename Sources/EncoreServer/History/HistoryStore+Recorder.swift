import Foundation
import SQLKit

/// A listener the recorder has claimed: polled by this holder alone until the lease ends.
public struct RecorderClaim: Sendable, Equatable {
    public var userID: String
    /// The `after` cursor for recently played.
    public var pollAfterMs: Int64?
}

/// How far behind its schedule the recorder is, across every instance.
public struct RecorderBacklog: Sendable, Equatable {
    /// Listeners being recorded.
    public var recording: Int
    /// Listeners whose poll is overdue by more than the grace period.
    public var behind: Int
    /// How long the most overdue poll has waited, in milliseconds (0 when none is due).
    public var lagMs: Int64
}

extension HistoryStore {
    /// Claims up to `limit` listeners whose poll is due and whom no live lease holds, for
    /// `holder` until `until`. One statement; on PostgreSQL rows another instance is claiming
    /// at the same moment are passed over (`FOR UPDATE SKIP LOCKED`), so each listener goes to
    /// exactly one instance, and a dead instance's listeners come free when its lease runs out.
    public func claimDuePolls(holder: String, now: Date, until: Date, limit: Int) async throws -> [RecorderClaim] {
        let nowMs = now.unixMilliseconds
        return try await engine.withDatabase(idempotent: false) { database in
            try await database.raw(
                """
                UPDATE encore_history_listeners SET lease_holder = \(bind: holder), lease_until_ms = \(bind: until.unixMilliseconds)
                WHERE listener_id IN (
                    SELECT listener_id FROM encore_history_listeners
                    WHERE recording = 1 AND next_poll_ms <= \(bind: nowMs) AND (lease_until_ms IS NULL OR lease_until_ms <= \(bind: nowMs))
                    ORDER BY next_poll_ms LIMIT \(bind: limit)\(unsafeRaw: self.engine.dialect.claimRows))
                RETURNING user_id, poll_after_ms
                """
            ).all().map { row in
                RecorderClaim(
                    userID: try row.decode(column: "user_id", as: String.self),
                    pollAfterMs: try row.decode(column: "poll_after_ms", as: Int64?.self))
            }
        }
    }

    /// Ends a claim without plays: the next poll's time and what happened; `stop` also stops
    /// recording (the grant or the scope is gone). Nothing happens if the lease passed on.
    public func releasePoll(
        userID: String, holder: String, nextPollAt: Date?, polledAt: Date, outcome: RecorderOutcome, stop: Bool = false
    ) async throws {
        let id = HistoryID.listener(userID)
        let next = stop ? nil : nextPollAt
        try await engine.withDatabase(idempotent: true) { database in
            if let next {
                try await database.raw(
                    """
                    UPDATE encore_history_listeners SET lease_holder = NULL, lease_until_ms = NULL, last_poll_ms = \(bind: polledAt.unixMilliseconds),
                        last_poll_outcome = \(bind: outcome.rawValue), next_poll_ms = CASE WHEN recording = 1 THEN \(bind: next.unixMilliseconds) ELSE NULL END
                    WHERE listener_id = \(bind: id) AND lease_holder = \(bind: holder)
                    """
                ).run()
            } else {
                try await database.raw(
                    """
                    UPDATE encore_history_listeners SET lease_holder = NULL, lease_until_ms = NULL, last_poll_ms = \(bind: polledAt.unixMilliseconds),
                        last_poll_outcome = \(bind: outcome.rawValue), recording = 0, next_poll_ms = NULL
                    WHERE listener_id = \(bind: id) AND lease_holder = \(bind: holder)
                    """
                ).run()
            }
        }
    }

    /// The recorder's backlog: polls overdue by more than `grace`.
    public func recorderBacklog(now: Date, grace: Duration) async throws -> RecorderBacklog {
        let nowMs = now.unixMilliseconds
        let cutoff = nowMs - Int64(grace.timeInterval * 1000)
        return try await engine.withDatabase(idempotent: true) { database in
            let row = try await database.raw(
                """
                SELECT COUNT(*) AS recording,
                    COALESCE(SUM(CASE WHEN next_poll_ms < \(bind: cutoff) THEN 1 ELSE 0 END), 0) AS behind,
                    MIN(next_poll_ms) AS oldest
                FROM encore_history_listeners WHERE recording = 1
                """
            ).first()
            let oldest = try row?.decode(column: "oldest", as: Int64?.self)
            return RecorderBacklog(
                recording: try row?.decode(column: "recording", as: Int.self) ?? 0,
                behind: try row?.decode(column: "behind", as: Int.self) ?? 0,
                lagMs: oldest.map { max(0, nowMs - $0) } ?? 0)
        }
    }
}
