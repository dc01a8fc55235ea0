import Foundation
import Testing

@testable import EncoreServer

/// Reading Spotify's streaming-history export: both formats, any split of the bytes, and every
/// way an entry can be wrong without stopping the file.
@Suite("Streaming-history parser")
struct HistoryParserTests {
    static let export = #"""
        [
          {"ts": "2024-03-01T08:15:42Z", "platform": "android", "ms_played": 215000, "conn_country": "DE",
           "master_metadata_track_name": "Caf\u00e9 \"Nights\" \ud83c\udfb5", "master_metadata_album_artist_name": "Ünïcode Band",
           "master_metadata_album_album_name": "Escapes \\ and / slashes", "spotify_track_uri": "spotify:track:4uLU6hMCjMI75M1A2tKUQC",
           "episode_name": null, "episode_show_name": null, "spotify_episode_uri": null, "reason_start": "trackdone",
           "reason_end": "trackdone", "shuffle": false, "skipped": null, "offline": false, "offline_timestamp": 1709280000, "incognito_mode": false},
          {"ts": "2024-03-01T09:00:00Z", "ms_played": 1800000, "master_metadata_track_name": null, "master_metadata_album_artist_name": null,
           "master_metadata_album_album_name": null, "spotify_track_uri": null, "episode_name": "Episode 12", "episode_show_name": "A Show",
           "spotify_episode_uri": "spotify:episode:512ojhOuo1ktJprKbVcKyQ"},
          {"ts": "2024-03-01T10:00:00Z", "ms_played": 600000, "audiobook_title": "A Book", "audiobook_uri": "spotify:audiobook:7iHfbu1YPACw6oZPAFJtqe",
           "audiobook_chapter_uri": "spotify:chapter:0D5wENdkdwbqlrHoaJ9g29", "audiobook_chapter_title": "Chapter 1"},
          {"ts": "2024-03-01T11:00:00Z", "ms_played": 12000, "master_metadata_track_name": null, "spotify_track_uri": null, "episode_name": null},
          {"ts": "not a time", "ms_played": 1000, "master_metadata_track_name": "x", "spotify_track_uri": "spotify:track:4uLU6hMCjMI75M1A2tKUQC"},
          {"ts": "2024-03-01T12:00:00Z", "master_metadata_track_name": "no duration"},
          {"ts": "2024-03-01T12:00:00Z", "ms_played": "12", "master_metadata_track_name": "duration as text"},
          42,
          "a string",
          [1, 2],
          {"ts": "2024-03-01T13:00:00Z", "ms_played": 31000.7, "master_metadata_track_name": "Bad URI", "master_metadata_album_artist_name": "B",
           "master_metadata_album_album_name": "C", "spotify_track_uri": "spotify:track:short", "extra": {"nested": [1, {"a": "}"}]}},
          {"endTime": "2019-05-04 21:03", "artistName": "Basic Artist", "trackName": "Basic Track", "msPlayed": 185000},
          {"endTime": "2019-05-04 22:10", "podcastName": "Basic Show", "episodeName": "Basic Episode", "msPlayed": 900000}
        ]
        """#

    static func parse(_ text: String, chunk: Int) throws -> [StreamingHistoryParser.Entry] {
        var parser = StreamingHistoryParser(now: Date(timeIntervalSince1970: 1_800_000_000))
        var entries: [StreamingHistoryParser.Entry] = []
        let bytes = Array(text.utf8)
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + chunk)
            try parser.feed(bytes[start..<end]) { entries.append($0) }
            start = end
        }
        try parser.finish { entries.append($0) }
        return entries
    }

    @Test(
        "both formats, escapes, episodes and chapters; malformed and unidentified entries are counted, in any split of the bytes",
        arguments: [1, 7, 64, 100_000])
    func formats(chunk: Int) throws {
        let entries = try Self.parse(Self.export, chunk: chunk)
        #expect(entries.count == 13)
        guard case .play(let first) = entries[0] else {
            Issue.record("the first entry is a play")
            return
        }
        #expect(first.playedAtMs == 1_709_280_942_000)
        #expect(first.msPlayed == 215_000)
        #expect(
            first.item
                == PlayedItem(
                    uri: "spotify:track:4uLU6hMCjMI75M1A2tKUQC", kind: .track, name: "Café \"Nights\" 🎵", artist: "Ünïcode Band",
                    album: "Escapes \\ and / slashes"))
        #expect(first.source == .imported)
        guard case .play(let episode) = entries[1], case .play(let chapter) = entries[2] else {
            Issue.record("an episode and a chapter")
            return
        }
        #expect(
            episode.item
                == PlayedItem(uri: "spotify:episode:512ojhOuo1ktJprKbVcKyQ", kind: .episode, name: "Episode 12", artist: "A Show", album: "A Show"))
        #expect(chapter.item.kind == .chapter && chapter.item.name == "Chapter 1" && chapter.item.artist == "A Book")
        // No name and no URI: a play of an unknown item, its 12 s still listening time.
        guard case .withoutMetadata(let unknown) = entries[3] else {
            Issue.record("the fourth entry has no metadata")
            return
        }
        #expect(unknown.item.kind == .unknown && unknown.msPlayed == 12_000)
        #expect(entries[4...9].allSatisfy { $0.isMalformed })
        #expect(entries[5] == .malformed("an entry has no ms_played"))
        #expect(entries[6] == .malformed("ms_played has the wrong type"))
        guard case .play(let badURI) = entries[10], case .play(let basic) = entries[11], case .play(let basicEpisode) = entries[12] else {
            Issue.record("the last three are plays")
            return
        }
        // A URI that is not one is dropped; the names still identify the track.
        #expect(badURI.item.uri == nil && badURI.item.name == "Bad URI" && badURI.msPlayed == 31_000)
        #expect(basic.playedAtMs == 1_557_003_780_000)
        #expect(basic.item == PlayedItem(uri: nil, kind: .track, name: "Basic Track", artist: "Basic Artist", album: ""))
        #expect(basicEpisode.item.kind == .episode && basicEpisode.item.artist == "Basic Show")
    }

    @Test("what is not an export stops the file with a reason; a file cut short keeps what came before")
    func notAnExport() throws {
        #expect(throws: StreamingHistoryParser.NotAnExport.self) { try Self.parse(#"{"ts": "2024-01-01T00:00:00Z"}"#, chunk: 10) }
        #expect(throws: StreamingHistoryParser.NotAnExport.self) { try Self.parse("", chunk: 10) }
        #expect(throws: StreamingHistoryParser.NotAnExport.self) { try Self.parse("[] trailing", chunk: 10) }
        var parser = StreamingHistoryParser(now: Date(timeIntervalSince1970: 1_800_000_000))
        var entries: [StreamingHistoryParser.Entry] = []
        let cut = String(Self.export.prefix(900))
        try parser.feed(Array(cut.utf8)) { entries.append($0) }
        #expect(throws: StreamingHistoryParser.NotAnExport.self) { try parser.finish { entries.append($0) } }
        #expect(entries.first.map { if case .play = $0 { true } else { false } } == true)
        #expect(entries.last?.isMalformed == true)
        // A byte-order mark and an empty array are fine.
        #expect(try Self.parse("\u{FEFF} [ ] \n", chunk: 3).isEmpty)
    }

    @Test("an entry larger than the bound is skipped as malformed and the next one is read")
    func oversizedEntry() throws {
        let huge = String(repeating: "x", count: StreamingHistoryParser.maxEntryBytes + 10)
        let text =
            #"[{"ts": "2024-01-01T00:00:00Z", "ms_played": 40000, "master_metadata_track_name": "\#(huge)"}, "#
            + #"{"ts": "2024-01-01T00:05:00Z", "ms_played": 40000, "master_metadata_track_name": "small"}]"#
        let entries = try Self.parse(text, chunk: 4096)
        #expect(entries.count == 2)
        #expect(entries[0] == .malformed("an entry is larger than 64 KiB"))
        if case .play(let play) = entries[1] { #expect(play.item.name == "small") } else { Issue.record("the second entry is read") }
    }

    @Test("timestamps: the extended and the basic form, fractions, zero offsets; anything else is refused")
    func timestamps() {
        #expect(Timestamp.unixMilliseconds("2024-03-01T08:15:42Z") == 1_709_280_942_000)
        #expect(Timestamp.unixMilliseconds("2024-03-01T08:15:42.250Z") == 1_709_280_942_250)
        #expect(Timestamp.unixMilliseconds("2024-03-01T08:15:42+00:00") == 1_709_280_942_000)
        #expect(Timestamp.unixMilliseconds("2024-03-01 08:15") == 1_709_280_900_000)
        #expect(Timestamp.unixMilliseconds("2024-02-30T08:15:42Z") == nil)
        #expect(Timestamp.unixMilliseconds("2024-03-01T08:15:42+02:00") == nil)
        #expect(Timestamp.unixMilliseconds("2024-03-01T25:15:42Z") == nil)
        #expect(Timestamp.unixMilliseconds("") == nil)
    }

    @Test("local dates: day numbers, months and weekdays round-trip over four centuries")
    func localDates() {
        for day in stride(from: Int64(-200_000), through: 200_000, by: 37) {
            let date = LocalDate(dayNumber: day)
            #expect(date.dayNumber == day)
            #expect(LocalDate(parsing: date.description) == date)
        }
        #expect(LocalDate(parsing: "1970-01-01")?.weekday == 3)
        #expect(LocalDate(parsing: "2024-02-29")?.monthNumber == Int64(2024 * 12 + 1))
        #expect(LocalDate(parsing: "2023-02-29") == nil)
        #expect(LocalDate(parsing: "2024-2-1") == nil)
    }
}

extension StreamingHistoryParser.Entry {
    var isMalformed: Bool {
        if case .malformed = self { true } else { false }
    }
}
