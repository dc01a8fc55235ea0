import Foundation
import Mustache
import Testing

@testable import EncoreServer

/// Every view answers Mustache's lookups by hand (no reflection on the hot path); this ties each
/// hand-written `child(named:)` to its struct: every stored property is answered, under its own
/// name, with its own value, and nothing else is.
@Suite("Views: Mustache keys")
struct MustacheKeysTests {
    /// The value inside an optional, `nil` for none; anything else as it is.
    static func unwrapped(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .optional else { return value }
        return mirror.children.first.map { unwrapped($0.value) } ?? nil
    }

    /// The keys `value` answers wrongly: missing, or with another property's value.
    static func mismatches(_ value: any MustacheParent) -> [String] {
        var wrong: [String] = []
        for child in Mirror(reflecting: value).children {
            guard let label = child.label else { continue }
            guard let expected = unwrapped(child.value) else {
                wrong.append("\(label) (the sample leaves it nil: give it a value)")
                continue
            }
            guard let answered = value.child(named: label).flatMap(unwrapped) else {
                wrong.append("\(label) is not answered")
                continue
            }
            if String(reflecting: answered) != String(reflecting: expected) { wrong.append("\(label) answers another value") }
        }
        if value.child(named: "noSuchKey") != nil { wrong.append("an unknown key is answered") }
        return wrong
    }

    static let chrome = Chrome(csrfToken: "t", onTracks: true, onArtists: false, onHistory: true)
    static let link = NavLink(label: "Last 7 days", href: "/history?period=7d", current: true)
    static let stat = Stat(label: "Plays", value: "12", detail: "and 3 under 30 s")
    static let chart = ChartView(
        id: "c", heading: "h", description: "d", width: 720, height: 200,
        bars: [ChartView.Bar(x: "1.0", y: "2.0", width: "3.0", height: "4.0", label: "bar")],
        ticks: [ChartView.Tick(x: "5.0", y: 6, label: "tick", anchor: "start")], rows: [ChartView.Row(label: "row", minutes: "7", plays: "8")],
        baseline: 176)
    static let itemRow = ItemRowView(rank: 1, name: "n", href: "/history/track/x", sub: "s", plays: "2", minutes: "3", first: "f", last: "l")
    static let topRow = TopListView.Row(rank: 1, name: "n", sub: "s", plays: "1", minutes: "2", span: "sp", href: "/h")
    static let heatmap = HeatmapView(
        width: 800, height: 120, cells: [HeatmapView.Cell(x: 1, y: 2, level: 3, label: "c")], monthLabels: [chart.ticks[0]],
        dayLabels: [chart.ticks[0]], rows: [HeatmapView.MonthRow(month: "January", days: ["1"])], description: "d")
    static let habits = HabitsView(stats: [stat], longestHeading: "longest", longestTracks: [itemRow], hasLongestTracks: true)
    static let newMonth = NewMonthView(
        month: "March", tracks: "3", artists: "2", topArtists: [ItemLink(name: "a", href: "/a")], topTracks: [ItemLink(name: "t", href: "/t")])
    static let profile = ProfileCard(
        displayName: "Maya", initial: "M", avatarURL: "https://i", details: "d", profileURL: "https://p", grantMessage: "g", grantWarning: true,
        grantRole: "status", csrfToken: "t", ranges: [RangeOption(value: "short_term", label: "Last 4 weeks", selected: true)])

