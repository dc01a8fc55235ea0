import Foundation

/// The attempts of one call to Spotify, Web API or token endpoint alike: the wait at the shared
/// rate-limit gate, replays after a network failure, `Retry-After` waits and back-off, all
/// inside one deadline and one rate-limit budget.
///
/// What differs between the callers is only how one attempt is sent and what a final answer
/// means; those come in as closures, so the arithmetic of waiting lives here once.
struct CallExecutor: Sendable {
    let policy: RetryPolicy
    let clock: any SpotifyClock
    /// Shared by every Web API client of an app (a 429 pauses them all); `nil` for the
    /// accounts service, which Spotify limits on its own.
    let gate: RateLimitGate?
    let service: SpotifyAPIError.Service
    /// Told of every wait spent on a rate limit (for metrics).
    var onRateLimitWait: @Sendable (Duration) -> Void = { _ in }

    /// What the caller makes of an answer the executor does not retry by itself.
    enum Settlement: Sendable {
        /// Try again at once (the Web API after refreshing a rejected token).
        case again
        /// The call failed with this error.
        case fail(SpotifyAPIError)
    }

    /// Runs attempts until a 2xx or 304 answer, a failure that is not retried, or the deadline.
    /// - Parameters:
    ///   - idempotent: Whether a request that may have reached Spotify can be sent again.
    ///   - deadline: When the whole call must be over.
    ///   - prepare: Runs before each attempt (the Web API gets its access token, which may
    ///     mean a refresh, so the time left is measured after it).
    ///   - attempt: Sends once, with the time left as its timeout.
    ///   - settle: Decides about any other answer.
    func run<Prepared: Sendable>(
        idempotent: Bool,
        deadline: Date,
        prepare: () async throws -> Prepared,
        attempt: (Prepared, _ timeout: Duration) async throws -> TransportResponse,
        settle: (TransportResponse, Prepared) async throws -> Settlement
    ) async throws -> TransportResponse {
        var budget = Budget(policy: policy, clock: clock, deadline: deadline)
        while true {
            try await waitAtGate(&budget)
            let prepared = try await prepare()
            let timeout = budget.left
            guard timeout > .zero else { throw SpotifyAPIError.deadlinePassed(service: service) }
            let response: TransportResponse
            do {
                response = try await attempt(prepared, timeout)
            } catch let failure as TransportFailure {
                // A request that never connected cannot have had an effect; others are replayed
                // only when repeating them is harmless.
                let replayable = failure == .connectionFailed || (idempotent && (failure == .timedOut || failure == .connectionLost))
                guard replayable, let delay = budget.nextBackoff() else { throw SpotifyAPIError(transportFailure: failure, service: service) }
                try await clock.sleep(for: delay)
                continue
            }
            switch response.status {
            case 200..<300, 304:
                return response
            case 429:
                try await waitOutRateLimit(response, &budget)
            case let status where RetryPolicy.isRetryableServerStatus(status) && idempotent:
                try await waitBeforeServerRetry(response, &budget)
            default:
                switch try await settle(response, prepared) {
                case .again: continue
                case .fail(let error): throw error
                }
            }
        }
    }

    private func waitAtGate(_ budget: inout Budget) async throws {
        guard let gate else { return }
        let wait = await gate.remainingWait(at: clock.now())
        guard wait > .zero else { return }
        guard budget.canWaitForRateLimit(wait) else {
            throw SpotifyAPIError(code: .rateLimited, service: service, status: 429, message: "rate limited by an earlier response", retryAfter: wait)
        }
        budget.rateLimitWaited += wait
        onRateLimitWait(wait)
        try await clock.sleep(for: wait)
    }

    private func waitOutRateLimit(_ response: TransportResponse, _ budget: inout Budget) async throws {
        var error = SpotifyAPIError.from(response: response, service: service)
        let wait = error.retryAfter ?? policy.defaultRetryAfter
        await gate?.close(for: wait, from: clock.now())
        guard budget.canWaitForRateLimit(wait) else {
            error.retryAfter = wait
            throw error
        }
        budget.rateLimitWaited += wait
        onRateLimitWait(wait)
        try await clock.sleep(for: wait)
    }

    private func waitBeforeServerRetry(_ response: TransportResponse, _ budget: inout Budget) async throws {
        let error = SpotifyAPIError.from(response: response, service: service)
        let asked = error.retryAfter ?? .zero
        guard budget.rateLimitWaited + asked <= policy.rateLimitBudget, let backoff = budget.nextBackoff(atLeast: asked) else { throw error }
        budget.rateLimitWaited += asked
        try await clock.sleep(for: backoff)
    }

    /// The time and retries one call has left.
    struct Budget {
        let policy: RetryPolicy
        let clock: any SpotifyClock
        let deadline: Date
        var retries = 0
        var rateLimitWaited = Duration.zero

        var left: Duration { .interval(deadline.timeIntervalSince(clock.now())) }

        func canWaitForRateLimit(_ wait: Duration) -> Bool {
            rateLimitWaited + wait <= policy.rateLimitBudget && wait < left
        }

        /// The delay before the next retry, counted as one; `nil` when retries or time ran out.
        mutating func nextBackoff(atLeast floor: Duration = .zero) -> Duration? {
            guard retries < policy.maxRetries else { return nil }
            let delay = max(policy.backoffDelay(attempt: retries + 1, unitRandom: .random(in: 0..<1)), floor)
            guard delay < left else { return nil }
            retries += 1
            return delay
        }
    }
}
