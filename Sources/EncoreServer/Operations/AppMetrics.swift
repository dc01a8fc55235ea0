import CoreMetrics
import Foundation
import Prometheus

/// The app's Prometheus registry and the metrics Encore itself records.
///
/// The registry is the app's own (not the process-wide swift-metrics bootstrap), so several
/// apps in one process — as in tests — keep separate figures. The client library's
/// `spotify_*` metrics are routed here through ``factory``.
public struct AppMetrics: Sendable {
    /// Where every metric lives; `/metrics` prints it.
    public let registry: PrometheusCollectorRegistry
    /// The swift-metrics factory that writes into ``registry``.
    public let factory: any MetricsFactory

    /// Creates metrics over a registry (a new one by default).
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        let buckets: [Duration] = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
            .seconds(2.5), .seconds(5), .seconds(10),
        ]
        factory.defaultDurationHistogramBuckets = buckets
        self.factory = factory
    }

    func request(route: String, method: String, status: Int, duration: Duration) {
        // Methods come from the client: only the standard ones become label values, so a client
        // inventing methods cannot grow the number of series.
        let method = Self.standardMethods.contains(method) ? method : "OTHER"
        Counter(
            label: "encore_http_requests_total", dimensions: [("route", route), ("method", method), ("status", String(status))], factory: factory
        ).increment()
        Timer(label: "encore_http_request_duration_seconds", dimensions: [("route", route)], factory: factory)
            .recordNanoseconds(Int64(duration.timeInterval * 1e9))
    }

    private static let standardMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE"]

    func refresh(outcome: String) {
        Counter(label: "encore_token_refreshes_total", dimensions: [("outcome", outcome)], factory: factory).increment()
    }

    func cache(_ outcome: String) {
        Counter(label: "encore_cache_lookups_total", dimensions: [("outcome", outcome)], factory: factory).increment()
    }

    func signIn(outcome: String) {
        Counter(label: "encore_sign_ins_total", dimensions: [("outcome", outcome)], factory: factory).increment()
    }

    /// Plays stored in the history, by where they came from (`recorded`, `imported`).
    func historyPlaysRecorded(_ count: Int, source: String) {
        guard count > 0 else { return }
        Counter(label: "encore_history_plays_total", dimensions: [("source", source)], factory: factory).increment(by: count)
    }

    /// Recorder polls by outcome (``RecorderOutcome``: `ok`, `rate_limited`, `signed_out`, …).
    func historyPoll(outcome: RecorderOutcome) {
        Counter(label: "encore_history_polls_total", dimensions: [("outcome", outcome.rawValue)], factory: factory).increment()
    }

    /// The recorder's backlog across every instance.
    func historyBacklog(_ backlog: RecorderBacklog) {
        Gauge(label: "encore_history_listeners_recording", factory: factory).record(backlog.recording)
        Gauge(label: "encore_history_listeners_behind", factory: factory).record(backlog.behind)
        Gauge(label: "encore_history_lag_seconds", factory: factory).record(Double(backlog.lagMs) / 1000)
    }

    /// The Prometheus text exposition of every metric.
    func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(8 * 1024)
        registry.emit(into: &buffer)
        return buffer
    }
}
