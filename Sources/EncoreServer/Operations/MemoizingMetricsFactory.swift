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
        let key = Key(label, dimensions)
        return counters.withLock { cache in
            if let known = cache[key] { return known }
            let made = base.makeCounter(label: label, dimensions: dimensions)
            cache[key] = made
            return made
        }
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        let key = Key(label, dimensions)
        return floatingCounters.withLock { cache in
            if let known = cache[key] { return known }
            let made = base.makeFloatingPointCounter(label: label, dimensions: dimensions)
            cache[key] = made
            return made
        }
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        let key = Key(label + (aggregate ? "#aggregate" : ""), dimensions)
        return recorders.withLock { cache in
            if let known = cache[key] { return known }
            let made = base.makeRecorder(label: label, dimensions: dimensions, aggregate: aggregate)
            cache[key] = made
            return made
        }
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        let key = Key(label, dimensions)
        return timers.withLock { cache in
            if let known = cache[key] { return known }
            let made = base.makeTimer(label: label, dimensions: dimensions)
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
