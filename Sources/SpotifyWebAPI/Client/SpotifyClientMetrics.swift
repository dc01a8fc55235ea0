import CoreMetrics
import Foundation

/// Records each exchange with the Web API through swift-metrics.
///
/// Labels carry the endpoint name and the status (or failure kind) only, never a URL with ids
/// in it, so the number of series stays small.
struct SpotifyClientMetrics: Sendable {
    let factory: (any MetricsFactory)?

    func exchange(endpoint: String, outcome: String, started: Date, ended: Date) {
        let dimensions = [("endpoint", endpoint)]
        let nanoseconds = Int64((ended.timeIntervalSince(started) * 1e9).rounded())
        if let factory {
            Counter(label: "spotify_requests_total", dimensions: dimensions + [("status", outcome)], factory: factory).increment()
            Timer(label: "spotify_request_duration_seconds", dimensions: dimensions, factory: factory).recordNanoseconds(nanoseconds)
        } else {
            Counter(label: "spotify_requests_total", dimensions: dimensions + [("status", outcome)]).increment()
            Timer(label: "spotify_request_duration_seconds", dimensions: dimensions).recordNanoseconds(nanoseconds)
        }
    }

    func rateLimitWait(_ wait: Duration) {
        if let factory {
            Counter(label: "spotify_rate_limit_waits_total", factory: factory).increment()
            FloatingPointCounter(label: "spotify_rate_limit_wait_seconds_total", factory: factory).increment(by: wait.timeInterval)
        } else {
            Counter(label: "spotify_rate_limit_waits_total").increment()
            FloatingPointCounter(label: "spotify_rate_limit_wait_seconds_total").increment(by: wait.timeInterval)
        }
    }
}

extension TransportFailure {
    /// A short label for metrics.
    var metricLabel: String {
        switch self {
        case .connectionFailed: "connect_failed"
        case .timedOut: "timeout"
        case .connectionLost: "connection_lost"
        case .responseTooLarge: "too_large"
        }
    }
}
