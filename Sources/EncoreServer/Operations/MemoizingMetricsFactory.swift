import CoreMetrics
import Synchronization

/// Hands out one handler per metric name and label set, made once by the wrapped factory.
///
/// Every request records a few metrics through `Counter(label:dimensions:factory:)`, and each
/// such call asks the factory again; Prometheus's answer involves name checks and a registry
/// lookup under a lock. The label sets Encore uses are few and bounded, so they are kept here.
final class MemoizingMetricsFactory: MetricsFactory, Sendable {
    private struct Key: Hashable {
        var label: String
        var dimensions: [String]

        init(_ label: String, _ dimensions: [(String, String)]) {
            self.label = label
            self.dimensions = dimensions.flatMap { [$0.0, $0.1] }
        }
    }

    private let base: any MetricsFactory
    private let counters = Mutex<[Key: any CounterHandler]>([:])
    private let floatingCounters = Mutex<[Key: any FloatingPointCounterHandler]>([:])
    private let recorders = Mutex<[Key: any RecorderHandler]>([:])
    private let timers = Mutex<[Key: any TimerHandler]>([:])

    init(_ base: any MetricsFactory) {
        self.base = base
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        Self.handle(in: counters, for: Key(label, dimensions)) { base.makeCounter(label: label, dimensions: dimensions) }
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        Self.handle(in: floatingCounters, for: Key(label, dimensions)) { base.makeFloatingPointCounter(label: label, dimensions: dimensions) }
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        Self.handle(in: recorders, for: Key(label + (aggregate ? "#aggregate" : ""), dimensions)) {
            base.makeRecorder(label: label, dimensions: dimensions, aggregate: aggregate)
        }
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        Self.handle(in: timers, for: Key(label, dimensions)) { base.makeTimer(label: label, dimensions: dimensions) }
    }

    private static func handle<Handler: Sendable>(
        in cache: borrowing Mutex<[Key: Handler]>, for key: Key, make: () -> Handler
    ) -> Handler {
        cache.withLock { cache in
            if let known = cache[key] { return known }
            let made = make()
            cache[key] = made
            return made
        }
    }

    // Handlers stay for the life of the app, as the registry's series do.
    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}
}
