import Foundation
import PropertyBased
import SpotifyEmulator
import Testing

@testable import EncoreServer

/// Every play counted once: the real exports' own totals, the identity of an entry under any
/// split, order and repetition, and the account-data and video files.
@Suite("Listening history: every play counted once", .timeLimit(.minutes(5)))
struct HistoryTrustTests {
    static func day(_ number: Int64) -> LocalDate { LocalDate(dayNumber: number) }

    /// The listener's plays and listening per UTC day over `span`, from the rollups' daily chart.
    static func storedDays(
        _ history: HistoryStore, _ user: String, span: (first: Int64, last: Int64)
    ) async throws -> [Int64: (plays: Int, ms: Int64)] {
        try await RealExports.days(in: span) { range in
            let report = try await history.report(userID: user, from: Self.day(range.from), to: Self.day(range.to))
            return report.chart.points.map { ($0.start.dayNumber, $0.plays, $0.msPlayed) }
        }
    }

    @Test(
        "each real export imports with its own totals, day by day; again, as a ZIP, or the ZIP before the JSON, adds nothing",
        .enabled(if: RealExports.available, RealExports.skipReason), arguments: StoreContractTests.engines)
    func realExports(location: DatabaseLocation) async throws {
        try await StoreContractTests.withStore(location) { store in
            let history = store.history
            for name in RealExports.names {
                let expected = try RealExports.expected(name)
                let zip = try TestZIP([.init(name: "MyData/\(name)", data: [UInt8](try Data(contentsOf: RealExports.url(name))))])
                    .write(named: "my_spotify_data.zip")
                for order in [[RealExports.url(name), zip], [zip, RealExports.url(name)]] {
                    let user = StoreContractTests.unique("real")
                    try await history.ensureListener(userID: user, timeZone: "UTC", now: Date())
                    let first = try await StreamingHistoryImporter(store: history, userID: user).importFiles([order[0].path])
                    #expect(first.entries == expected.entries, "\(name)")
                    #expect(first.addsUp && first.files.allSatisfy(\.addsUp), "\(name): \(first)")
                    if expected.isVideo {
                        #expect(first.video == expected.entries && first.added == 0, "\(name)")
                        #expect(try await history.span(userID: user) == nil)
                        continue
                    }
                    #expect(first.added + first.withoutMetadata == expected.entries, "\(name)")
                    #expect(first.duplicates == 0 && first.malformed == 0, "\(name)")
                    let all = try await history.report(userID: user, from: Self.day(0), to: Self.day(40_000))
                    #expect(all.plays == expected.plays, "\(name)")
                    #expect(all.msPlayed == expected.ms, "\(name)")
                    let span = try #require(expected.span)
                    let days = try await Self.storedDays(history, user, span: span)
                    let differing = Set(days.keys).union(expected.days.keys).filter { day in
                        days[day].map { ($0.plays, $0.ms) }.map { stored in
                            expected.days[day].map { $0.plays == stored.0 && $0.ms == stored.1 } ?? false
                        } != true
                    }
                    #expect(
                        differing.isEmpty,
                        "\(name): \(differing.sorted().prefix(5).map { ($0, days[$0].map { "\($0)" } ?? "-", expected.days[$0].map { "\($0)" } ?? "-") })"
                    )
                    for again in [order[1], order[0]] {
                        let summary = try await StreamingHistoryImporter(store: history, userID: user).importFiles([again.path])
                        #expect(summary.added == 0 && summary.merged == 0 && summary.withoutMetadata == 0, "\(name) again")
                        #expect(summary.duplicates == expected.entries, "\(name) again")
                    }
                    #expect(try await history.report(userID: user, from: Self.day(0), to: Self.day(40_000)) == all, "\(name)")
                }
            }
        }
    }

    @Test(
        "the 2021 layout inside a ZIP is found; the video file is read and counted, never listening; the entry naming nothing counts its time",
        .enabled(if: RealExports.available, RealExports.skipReason))
    func layoutsInOneZIP() async throws {
        let zip = try TestZIP(
            RealExports.names.map {
                .init(name: "Spotify Extended Streaming History/MyData/\($0)", data: [UInt8](try Data(contentsOf: RealExports.url($0))))
            }
        ).write(named: "everything.zip")
        var expected = RealExports.Expected()
        for name in RealExports.names where !name.contains("Video") { expected.add(try RealExports.expected(name)) }
        try await StoreContractTests.withStore(.sqliteMemory) { store in
            let user = StoreContractTests.unique("zip")
            try await store.history.ensureListener(userID: user, timeZone: "UTC", now: Date())
            let summary = try await StreamingHistoryImporter(store: store.history, userID: user).importFiles([zip.path])
            #expect(summary.files.map(\.name).sorted() == RealExports.names.sorted())
            #expect(summary.video == 16)
            #expect(summary.withoutMetadata == 1, "endsong_1.json's entry with every name and URI null")
            #expect(summary.addsUp)
            let endsong = try #require(summary.files.first { $0.name == "endsong_1.json" })
            #expect(endsong.added + endsong.withoutMetadata == 2_080)
            let report = try await store.history.report(userID: user, from: Self.day(0), to: Self.day(40_000))
            #expect(report.plays == expected.plays)
            #expect(report.msPlayed == expected.ms)
            let plays = try await store.history.plays(userID: user, limit: 100_000)
            #expect(plays.filter { $0.item.kind == .unknown }.map(\.msPlayed) == [4_551])
            // Nothing personal is kept: no column holds an address, an agent, a username or a country.
            let exported = plays.map { "\($0)" }.joined()
            #expect(!exported.contains("192.0.2.") && !exported.contains("listener"))
        }
    }

    @Test("an account-data entry and the extended entry of the same play count once, whichever comes first")
    func accountDataAndExtended() async throws {
        let extended = """
            [{"ts": "2024-03-01T08:15:42Z", "platform": "ios", "ms_played": 215000, "master_metadata_track_name": "Song", \
            "master_metadata_album_artist_name": "Band", "master_metadata_album_album_name": "Album", "spotify_track_uri": "spotify:track:4uLU6hMCjMI75M1A2tKUQC", \
            "reason_start": "trackdone", "reason_end": "trackdone"},
            {"ts": "2024-03-01T08:20:00Z", "platform": "ios", "ms_played": 40000, "master_metadata_track_name": "Other", \
            "master_metadata_album_artist_name": "Band", "master_metadata_album_album_name": "Album", "spotify_track_uri": "spotify:track:0D5wENdkdwbqlrHoaJ9g29"}]
            """
        let basic = """
            [{"endTime": "2024-03-01 08:15", "artistName": "Band", "trackName": "Song", "msPlayed": 215000},
            {"endTime": "2024-03-01 09:00", "artistName": "Band", "trackName": "Song", "msPlayed": 215000}]
            """
        let folder = try TestZIP().write(named: "x.zip").deletingLastPathComponent()
        let extendedURL = folder.appendingPathComponent("Streaming_History_Audio_2024.json")
        let basicURL = folder.appendingPathComponent("StreamingHistory_music_0.json")
        try Data(extended.utf8).write(to: extendedURL)
        try Data(basic.utf8).write(to: basicURL)
        try await StoreContractTests.withStore(.sqliteMemory) { store in
            var reports: [HistoryReport] = []
            for order in [[extendedURL, basicURL], [basicURL, extendedURL]] {
                let user = StoreContractTests.unique("layouts")
                try await store.history.ensureListener(userID: user, timeZone: "UTC", now: Date())
                var summaries: [ImportSummary] = []
                for file in order {
                    summaries.append(try await StreamingHistoryImporter(store: store.history, userID: user).importFiles([file.path]))
                }
                let plays = try await store.history.plays(userID: user, limit: 100)
                #expect(plays.count == 3, "the shared play once, the other two each once")
                #expect(plays.filter { $0.source == .imported }.count == 2)
                #expect(plays.filter { $0.source == .accountData }.map(\.playedAtMs) == [1_709_283_600_000])
                reports.append(try await store.history.report(userID: user, from: Self.day(19_700), to: Self.day(19_800)))
                if order[0] == basicURL {
                    #expect(summaries[1].merged == 1, "the extended entry replaces the account-data one")
                } else {
                    #expect(summaries[1].duplicates == 1 && summaries[1].added == 1)
                }
            }
            #expect(reports[0] == reports[1])
        }
    }

    // MARK: Identity under any split, order and repetition

    struct Scenario: CustomStringConvertible {
        /// Entries as the export writes them (some identical on purpose).
        var entries: [String]
        /// The distinct entries: what must be stored.
        var distinct: Int
        /// How the entries are split into files, and in which order, repeated, the files are imported.
        var files: [[Int]]
        var zipped: [Bool]

        var description: String { "\(entries.count) entries (\(distinct) distinct) in \(files.count) files, order \(files)" }
    }

    /// Entries crowded into a few seconds and a few tracks, so moments, tracks and lengths collide.
    static let rows = Gen<Int>.int(in: 0...4).array(of: 6).array(of: 1...40)
    static let cuts = Gen<Int>.int(in: 0...1_000).array(of: 1...6)
    static let zipped = Gen<Bool>.bool.array(of: 6)

    static func scenario(rows: [[Int]], cuts: [Int], zipped: [Bool]) -> Scenario {
        let seconds = ["08:15:42", "08:15:43", "08:20:00", "08:15:42", "09:00:00"]
        let lengths = [0, 1_000, 30_000, 215_000, 29_999]
        let uris = ["4uLU6hMCjMI75M1A2tKUQC", "0D5wENdkdwbqlrHoaJ9g29", "512ojhOuo1ktJprKbVcKyQ", "4uLU6hMCjMI75M1A2tKUQC", "7iHfbu1YPACw6oZPAFJtqe"]
        let reasons = ["trackdone", "fwdbtn", "clickrow", "backbtn", "trackdone"]
        let platforms = ["ios", "android", "web_player", "ios", "linux"]
        var entries: [String] = []
        var keys = Set<String>()
        for row in rows {
            let ts = "2024-03-01T\(seconds[row[0]])Z", ms = lengths[row[1]], uri = uris[row[2]]
            let offline = row[5] == 0 ? "null" : "\(1_709_280_000 + row[5])"
            let entry = """
                {"ts": "\(ts)", "platform": "\(platforms[row[4]])", "ms_played": \(ms), "master_metadata_track_name": "T\(row[2] % 3)", \
                "master_metadata_album_artist_name": "A", "master_metadata_album_album_name": "B", "spotify_track_uri": "spotify:track:\(uri)", \
                "reason_start": "\(reasons[row[3]])", "reason_end": "\(reasons[(row[3] + row[4]) % 5])", "offline_timestamp": \(offline)}
                """
            entries.append(entry)
            // The key holds what the entry says (two indices name "trackdone", two "ios", two URIs the same).
            keys.insert("\(ts)|\(ms)|\(uri)|\(reasons[row[3]])|\(reasons[(row[3] + row[4]) % 5])|\(offline)|\(platforms[row[4]])")
        }
        // Files: consecutive cuts of the entries (each entry in at least one), then some imported again.
        let count = entries.count
        var files: [[Int]] = []
        var start = 0
        for cut in cuts.sorted() where start < count {
            let end = min(count, start + 1 + cut % max(1, count - start))
            files.append(Array(start..<end))
            start = end
        }
        if start < count { files.append(Array(start..<count)) }
        let repeated = files + files.prefix(cuts.count % 3).map { $0.shuffled() }
        return Scenario(entries: entries, distinct: keys.count, files: repeated.shuffled(), zipped: zipped)
    }

    @Test("any split of the same entries into files, imported in any order, any number of times, as JSON or ZIP, stores each entry once")
    func identityProperty() async throws {
        let folder = try TestZIP().write(named: "x.zip").deletingLastPathComponent()
        try await StoreContractTests.withStore(.sqliteMemory) { store in
            await propertyCheck(count: 40, input: Self.rows, Self.cuts, Self.zipped) { rows, cuts, zipped in
                let scenario = Self.scenario(rows: rows, cuts: cuts, zipped: zipped)
                let user = StoreContractTests.unique("identity")
                try await store.history.ensureListener(userID: user, timeZone: "UTC", now: Date())
                for (index, file) in scenario.files.enumerated() {
                    let text = "[" + file.map { scenario.entries[$0] }.joined(separator: ",") + "]"
                    let name = "Streaming_History_Audio_\(index).json"
                    let url: URL
                    if scenario.zipped[index % scenario.zipped.count] {
                        url = try TestZIP([.init(name: "MyData/" + name, data: Array(text.utf8))]).write(named: "part\(index).zip")
                    } else {
                        url = folder.appendingPathComponent("\(UUID().uuidString)-\(name)")
                        try Data(text.utf8).write(to: url)
                    }
                    let summary = try await StreamingHistoryImporter(store: store.history, userID: user).importFiles([url.path])
                    #expect(summary.addsUp)
                }
                let plays = try await store.history.plays(userID: user, limit: 1_000)
                #expect(plays.count == scenario.distinct, "\(scenario)")
                let all = try await store.history.report(userID: user, from: Self.day(19_700), to: Self.day(19_800))
                #expect(all == (try await store.history.computedReport(userID: user, from: Self.day(19_700), to: Self.day(19_800), timeZone: .gmt)))
                #expect(try await store.history.listener(userID: user)?.entries == Int64(scenario.distinct))
            }
        }
    }
}
