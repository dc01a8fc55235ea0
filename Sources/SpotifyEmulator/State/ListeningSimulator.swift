import Foundation

/// The seeded users' listening, as a pure function of time: which tracks each of them played in
/// any hour, past or future, the same on every run and every instance.
///
/// Nothing is stored. An hour's plays come from a generator seeded by the catalog seed, the user
/// and the hour, so `recently-played` grows as the emulator's clock advances, a test can compute
/// what a recorder should have seen, and an export of any length can be generated from the same
/// plays.
///
/// The rhythm is a listener's: little at night, a commute in the morning, more in the evening
/// (in the user's own time zone); a session plays mostly the user's short-term favourites, some
/// older ones, now and then anything; a few plays are skipped early, a few paused mid-way, and
/// now and then the listener takes a break between tracks.
struct ListeningSimulator: Sendable {
    /// One play: the track, when it ended, and how much of it was heard.
    struct Play: Sendable, Hashable {
        var track: Int
        var playedAtMs: Int64
        var msPlayed: Int
    }

    /// Spotify counts a play in recently played after 30 s.
    static let countedAfterMs = 30_000
    static let hourMs: Int64 = 3_600_000

    let catalog: Catalog

    /// How likely a user is to listen in each hour of their day.
    private static let hourlyChance: [Double] = [
        0.06, 0.03, 0.02, 0.01, 0.01, 0.02, 0.08, 0.35, 0.55, 0.40, 0.30, 0.30,
        0.35, 0.30, 0.30, 0.35, 0.40, 0.50, 0.55, 0.60, 0.60, 0.50, 0.35, 0.15,
    ]

    /// The user's offset from UTC in hours, from their country; Europe when unknown.
    static func utcOffsetHours(country: String) -> Int {
        switch country {
        case "US", "CA", "MX": -6
        case "BR", "AR": -3
        case "GB", "IE", "PT": 0
        case "IN": 5
        case "JP": 9
        case "AU", "NZ": 10
        case "ZA", "FI": 2
        default: 1
        }
    }

    /// Every play of `user` that ended in `[fromMs, toMs)`, oldest first, skipped ones included.
    func plays(of user: Catalog.User, fromMs: Int64, toMs: Int64) -> [Play] {
        guard toMs > fromMs else { return [] }
        var result: [Play] = []
        var hour = Self.floorDiv(fromMs, Self.hourMs)
        while hour * Self.hourMs < toMs {
            for play in hourPlays(of: user, hour: hour) where play.playedAtMs >= fromMs && play.playedAtMs < toMs {
                result.append(play)
            }
            hour += 1
        }
        return result
    }

    /// What `GET /me/player/recently-played` holds at `nowMs`: the last `limit` counted plays,
    /// newest first, looking back at most `horizonHours`.
    func recentlyPlayed(by user: Catalog.User, nowMs: Int64, limit: Int = 50, horizonHours: Int64 = 24 * 28) -> [Play] {
        var found: [Play] = []
        var hour = Self.floorDiv(nowMs, Self.hourMs)
        let oldest = hour - horizonHours
        while found.count < limit, hour >= oldest {
            // Newest first within the hour, and only plays that have ended by now.
            let counted = plays(of: user, fromMs: hour * Self.hourMs, toMs: min((hour + 1) * Self.hourMs, nowMs + 1))
                .filter { $0.msPlayed >= Self.countedAfterMs }
            found += counted.reversed()
            hour -= 1
        }
        return Array(found.prefix(limit))
    }

    /// The plays of the session that starts in `hour` (hours since 1970, UTC), if the user
    /// listened then.
    func hourPlays(of user: Catalog.User, hour: Int64) -> [Play] {
        var random = SeededGenerator(seed: catalog.seed &* 0x100_0000_01B3 ^ Self.stableHash(user.id) ^ UInt64(bitPattern: hour) &* 0x9E37_79B9)
        let localHour = Int(Self.floorMod(hour + Int64(Self.utcOffsetHours(country: user.country)), 24))
        guard Double.random(in: 0..<1, using: &random) < Self.hourlyChance[localHour] else { return [] }
        let shortTerm = user.topTracks["short_term"] ?? []
        let longTerm = user.topTracks["long_term"] ?? []
        var clock = hour * Self.hourMs + Int64.random(in: 0..<1_800_000, using: &random)
        let sessionEnd = clock + Int64.random(in: 600_000...3_000_000, using: &random)
        // A session stays inside its hour, so hours never overlap and plays are strictly in order.
        let hourEnd = (hour + 1) * Self.hourMs - 1_000
        var plays: [Play] = []
        while clock < sessionEnd {
            let draw = Double.random(in: 0..<1, using: &random)
            let track: Int =
                if draw < 0.7, !shortTerm.isEmpty {
                    shortTerm[Int.random(in: 0..<shortTerm.count, using: &random)]
                } else if draw < 0.9, !longTerm.isEmpty {
                    longTerm[Int.random(in: 0..<longTerm.count, using: &random)]
                } else {
                    Int.random(in: 0..<catalog.tracks.count, using: &random)
                }
            let duration = catalog.tracks[track].durationMs
            let skipped = Double.random(in: 0..<1, using: &random) < 0.12
            let heard = skipped ? Int.random(in: 1_000...max(1_000, min(duration, 90_000)), using: &random) : max(duration, 1)
            // Now and then the listener pauses mid-track (a call, the door) for one to ten
            // minutes: the track ends that much later than it was heard for, as in Spotify's
            // export, whose `ts` is when a stream ended and `ms_played` what was heard.
            let paused = Double.random(in: 0..<1, using: &random) < 0.06 ? Int64.random(in: 60_000...600_000, using: &random) : 0
            guard clock + Int64(heard) + paused < hourEnd else { break }
            clock += Int64(heard) + paused
            plays.append(Play(track: track, playedAtMs: clock, msPlayed: heard))
            // A moment between tracks, and now and then a break before the next one.
            clock +=
                Double.random(in: 0..<1, using: &random) < 0.04
                ? Int64.random(in: 60_000...480_000, using: &random) : Int64.random(in: 0..<3_000, using: &random)
        }
        return plays
    }

    /// FNV-1a: `hashValue` differs between runs, and the plays must not.
    static func stableHash(_ text: String) -> UInt64 {
        text.utf8.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }
    static func floorMod(_ a: Int64, _ b: Int64) -> Int64 { ((a % b) + b) % b }
}

/// One simulated play, described the way Spotify's streaming-history export describes a play.
public struct SimulatedPlay: Sendable, Hashable, Codable {
    /// The track's Spotify ID.
    public var trackID: String
    /// The track's name.
    public var trackName: String
    /// Its first artist's name.
    public var artistName: String
    /// Its album's name.
    public var albumName: String
    /// The track's full length.
    public var durationMs: Int
    /// How long it was heard; under 30 s it was skipped and recently played leaves it out.
    public var msPlayed: Int
    /// When it ended.
    public var playedAt: Date

    enum CodingKeys: String, CodingKey {
        case trackID = "track_id"
        case trackName = "track_name"
        case artistName = "artist_name"
        case albumName = "album_name"
        case durationMs = "duration_ms"
        case msPlayed = "ms_played"
        case playedAt = "played_at"
    }
}
