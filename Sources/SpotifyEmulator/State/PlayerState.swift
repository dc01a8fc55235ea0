import Foundation

/// One user's player: their devices, what plays, where, and the queue. The position advances
/// with the emulator's clock; crossing an item's end moves on as Spotify would.
struct PlayerState: Sendable {
    struct Device: Sendable {
        var id: String
        var name: String
        var type: String
        var volume: Int
        var supportsVolume: Bool
    }

    var devices: [Device]
    var activeDeviceID: String?
    /// The context (album, playlist, artist, show) and its items as URIs.
    var contextURI: String?
    var items: [String] = []
    var index = 0
    /// Items added with `POST /me/player/queue`, played before the context goes on.
    var userQueue: [String] = []
    /// What plays now, when it came from the user queue rather than `items[index]`.
    var queuedCurrent: String?
    var isPlaying = false
    var progressMs = 0
    var since: Date
    var repeatState = "off"
    var shuffle = false

    init(userID: String, now: Date) {
        var random = SeededGenerator(seed: Names.stableHash("player-" + userID))
        devices = [
            Device(id: Base62.id(using: &random, length: 40), name: "Web Player (Chrome)", type: "Computer", volume: 80, supportsVolume: true),
            Device(id: Base62.id(using: &random, length: 40), name: "Kitchen", type: "Speaker", volume: 35, supportsVolume: true),
            Device(id: Base62.id(using: &random, length: 40), name: "Phone", type: "Smartphone", volume: 100, supportsVolume: false),
        ]
        since = now
    }

    var current: String? { queuedCurrent ?? (items.indices.contains(index) ? items[index] : nil) }

    /// Brings the position up to `now`, moving past every item that ended meanwhile.
    mutating func settle(now: Date, duration: (String) -> Int) {
        guard isPlaying else {
            since = now
            return
        }
        // The emulator's clock can be moved by years; the sum stays far inside Int's range.
        let passed = Int(max(0, min(now.timeIntervalSince(since) * 1000, 1e15)))
        var elapsed = min(progressMs, Int(Int32.max)) + passed
        while let uri = current, elapsed >= duration(uri) {
            elapsed -= duration(uri)
            if repeatState == "track" { continue }
            guard advance() else {
                isPlaying = false
                elapsed = 0
                break
            }
        }
        progressMs = elapsed
        since = now
    }

    /// Moves to the next item: the user queue first, then the context (wrapping on
    /// `repeat=context`). `false` at the end.
    @discardableResult
    mutating func advance() -> Bool {
        if !userQueue.isEmpty {
            queuedCurrent = userQueue.removeFirst()
            return true
        }
        if queuedCurrent != nil {
            queuedCurrent = nil
            if index + 1 < items.count || repeatState == "context" {
                index = (index + 1) % max(items.count, 1)
                return !items.isEmpty
            }
            return false
        }
        if index + 1 < items.count {
            index += 1
            return true
        }
        if repeatState == "context", !items.isEmpty {
            index = 0
            return true
        }
        return false
    }

    /// What comes after the current item, as many as `limit`.
    func upcoming(limit: Int) -> [String] {
        var next = userQueue
        var position = index
        while next.count < limit, !items.isEmpty {
            position += 1
            if position >= items.count {
                guard repeatState == "context" else { break }
                position = 0
            }
            next.append(items[position])
        }
        return Array(next.prefix(limit))
    }
}

extension EmulatorState {
    /// Changes a user's player under the lock, settled to the emulator's clock first.
    func updatePlayer<T>(of userID: String, duration: (String) -> Int, _ change: (inout PlayerState) -> T) -> T {
        let now = now()
        return storage.withLock { storage in
            var player = storage.players[userID] ?? PlayerState(userID: userID, now: now)
            player.settle(now: now, duration: duration)
            let result = change(&player)
            storage.players[userID] = player
            return result
        }
    }
}
