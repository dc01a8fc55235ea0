import Synchronization

/// Makes concurrent identical requests share one call, like nginx's `proxy_cache_lock`.
///
/// The first caller for a key runs the call on its own task; callers arriving while it is in
/// flight wait for its result instead of calling again. A burst of reloads of one page costs one
/// call to Spotify and one unit of the user's budget. A leader that is cancelled hands nothing
/// on: its followers then call for themselves.
final class RequestCoalescer<Value: Sendable>: Sendable {
    private final class Flight: Sendable {
        let waiters = Mutex<[CheckedContinuation<Result<Value, any Error>, Never>]>([])
    }

    private let flights = Mutex<[String: Flight]>([:])

    /// How many keys have a call in flight.
    var inFlight: Int { flights.withLock { $0.count } }

    /// Runs `call` for `key`, or waits for the one already running.
    /// - Returns: The value and whether this caller shared another's call.
    func run(key: String, _ call: () async throws -> Value) async throws -> (value: Value, shared: Bool) {
        while true {
            let (flight, leads) = flights.withLock { flights -> (Flight, Bool) in
                if let flight = flights[key] { return (flight, false) }
                let flight = Flight()
                flights[key] = flight
                return (flight, true)
            }
            if leads {
                let result: Result<Value, any Error>
                do {
                    result = .success(try await call())
                } catch {
                    result = .failure(error)
                }
                let waiters = flights.withLock { flights in
                    flights.removeValue(forKey: key)
                    return flight.waiters.withLock { waiters in
                        defer { waiters.removeAll() }
                        return waiters
                    }
                }
                for waiter in waiters { waiter.resume(returning: result) }
                return (try result.get(), false)
            }
            let shared = await withCheckedContinuation { continuation in
                // The flight may have finished between the look-up and here: then call again.
                let joined = flights.withLock { flights in
                    guard flights[key] === flight else { return false }
                    flight.waiters.withLock { $0.append(continuation) }
                    return true
                }
                if !joined { continuation.resume(returning: .failure(CancellationError())) }
            }
            if case .failure(let error) = shared, error is CancellationError {
                try Task.checkCancellation()
                continue
            }
            return (try shared.get(), true)
        }
    }
}
