import Foundation
import Testing

@testable import EncoreServer

/// The five real exports listeners published (`../shared/streaming-history-exports/` from the
/// project's root, where CI has them too), and what each holds, counted here with a plain
/// `JSONSerialization` pass, independently of Encore's parser.
enum RealExports {
    static let folder: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/streaming-history-exports")

    static let names = [
        "Streaming_History_Audio_2023.json", "Streaming_History_Audio_2026.json", "endsong_1.json", "StreamingHistory_music_realistic.json",
        "Streaming_History_Video_2023.json",
    ]

    static var available: Bool { names.allSatisfy { FileManager.default.isReadableFile(atPath: folder.appendingPathComponent($0).path) } }

    static let skipReason: Comment = "the real exports are not in ../shared/streaming-history-exports/ (CI has them)"

    static func url(_ name: String) -> URL { folder.appendingPathComponent(name) }

    /// What a file holds: entries, plays of 30 s or more, all listening, and both per UTC day.
    struct Expected: Equatable {
        var entries = 0
        var plays = 0
        var ms: Int64 = 0
        var days: [Int64: (plays: Int, ms: Int64)] = [:]
        var isVideo = false

        static func == (lhs: Expected, rhs: Expected) -> Bool {
            lhs.entries == rhs.entries && lhs.plays == rhs.plays && lhs.ms == rhs.ms && lhs.isVideo == rhs.isVideo
                && lhs.days.keys.sorted() == rhs.days.keys.sorted()
                && lhs.days.allSatisfy { day, value in rhs.days[day].map { $0.plays == value.plays && $0.ms == value.ms } ?? false }
        }

        mutating func add(_ other: Expected) {
            entries += other.entries
            plays += other.plays
            ms += other.ms
            for (day, value) in other.days {
                let old = days[day] ?? (0, 0)
                days[day] = (old.plays + value.plays, old.ms + value.ms)
            }
        }

        /// The first and last UTC day with listening.
        var span: (first: Int64, last: Int64)? { days.keys.min().flatMap { first in days.keys.max().map { (first, $0) } } }
    }

    static func expected(_ name: String) throws -> Expected {
        let data = try Data(contentsOf: url(name))
        guard let entries = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else { return Expected() }
        var expected = Expected(entries: entries.count, isVideo: name.hasPrefix("Streaming_History_Video"))
        guard !expected.isVideo else { return expected }
        let extended = ISO8601DateFormatter()
        let basic = DateFormatter()
        basic.locale = Locale(identifier: "en_US_POSIX")
        basic.timeZone = TimeZone(identifier: "UTC")
        basic.dateFormat = "yyyy-MM-dd HH:mm"
        for entry in entries {
            let ms = Int64((entry["ms_played"] ?? entry["msPlayed"]) as? Int ?? 0)
            let date = (entry["ts"] as? String).flatMap(extended.date(from:)) ?? (entry["endTime"] as? String).flatMap(basic.date(from:))
            guard let date else { continue }
            let day = Int64((date.timeIntervalSince1970 / 86_400).rounded(.down))
            let counted = ms >= 30_000 ? 1 : 0
            expected.plays += counted
            expected.ms += ms
            let old = expected.days[day] ?? (0, 0)
            expected.days[day] = (old.plays + counted, old.ms + ms)
        }
        // A day whose only entries lasted 0 ms has nothing to show.
        expected.days = expected.days.filter { $0.value.plays > 0 || $0.value.ms > 0 }
        return expected
    }

    /// Every day's plays and listening from 90-day reports (whose charts are by day), for days in `span`.
    static func days(
        in span: (first: Int64, last: Int64), report: (LocalDateRange) async throws -> [(day: Int64, plays: Int, ms: Int64)]
    ) async throws -> [Int64: (plays: Int, ms: Int64)] {
        var days: [Int64: (plays: Int, ms: Int64)] = [:]
        var start = span.first
        while start <= span.last {
            let end = min(start + 89, span.last)
            for point in try await report(LocalDateRange(from: start, to: end)) where point.plays > 0 || point.ms > 0 {
                days[point.day] = (point.plays, point.ms)
            }
            start = end + 1
        }
        return days
    }

    struct LocalDateRange {
        var from: Int64
        var to: Int64
    }
}

extension RealExports {
    /// A file's entries as plays, read with `JSONSerialization`: music with its names, podcast
    /// episodes as episodes, entries that name nothing as unknown.
    static func plays(_ name: String) throws -> [EncoreServer.Play] {
        let data = try Data(contentsOf: url(name))
        guard let entries = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else { return [] }
        let extended = ISO8601DateFormatter()
        let basic = DateFormatter()
        basic.locale = Locale(identifier: "en_US_POSIX")
        basic.timeZone = TimeZone(identifier: "UTC")
        basic.dateFormat = "yyyy-MM-dd HH:mm"
        return entries.compactMap { entry -> EncoreServer.Play? in
            let date = (entry["ts"] as? String).flatMap(extended.date(from:)) ?? (entry["endTime"] as? String).flatMap(basic.date(from:))
            guard let date else { return nil }
            let ms = (entry["ms_played"] ?? entry["msPlayed"]) as? Int ?? 0
            let track = (entry["master_metadata_track_name"] ?? entry["trackName"]) as? String
            let artist = (entry["master_metadata_album_artist_name"] ?? entry["artistName"]) as? String
            let item: EncoreServer.PlayedItem
            if let track, let artist {
                item = PlayedItem(
                    uri: entry["spotify_track_uri"] as? String, kind: .track, name: track, artist: artist,
                    album: entry["master_metadata_album_album_name"] as? String ?? "")
            } else if let episode = entry["episode_name"] as? String {
                item = PlayedItem(uri: entry["spotify_episode_uri"] as? String, kind: .episode, name: episode, artist: "", album: "")
            } else {
                item = .unknown
            }
            return Play(playedAtMs: Int64((date.timeIntervalSince1970 * 1000).rounded()), msPlayed: ms, item: item, source: .imported)
        }
    }
}
