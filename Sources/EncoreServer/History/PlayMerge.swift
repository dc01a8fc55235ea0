/// Which plays two sources describe the same listening with, and which one stays.
///
/// The extended export knows most (the exact length, the reasons), the account-data export less
/// (names, the minute, the length), the recorder least (its length is an estimate):
/// ``PlaySource/precedence``. Two plays from different sources are the same listening when:
/// - **recorded and an export entry**: the same item, and the recorded moment lies within the
///   entry's span widened by ``tolerance`` at both ends. The export's `ts` is when a stream
///   ended; Spotify's `played_at` is its end on some clients and days and its start on others
///   (spotify/web-api#613, #1083), so the whole span, from `ts − ms_played` to `ts`, is
///   accepted. An account-data entry's end is only known to the minute, so its span reaches to
///   the minute's end.
/// - **account data and extended**: the same names, the same length, and the account-data
///   minute is the minute the extended entry ended in.
///
/// The rule depends only on the two plays, never on which arrived first, so whichever order the
/// recorder and the imports come in, what stays is the same: every extended entry, the
/// account-data entries no extended entry matches, the recorded plays no export entry matches.
/// A recorded play matched by an account-data entry that an extended entry later replaces stays
/// gone, even where the extended entry's narrower span would not have matched it.
enum PlayMerge {
    /// How far outside an entry's span a recorded moment may lie. Spotify's `played_at` carries
    /// milliseconds and the export's `ts` whole seconds; 15 s leaves room for clocks and logging
    /// while staying under the 30 s a recorded play lasts at least, so a play that started after
    /// an entry ended is never taken for it.
    static let tolerance: Int64 = 15_000
    static let minuteMs: Int64 = 60_000

    /// One side of a comparison: a play stored or arriving.
    struct Side {
        var at: Int64
        var track: Int64
        var ms: Int64
        var source: PlaySource
        var name: String
        var artist: String

        init(at: Int64, track: Int64, ms: Int64, source: PlaySource, name: String, artist: String) {
            self.at = at
            self.track = track
            self.ms = ms
            self.source = source
            self.name = name
            self.artist = artist
        }

        init(_ play: Play) {
            self.init(
                at: play.playedAtMs, track: play.item.id, ms: Int64(play.msPlayed), source: play.source, name: play.item.name,
                artist: play.item.artist)
        }

        var names: Names { Names(name: name, artist: artist) }
    }

    struct Names: Hashable {
        var name: String
        var artist: String
    }

    /// Whether two plays from different sources are the same listening.
    static func matches(_ a: Side, _ b: Side) -> Bool {
        guard a.source != b.source else { return false }
        let (high, low) = a.source.precedence > b.source.precedence ? (a, b) : (b, a)
        switch (high.source, low.source) {
        case (.imported, .recorded):
            return (high.track == low.track || high.names == low.names) && low.at >= high.at - high.ms - tolerance && low.at <= high.at + tolerance
        case (.accountData, .recorded):
            return high.names == low.names && low.at >= high.at - high.ms - tolerance && low.at <= high.at + minuteMs + tolerance
        case (.imported, .accountData):
            return high.names == low.names && high.ms == low.ms && low.at == floorMinute(high.at)
        default:
            return false
        }
    }

    static func floorMinute(_ ms: Int64) -> Int64 { LocalCalendar.floorDiv(ms, minuteMs) * minuteMs }

    /// The moments a stored play may have ended at to match one of `plays`: back by the longest
    /// arriving play (whose span reaches back), and forward by the longest play there is when a
    /// recorded play arrives (a stored entry's span reaches back over it).
    static func window(of plays: [Play]) -> ClosedRange<Int64>? {
        guard let first = plays.map(\.playedAtMs).min(), let last = plays.map(\.playedAtMs).max() else { return nil }
        let longest = Int64(plays.map(\.msPlayed).max() ?? 0)
        let reachForward = plays.contains { $0.source == .recorded } ? StreamingHistoryParser.longestPlayMs : 0
        return (first - longest - tolerance - minuteMs)...(last + reachForward + tolerance + minuteMs)
    }

    /// What to do with arriving plays, given the stored plays of other sources near them.
    struct Decision {
        /// Arriving plays (by index) a stored play outranks: already there.
        var dropped: Set<Int> = []
        /// Arriving plays (by index) that replace stored plays.
        var replacing: Set<Int> = []
        /// Stored plays (by index into the stored list) to delete.
        var deleted: [Int] = []
    }

    static func resolve(arriving: [Side], stored: [Side]) -> Decision {
        var decision = Decision()
        guard !arriving.isEmpty, !stored.isEmpty else { return decision }
        var byTrack: [Int64: [Int]] = [:]
        var byNames: [Names: [Int]] = [:]
        for (index, play) in stored.enumerated() {
            byTrack[play.track, default: []].append(index)
            byNames[play.names, default: []].append(index)
        }
        var deleted = Set<Int>()
        for (index, play) in arriving.enumerated() {
            var candidates = Set(byTrack[play.track] ?? [])
            candidates.formUnion(byNames[play.names] ?? [])
            let matching = candidates.filter { matches(play, stored[$0]) }
            guard !matching.isEmpty else { continue }
            if matching.contains(where: { stored[$0].source.precedence > play.source.precedence }) {
                decision.dropped.insert(index)
                continue
            }
            for candidate in matching.sorted() where deleted.insert(candidate).inserted {
                decision.deleted.append(candidate)
                decision.replacing.insert(index)
            }
        }
        return decision
    }
}