    /// One sample of every view, each property given a value.
    static var samples: [any MustacheParent] {
        [
            chrome, link, stat, chart, chart.bars[0], chart.ticks[0], chart.rows[0], itemRow, topRow, heatmap, heatmap.cells[0], heatmap.rows[0],
            habits, newMonth, newMonth.topArtists[0], profile, profile.ranges[0],
            LinkedLine(before: "b", name: "n", href: "/h", after: "a"),
            RowsSection(id: "i", heading: "h", nameColumn: "Track", rows: [itemRow], hasRows: true),
            ItemView(
                title: "t", chrome: chrome, kindLabel: "Artist", name: "n", sub: "s", spotifyHref: "https://open.spotify.com/artist/x", stats: [stat],
                charts: [chart], sections: [RowsSection(id: "i", heading: "h", nameColumn: "Track", rows: [itemRow], hasRows: true)],
                jsonHref: "/api",
                browseHref: "/history/artists", browseLabel: "Every artist"),
            ItemTableView(
                title: "t", chrome: chrome, heading: "h", kinds: [link], presets: [link], path: "/history/tracks", from: "2025-01-01",
                to: "2025-12-31",
                sort: "plays", order: "desc", query: "q", periodLabel: "p", timeZone: "UTC",
                columns: [ItemTableView.ColumnView(label: "Plays", href: "/h", ariaSort: "descending", numeric: true, arrow: " ↓")], rows: [itemRow],
                hasRows: true, summary: "s", previousHref: "/p", nextHref: "/n", leastPlayedHref: "/l", clearHref: "/c", jsonHref: "/j"),
            ItemTableView.ColumnView(label: "Plays", href: "/h", ariaSort: "none", numeric: false, arrow: ""),
            HistoryView(
                chrome: chrome, periodLabel: "p", presets: [link], from: "f", to: "t", timeZone: "UTC", jsonHref: "/j", hasPlays: true, stats: [stat],
                firstPlay: "fp", latestPlay: "lp", charts: [chart],
                lists: [TopListView(id: "i", heading: "h", nameColumn: "Track", byPlays: [topRow], byMinutes: [topRow], hasRows: true)],
                recording: RecordingView(on: true, status: "s", buttonLabel: "b", turnOn: false, available: true, consentHref: "/login"),
                imports: [ImportRow(fileName: "f", state: "s", details: "d", when: "w")], hasImports: true, years: [link], csrfToken: "t",
                notice: "n",
                uploadLimit: "u", hasYears: true, habits: habits),
            RecapView(
                title: "t", chrome: chrome, year: 2025, hasPlays: true, stats: [stat], summary: "s", lines: ["l"], charts: [chart],
                lists: [TopListView(id: "i", heading: "h", nameColumn: "Track", byPlays: [topRow], byMinutes: [topRow], hasRows: true)],
                years: [link],
                jsonHref: "/j", previousHref: "/p", nextHref: "/n", hasYears: true, hasLines: true, habits: habits, heatmap: heatmap,
                newMonths: [newMonth], hasNewMonths: true, mostInADay: LinkedLine(before: "b", name: "n", href: "/h", after: "a")),
            TopListView(
                id: "i", heading: "h", nameColumn: "Track", byPlays: [topRow], byMinutes: [topRow], hasRows: true, browseHref: "/b", browseLabel: "b"),
            RecordingView(on: true, status: "s", buttonLabel: "b", turnOn: true, available: true, consentHref: "/login"),
            ImportRow(fileName: "f", state: "s", details: "d", when: "w"),
            HomeView(title: "Home", chrome: chrome, profile: profile, notice: "n"),
            TopView(
                title: "t", heading: "h", caption: "c", chrome: chrome, tabs: [link],
                rows: [
                    TopView.Row(
                        rank: 1, imageURL: "https://i", imageAlt: "a", title: "t", subtitle: "s", detail: "d", duration: "3:00",
                        spotifyURL: "https://open.spotify.com/track/x")
                ], hasRows: true, isTracks: true, imageColumn: "Cover", titleColumn: "Track", timeRange: "short_term", csrfToken: "t", limit: 20,
                previousHref: "/p", nextHref: "/n"),
            TopView.Row(
                rank: 1, imageURL: "https://i", imageAlt: "a", title: "t", subtitle: "s", detail: "d", duration: "3:00",
                spotifyURL: "https://open.spotify.com/track/x"),
            PlaylistView(title: "t", chrome: chrome, name: "n", trackCount: "20 tracks", spotifyURL: "https://open.spotify.com/playlist/x"),
            ErrorView(title: "t", heading: "h", message: "m", retryAfter: "30", actionHref: "/", actionLabel: "Home", chrome: chrome),
        ]
    }

    @Test("every view answers each of its properties under its own name, with its own value, and nothing more")
    func keysMatchProperties() {
        for sample in Self.samples {
            let wrong = Self.mismatches(sample)
            #expect(wrong.isEmpty, "\(type(of: sample)): \(wrong.joined(separator: "; "))")
        }
    }

    @Test("every type the sources make a MustacheParent is sampled")
    func everyViewSampled() throws {
        let views = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/EncoreServer/Views")
        var declared = Set<String>()
        for file in try FileManager.default.contentsOfDirectory(atPath: views.path) where file.hasSuffix(".swift") {
            let text = try String(contentsOf: views.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") where line.hasPrefix("extension ") && line.contains(": MustacheParent") {
                declared.insert(String(line.dropFirst("extension ".count).prefix { $0 != ":" }))
            }
        }
        let sampled = Set(Self.samples.map { String(reflecting: type(of: $0)).replacingOccurrences(of: "EncoreServer.", with: "") })
        #expect(declared.count >= 32)
        #expect(declared == sampled, "not sampled: \(declared.subtracting(sampled).sorted()); extra: \(sampled.subtracting(declared).sorted())")
    }

    /// A view whose `child(named:)` forgets a key and mixes two up: what the test above catches.
    struct Forgetful: MustacheParent {
        var name = "n"
        var href = "/h"
        var label = "l"

        func child(named key: String) -> Any? {
            switch key {
            case "name": name
            case "href": label
            default: nil
            }
        }
    }

    @Test("a missing key or a mixed-up one is caught")
    func catchesMistakes() {
        let wrong = Self.mismatches(Forgetful())
        #expect(wrong.contains("label is not answered"))
        #expect(wrong.contains("href answers another value"))
        #expect(!wrong.contains { $0.hasPrefix("name") })
    }
}
