import Foundation
import NIOCore
import Synchronization

/// Recent Web API answers per user, so reloading a page within the TTL costs no quota.
///
/// Entries past the TTL are kept for revalidation: their ETag goes out as `If-None-Match`, and a
/// 304 renews them without a body. Both the number of entries and their bytes are capped; the
/// least recently stored users' entries go first.
final class ResponseCache: Sendable {
    struct Entry: Sendable {
        var body: ByteBuffer
        var etag: String?
        var storedAt: Date
        /// What a page made of this body, kept with it; a 304 keeps the body and so this too.
        var derived = Derived()
    }

    /// A value computed once from a stored body, such as the rows of a page.
    ///
    /// Decoding Spotify's 40 KB page into models costs far more than serving it; a reload within
    /// the TTL reuses what the first view decoded. Two requests racing may both compute it: the
    /// result is the same, and no lock is held while decoding.
    final class Derived: Sendable {
        /// One value per type, so two pages made from the same answer would each keep their
        /// own (today each answer feeds one page: `/` the profile, `/top/…` their lists).
        private let slots = Mutex<[ObjectIdentifier: any Sendable]>([:])

        /// The stored value of type `T`, or `make`'s result, stored for the next caller.
        func value<T: Sendable, Failure: Error>(_ make: () throws(Failure) -> T) throws(Failure) -> T {
            try value(where: { _ in true }, make)
        }

        /// The stored value of type `T` when `isCurrent` accepts it; otherwise `make`'s result,
        /// stored in its place.
        func value<T: Sendable, Failure: Error>(where isCurrent: (T) -> Bool, _ make: () throws(Failure) -> T) throws(Failure) -> T {
            if let stored = slots.withLock({ $0[ObjectIdentifier(T.self)] }) as? T, isCurrent(stored) { return stored }
            let made = try make()
            slots.withLock { $0[ObjectIdentifier(T.self)] = made }
            return made
        }
    }

    private struct State {
        var users: [String: [String: Entry]] = [:]
        var order: [String: UInt64] = [:]
        var tick: UInt64 = 0
        var count = 0
        var bytes = 0
    }

    let ttl: Duration
    private let maxEntries: Int
    /// The most bytes held: bodies, keys and a fixed allowance per entry for the rest.
    let maxBytes: Int
    private let state = Mutex(State())

    /// What an entry costs beyond its body and key: the entry, its dictionary slot and the page
    /// rendered from it (a top-tracks page's HTML is about half the size of Spotify's JSON).
    static func cost(_ entry: Entry, key: String) -> Int {
        entry.body.readableBytes + entry.body.readableBytes / 2 + key.utf8.count + (entry.etag?.utf8.count ?? 0) + 256
    }

    init(ttl: Duration, maxEntries: Int = 50_000, maxBytes: Int = 256 << 20) {
        self.ttl = ttl
        self.maxEntries = maxEntries
        self.maxBytes = maxBytes
    }

    /// Bytes held now, by ``cost(_:key:)``.
    var bytesHeld: Int { state.withLock { $0.bytes } }

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
        let cost = Self.cost(entry, key: key)
        // An answer bigger than a tenth of the cache would push out everyone else for one page.
        guard isEnabled, cost <= maxBytes / 10 else { return }
        state.withLock { state in
            state.tick += 1
            state.order[userID] = state.tick
            if let replaced = state.users[userID, default: [:]].updateValue(entry, forKey: key) {
                state.bytes -= Self.cost(replaced, key: key)
            } else {
                state.count += 1
            }
            state.bytes += cost
            if state.count > maxEntries || state.bytes > maxBytes {
                Self.evict(&state, entries: maxEntries * 9 / 10, bytes: maxBytes / 10 * 9)
            }
        }
    }

    func removeAll(userID: String) {
        state.withLock { state in Self.remove(userID, from: &state) }
    }

    private static func remove(_ userID: String, from state: inout State) {
        if let entries = state.users.removeValue(forKey: userID) {
            state.count -= entries.count
            state.bytes -= entries.reduce(0) { $0 + cost($1.value, key: $1.key) }
        }
        state.order.removeValue(forKey: userID)
    }

    /// Drops whole users, least recently stored first; the one just stored goes last, so a
    /// single user cannot hold more than the cap either.
    private static func evict(_ state: inout State, entries: Int, bytes: Int) {
        for (userID, _) in state.order.sorted(by: { $0.value < $1.value }) {
            guard state.count > entries || state.bytes > bytes else { break }
            remove(userID, from: &state)
        }
    }
}
