/// How the client waits out rate limits and retries failures.
///
/// - A 429 is retried after exactly its `Retry-After` (0 included) as long as the total wait for
///   the request stays within ``rateLimitBudget``; past it the request fails at once with an
///   error carrying ``SpotifyAPIError/retryAfter``.
/// - 502, 503, 504 and connection failures back off exponentially with jitter, for idempotent
///   requests only, at most ``maxRetries`` times.
/// - 400, 401, 403 and 404 return at once.
public struct RetryPolicy: Sendable, Hashable {
    /// The longest total time one request may spend waiting on rate limits.
    public var rateLimitBudget: Duration
    /// How many times a failed idempotent request is retried after a server or network error.
    public var maxRetries: Int
    /// The first back-off delay; each later one doubles, up to ``maxDelay``.
    public var baseDelay: Duration
    /// The longest single back-off delay.
    public var maxDelay: Duration
    /// The `Retry-After` to assume when a 429 carries none.
    public var defaultRetryAfter: Duration

    /// Creates a policy.
    public init(
        rateLimitBudget: Duration = .seconds(30),
        maxRetries: Int = 2,
        baseDelay: Duration = .milliseconds(200),
        maxDelay: Duration = .seconds(5),
        defaultRetryAfter: Duration = .seconds(1)
    ) {
        self.rateLimitBudget = rateLimitBudget
        self.maxRetries = maxRetries
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.defaultRetryAfter = defaultRetryAfter
    }

    /// 30 s rate-limit budget, two retries from 200 ms.
    public static let `default` = RetryPolicy()

    /// Never waits and never retries.
    public static let none = RetryPolicy(rateLimitBudget: .zero, maxRetries: 0)

    /// The delay before retry number `attempt` (1-based): "equal jitter", half fixed and half
    /// random, so clients that failed together do not come back together.
    /// - Parameters:
    ///   - attempt: Which retry, from 1.
    ///   - unitRandom: A value in `0..<1`.
    public func backoffDelay(attempt: Int, unitRandom: Double) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let ceiling = min(baseDelay * (1 << exponent), maxDelay)
        let half = ceiling / 2
        return half + .interval(half.timeInterval * min(max(unitRandom, 0), 1))
    }

    /// Whether a status is worth retrying after a back-off.
    static func isRetryableServerStatus(_ status: Int) -> Bool {
        status == 502 || status == 503 || status == 504
    }
}
