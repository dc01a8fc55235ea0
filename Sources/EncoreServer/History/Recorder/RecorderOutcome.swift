/// How the recorder's last word on a listener ended: stored in `last_poll_outcome`, counted in
/// `encore_history_polls_total{outcome}`, and said on `/history`, all from this one list, so the
/// compiler names every place a new case must be handled.
public enum RecorderOutcome: String, Sendable, Codable, CaseIterable {
    /// The poll stored what recently played held.
    case ok
    /// Spotify asked the app to slow down; the next poll waits as long as it said.
    case rateLimited = "rate_limited"
    /// The listener's own share of calls to Spotify was spent.
    case userRateLimited = "user_rate_limited"
    /// Spotify failed or could not be reached; tried again within minutes.
    case failed
    /// The listener's grant ended (`invalid_grant`, signing out): recording stopped.
    case signedOut = "signed_out"
    /// The grant lacks `user-read-recently-played`: recording stopped.
    case missingScope = "missing_scope"
    /// Another instance took the listener over, or the history was forgotten meanwhile.
    case leaseLost = "lease_lost"
    /// The database failed; the lease runs out and another poll follows.
    case storageFailed = "storage_failed"
    /// The history is full (`ENCORE_HISTORY_MAX_PLAYS`): recording stopped.
    case historyFull = "history_full"
    /// The listener pressed Stop recording.
    case stopped
    /// The listener deleted their history.
    case forgotten

    /// Outcomes of a poll, the metric's label values.
    static let pollOutcomes: [RecorderOutcome] = [
        .ok, .rateLimited, .userRateLimited, .failed, .signedOut, .missingScope, .leaseLost, .storageFailed, .historyFull,
    ]
}
