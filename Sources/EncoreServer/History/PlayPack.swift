import Foundation

/// A local day's, month's or year's music (or all of it) summed per track and packed into one
/// value: a period's top lists and counts read a few of these instead of grouping a row per
/// track and part, which over years is a hundred thousand rows.
///
/// A pack is derived data. It is kept for as long as its listener's history has the same
/// generation and its period holds the same number of plays: plays are only ever added within
/// a generation (forgetting and re-zoning move it on), so an equal count is the same plays.
struct PlayPack: Sendable, Equatable {
    enum Unit: Int, Sendable, Comparable {
        case day = 0, month, year, allTime

        static func < (lhs: Unit, rhs: Unit) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// Which period: a local day or month number, a year, or 0 for all time.
    struct Key: Hashable, Sendable, Comparable {
        var unit: Unit
        var number: Int64

        static let allTime = Key(unit: .allTime, number: 0)

        /// A year's twelve months (month numbers count months since year 0).
        var monthsOfYear: [Key] { (number * 12..<number * 12 + 12).map { Key(unit: .month, number: $0) } }

        static func < (lhs: Key, rhs: Key) -> Bool { (lhs.unit, lhs.number) < (rhs.unit, rhs.number) }
    }

    /// One track's plays in the period; music only (episodes and chapters count in totals, not in
    /// top lists).
    struct Record: Equatable, Sendable {
        var track: Int64
        var artist: Int64
        var album: Int64
        var plays: Int64
        var ms: Int64
        /// The track's first and latest play over the whole history: the all-time pack carries
        /// them (0 in the others), so tables of every item need no other read.
        var first: Int64 = 0
        var last: Int64 = 0
    }

    var key: Key
    var generation: Int64
    /// Every entry of the period, music or not, short or not: what makes the pack current.
    var entries: Int64
    var records: [Record]

    /// Version byte, then per record seven little-endian 64-bit integers (version 1, five, had
    /// no first and latest play; a stored one is built again).
    private static let version: UInt8 = 2
    private static let recordSize = 56

    func encoded() -> Data {
        var data = Data(capacity: 1 + records.count * Self.recordSize)
        data.append(Self.version)
        for record in records {
            for value in [record.track, record.artist, record.album, record.plays, record.ms, record.first, record.last] {
                withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
            }
        }
        return data
    }

    /// The records of an encoded pack, or `nil` for a body this version does not read (it is
    /// then built again).
    static func records(decoding data: Data) -> [Record]? {
        guard data.first == version, (data.count - 1) % recordSize == 0 else { return nil }
        let count = (data.count - 1) / recordSize
        return data.withUnsafeBytes { raw in
            var records: [Record] = []
            records.reserveCapacity(count)
            for index in 0..<count {
                let base = 1 + index * recordSize
                func value(_ field: Int) -> Int64 {
                    Int64(littleEndian: raw.loadUnaligned(fromByteOffset: base + field * 8, as: Int64.self))
                }
                records.append(
                    Record(track: value(0), artist: value(1), album: value(2), plays: value(3), ms: value(4), first: value(5), last: value(6)))
            }
            return records
        }
    }

    /// The sum of packs for the same listener and generation (a year from its months).
    static func merged(_ key: Key, generation: Int64, _ parts: [PlayPack]) -> PlayPack {
        var sums: [Int64: Record] = [:]
        for part in parts {
            for record in part.records { sums.add(record) }
        }
        return PlayPack(
            key: key, generation: generation, entries: parts.reduce(0) { $0 + $1.entries },
            records: sums.values.sorted { $0.track < $1.track })
    }
}

/// A period's music summed from its packs: its top tracks, artists and albums and how many of
/// each it holds, ranked as ``ComputedReport`` ranks them.
struct PeriodTally {
    /// A ranked entry: a track, or an artist or album named by its smallest track number.
    struct Ranked: Equatable {
        var id: Int64
        var plays: Int
        var ms: Int64
    }

    struct Lists {
        var byPlays: [Ranked]
        var byMinutes: [Ranked]
    }

    private var tracks: [Int64: PlayPack.Record] = [:]

    var tracksByID: [Int64: PlayPack.Record] { tracks }

    init(_ packs: [PlayPack]) {
        tracks.reserveCapacity(packs.map(\.records.count).max() ?? 0)
        for pack in packs {
            for record in pack.records { tracks.add(record) }
        }
    }

    /// Music tracks with at least one entry, even a short one.
    var trackCount: Int { tracks.count }

    func topTracks(limit: Int) -> Lists {
        Self.ranked(tracks.map { Ranked(id: $0.key, plays: Int($0.value.plays), ms: $0.value.ms) }, limit: limit)
    }

    /// Artists (or albums) summed from their tracks, each named by its smallest track number.
    func grouped(byAlbum: Bool) -> [Ranked] {
        var groups: [Int64: Ranked] = [:]
        for (track, sum) in tracks {
            let key = byAlbum ? sum.album : sum.artist
            if var group = groups[key] {
                group.id = min(group.id, track)
                group.plays += Int(sum.plays)
                group.ms += sum.ms
                groups[key] = group
            } else {
                groups[key] = Ranked(id: track, plays: Int(sum.plays), ms: sum.ms)
            }
        }
        return Array(groups.values)
    }

    /// The first `limit` by plays (played ones only) and by minutes; ties go to more minutes (or
    /// plays), then to the smaller number. One pass per list keeping the best so far.
    static func ranked(_ entries: [Ranked], limit requested: Int) -> Lists {
        let limit = max(1, requested)
        func best(_ isBefore: (Ranked, Ranked) -> Bool, _ include: (Ranked) -> Bool) -> [Ranked] {
            var kept: [Ranked] = []
            kept.reserveCapacity(limit + 1)
            for entry in entries where include(entry) {
                if kept.count == limit, let last = kept.last, !isBefore(entry, last) { continue }
                let index = kept.firstIndex { isBefore(entry, $0) } ?? kept.count
                kept.insert(entry, at: index)
                if kept.count > limit { kept.removeLast() }
            }
            return kept
        }
        return Lists(
            byPlays: best({ ($0.plays, $0.ms, -$0.id) > ($1.plays, $1.ms, -$1.id) }, { $0.plays > 0 }),
            byMinutes: best({ ($0.ms, $0.plays, -$0.id) > ($1.ms, $1.plays, -$1.id) }, { _ in true }))
    }
}

extension Dictionary where Key == Int64, Value == PlayPack.Record {
    /// Adds a record's plays and time to its track's sum; a track's first record gives its artist
    /// and album.
    mutating func add(_ record: PlayPack.Record) {
        if let index = index(forKey: record.track) {
            values[index].plays += record.plays
            values[index].ms += record.ms
            if record.first != 0 { values[index].first = values[index].first == 0 ? record.first : Swift.min(values[index].first, record.first) }
            values[index].last = Swift.max(values[index].last, record.last)
        } else {
            self[record.track] = record
        }
    }
}
