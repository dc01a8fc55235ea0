import SpotifyWebAPI

/// The app's transport as one user's client sees it: every call spends from that user's budget.
///
/// Counting at the transport counts what Spotify counts, retries included.
struct BudgetedTransport: HTTPTransport {
    let base: any HTTPTransport
    let budget: UserCallBudget
    let userID: String
    let clock: any SpotifyClock

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        if let wait = budget.spend(userID: userID, now: clock.now()) {
            throw AccessFailure.userRateLimited(retryAfter: max(1, wait.secondsRoundedUp))
        }
        return try await base.send(request)
    }
}
