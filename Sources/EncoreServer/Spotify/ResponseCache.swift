import Foundation
import NIOCore
import Synchronization

/// Recent Web API answers per user, so reloading a page within the TTL costs no quota.
///
/// Entries past the TTL are kept for revalidation: their ETag goes out as `If-None-Match`, and a
/// 304 renews them without a body. The number of entries is capped; the least recently stored
/// users' entries go first.
final class ResponseCache: Sendable {
    struct Entry: Sendable {
        var body: ByteBuffer
        var etag: String?
        var storedAt: Date
    }

    private struct State {
        var users: [String: [String: Entry]] = [:]
        var order: [String: UInt64] = [:]
        var tick: UInt64 = 0
        var count = 0
    }

    let ttl: Duration
    private let maxEntries: Int
    private let state = Mutex(State())

    init(ttl: Duration, maxEntries: Int = 50_000) {
        self.ttl = ttl
        self.maxEntries = maxEntries
    }

    var isEnabled: Bool { ttl > .zero }

    /// The stored entry and whether it is still within the TTL.
    func lookup(userID: String, key: String, now: Date) -> (entry: Entry, fresh: Bool)? {
        guard isEnabled else { return nil }
        return state.withLock { state in
            guard let entry = state.users[userID]?[key] else { return nil }
            return (entry, now.timeIntervalSince(entry.storedAt) < ttl.timeInterval)
        }
    }

    func store(_ entry: Entry, userID: String, key: String) {
        guard isEnabled else { return }
        state.withLock { state in
            state.tick += 1
            state.order[userID] = state.tick
            if state.users[userID, default: [:]].updateValue(entry, forKey: key) == nil { state.count += 1 }
            if state.count > maxEntries { Self.evict(&state, target: maxEntries * 9 / 10) }
        }
    }

    func removeAll(userID: String) {
        state.withLock { state in
            state.count -= state.users.removeValue(forKey: userID)?.count ?? 0
            state.order.removeValue(forKey: userID)
        }
    }

    private static func evict(_ state: inout State, target: Int) {
        for (userID, _) in state.order.sorted(by: { $0.value < $1.value }) {
            guard state.count > target else { break }
            state.count -= state.users.removeValue(forKey: userID)?.count ?? 0
            state.order.removeValue(forKey: userID)
        }
    }
}
