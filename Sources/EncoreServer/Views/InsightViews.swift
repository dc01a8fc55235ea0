import Foundation

/// `/history/{artist|album|track}/{id}`: one item's story.
struct ItemView: Sendable {
    var title: String
    var chrome: Chrome
    var kindLabel: String
    var name: String
    var sub: String?
    var spotifyHref: String?
    var stats: [Stat]
    var charts: [ChartView]
    var sections: [RowsSection]
    var jsonHref: String
    var browseHref: String
    var browseLabel: String
}

/// A table of items, each linked to its page.
struct RowsSection: Sendable {
    var id: String
    var heading: String
    var nameColumn: String
    var rows: [ItemRowView]
    var hasRows: Bool
}

struct ItemRowView: Sendable {
    var rank: Int
    var name: String
    var href: String
    var sub: String?
    var plays: String
    var minutes: String
    var first: String
    var last: String
}

/// `/history/{tracks|artists|albums}`: every item of a period, a page of it.
struct ItemTableView: Sendable {
    var title: String
    var chrome: Chrome
    var heading: String
    var kinds: [NavLink]
    var presets: [NavLink]
    var path: String
    var from: String
    var to: String
    var sort: String
    var order: String
    var query: String
    var periodLabel: String
    var timeZone: String
    var columns: [ColumnView]
    var rows: [ItemRowView]
    var hasRows: Bool
    var summary: String
    var previousHref: String?
    var nextHref: String?
    var leastPlayedHref: String
    var clearHref: String?
    var jsonHref: String

    /// A column heading: a link that sorts by it (or turns the order round when it already does).
    struct ColumnView: Sendable {
        var label: String
        var href: String
        var ariaSort: String
        var numeric: Bool
        var arrow: String
    }
}

/// The sessions and streaks of `/history`'s period.
struct HabitsView: Sendable {
    var stats: [Stat]
    var longestHeading: String?
    var longestTracks: [ItemRowView]
    var hasLongestTracks: Bool
}

/// The recap's calendar: a square per day, weeks as columns, Monday on top.
struct HeatmapView: Sendable {
    var width: Int
    var height: Int
    var cells: [Cell]
    var monthLabels: [ChartView.Tick]
    var dayLabels: [ChartView.Tick]
    var rows: [MonthRow]
    var description: String
    var dayNumbers = (1...31).map(String.init)

    struct Cell: Sendable {
        var x: Int
        var y: Int
        var level: Int
        var label: String
    }

    /// A month of the table under the calendar: minutes on each of its days.
    struct MonthRow: Sendable {
        var month: String
        var days: [String]
    }
}

/// A month of the recap's "new to you".
struct NewMonthView: Sendable {
    var month: String
    var tracks: String
    var artists: String
    var topArtists: [ItemLink]
    var topTracks: [ItemLink]
}

/// A sentence with a name linked in it.
struct LinkedLine: Sendable {
    var before: String
    var name: String
    var href: String
    var after: String
}

struct ItemLink: Sendable {
    var name: String
    var href: String
}

extension HistoryDisplay {
    /// "3 Mar 2025" in the listener's zone.
    static func date(_ date: Date, in zone: TimeZone) -> String {
        var calendar = LocalCalendar(timeZone: zone)
        let day = calendar.date(ofUTC: date.unixMilliseconds)
        return "\(shortDay(day)) \(day.year)"
    }

    /// "21:04" in the listener's zone.
    static func time(_ date: Date, in zone: TimeZone) -> String { String(moment(date, in: zone).suffix(5)) }
}

extension HistoryItemRow {
    /// Its page on this site.
    var href: String { "/history/\(kind.rawValue)/\(id)" }
}

extension ItemRowView {
    init(_ row: HistoryItemRow, rank: Int, zone: TimeZone, showArtist: Bool = true) {
        var sub: [String] = []
        if showArtist, let artist = row.artist, !artist.isEmpty, row.kind != .artist { sub.append(artist) }
        if row.kind == .track, let album = row.album, !album.isEmpty { sub.append(album) }
        self.init(
            rank: rank, name: row.name.isEmpty ? "Unknown" : row.name, href: row.href, sub: sub.isEmpty ? nil : sub.joined(separator: " · "),
            plays: HistoryDisplay.grouped(Int64(row.plays)), minutes: HistoryDisplay.minutes(row.msPlayed),
            first: row.firstPlayedAt.map { HistoryDisplay.moment($0, in: zone) } ?? "",
            last: row.lastPlayedAt.map { HistoryDisplay.moment($0, in: zone) } ?? "")
    }
}

extension ItemView {
    init(_ story: HistoryItemStory, chrome: Chrome, zone: TimeZone) {
        let item = story.item
        let kindLabel = item.kind.rawValue.prefix(1).uppercased() + item.kind.rawValue.dropFirst()
        var sub: [String] = []
        if item.kind != .artist, let artist = item.artist, !artist.isEmpty { sub.append("by " + artist) }
        if item.kind == .track, let album = item.album, !album.isEmpty { sub.append("on " + album) }
        func percent(_ share: Double) -> String { String(format: share >= 0.1 ? "%.0f %%" : "%.1f %%", share * 100) }
        var stats = [
            Stat(
                label: "Plays", value: HistoryDisplay.grouped(Int64(item.plays)),
                detail: story.shortPlays > 0 ? "and \(HistoryDisplay.grouped(Int64(story.shortPlays))) under 30 s" : "30 s or more each"),
            Stat(label: "Minutes", value: HistoryDisplay.minutes(item.msPlayed), detail: HistoryDisplay.duration(item.msPlayed)),
            Stat(
                label: "Share of your listening", value: percent(story.shareOfListening),
                detail: "\(percent(story.shareOfPlays)) of your plays"),
        ]
        if let first = item.firstPlayedAt {
            stats.append(Stat(label: "First played", value: HistoryDisplay.date(first, in: zone), detail: HistoryDisplay.time(first, in: zone)))
        }
        if let last = item.lastPlayedAt {
            stats.append(Stat(label: "Latest play", value: HistoryDisplay.date(last, in: zone), detail: HistoryDisplay.time(last, in: zone)))
        }
        var sections: [RowsSection] = []
        if item.kind != .track {
            sections.append(
                RowsSection(
                    id: "item-tracks", heading: "Its tracks", nameColumn: "Track",
                    rows: story.topTracks.enumerated().map { ItemRowView($1, rank: $0 + 1, zone: zone, showArtist: item.kind == .album) },
                    hasRows: !story.topTracks.isEmpty))
        }
        if item.kind == .artist {
            sections.append(
                RowsSection(
                    id: "item-albums", heading: "Its albums", nameColumn: "Album",
                    rows: story.topAlbums.enumerated().map { ItemRowView($1, rank: $0 + 1, zone: zone, showArtist: false) },
                    hasRows: !story.topAlbums.isEmpty))
        }
        self.init(
            title: item.name.isEmpty ? kindLabel : item.name, chrome: chrome, kindLabel: kindLabel, name: item.name.isEmpty ? "Unknown" : item.name,
            sub: sub.isEmpty ? nil : sub.joined(separator: " "), spotifyHref: Self.spotifyHref(item), stats: stats,
            charts: [ChartView.months(story), ChartView.hourPlays(story.hours, timeZone: story.timeZone)], sections: sections,
            jsonHref: "/api/history/\(item.kind.rawValue)/\(item.id)", browseHref: "/history/\(item.kind.plural)?period=all",
            browseLabel: "Every \(item.kind.rawValue) you played")
    }

    /// Its page on Spotify, for items whose id is Spotify's.
    static func spotifyHref(_ item: HistoryItemRow) -> String? {
        guard case .spotify = HistoryLinkID.parse(item.id) else { return nil }
        return "https://open.spotify.com/\(item.kind.rawValue)/\(item.id)"
    }
}

extension ChartView {
    /// Plays per month of an item's story.
    static func months(_ story: HistoryItemStory) -> ChartView {
        let busiest = story.months.max { $0.plays < $1.plays }
        return ChartView(
            id: "chart-item-months", heading: "Plays per month",
            description: "Plays per month, from the first to the latest."
                + (busiest.map { $0.plays > 0 ? " The most: \(HistoryDisplay.chartLabel($0.start, unit: .month)), \($0.plays) plays." : "" } ?? ""),
            amounts: story.months.map { point in
                (
                    HistoryDisplay.chartLabel(point.start, unit: .month),
                    "\(HistoryDisplay.months[point.start.month - 1].prefix(3)) \(point.start.year % 100)",
                    HistoryAmount(plays: point.plays, msPlayed: point.msPlayed)
                )
            }, scale: .plays)
    }

    /// Listening by hour of day.
    static func hours(_ hours: [HistoryAmount], timeZone: String, id: String) -> ChartView {
        let peak = hours.indices.max { hours[$0].msPlayed < hours[$1].msPlayed } ?? 0
        let any = hours.contains { $0.msPlayed > 0 }
        return ChartView(
            id: id, heading: "By hour of day",
            description: "Minutes listened by hour of the day (\(timeZone))." + (any ? " Most listening starts around \(peak):00." : ""),
            amounts: hours.enumerated().map { hour, amount in ("\(hour):00–\(hour + 1):00", "\(hour)h", amount) }, labelEvery: 3)
    }

    /// An item's plays by hour of day (its minutes by hour are not kept: see RollupDelta).
    static func hourPlays(_ plays: [Int], timeZone: String) -> ChartView {
        let peak = plays.indices.max { plays[$0] < plays[$1] } ?? 0
        var chart = ChartView(
            id: "chart-item-hours", heading: "By hour of day",
            description: "Plays by hour of the day (\(timeZone))." + (plays.contains { $0 > 0 } ? " Most often around \(peak):00." : ""),
            amounts: plays.enumerated().map { hour, count in ("\(hour):00–\(hour + 1):00", "\(hour)h", HistoryAmount(plays: count, msPlayed: 0)) },
            labelEvery: 3, scale: .plays)
        chart.hasMinutes = false
        for (hour, count) in plays.enumerated() where hour < chart.bars.count {
            chart.bars[hour].label = "\(hour):00–\(hour + 1):00: \(count) play\(count == 1 ? "" : "s")"
        }
        return chart
    }
}

extension HabitsView {
    init(_ report: HistoryReport, zone: TimeZone) {
        var stats = [
            Stat(
                label: "Sessions", value: HistoryDisplay.grouped(Int64(report.sessions)),
                detail: report.sessions > 0 ? "about \(HistoryDisplay.duration(report.averageSessionMs)) each" : "runs of listening"),
            Stat(
                label: "Longest session", value: HistoryDisplay.duration(report.longestSessionMs),
                detail: report.longestSession.map { "from \(HistoryDisplay.moment($0.start, in: zone)), \($0.plays) plays" }),
            Stat(
                label: "Longest streak", value: "\(report.longestStreakDays) day\(report.longestStreakDays == 1 ? "" : "s")",
                detail: report.longestStreakFrom.flatMap { from in
                    report.longestStreakTo.map { HistoryDisplay.periodLabel(from: from, to: $0) }
                }),
            Stat(
                label: "Current streak", value: "\(report.currentStreakDays) day\(report.currentStreakDays == 1 ? "" : "s")",
                detail: "days in a row with a play, up to the period's end"),
        ]
        if report.sessions == 0 { stats.removeSubrange(1...) }
        let tracks = (report.longestSession?.tracks ?? []).enumerated().map { ItemRowView($1, rank: $0 + 1, zone: zone) }
        self.init(
            stats: stats,
            longestHeading: report.longestSession.map {
                "What you played in the longest session (\(HistoryDisplay.moment($0.start, in: zone)) – \(HistoryDisplay.moment($0.end, in: zone)))"
            }, longestTracks: tracks, hasLongestTracks: !tracks.isEmpty)
    }
}

extension HeatmapView {
    /// Minutes per day of `year`; darker for more, in five steps.
    init(year: Int, days: [HistoryRecap.Day]) {
        let cell = 13, step = 15, left = 30, top = 18
        let first = LocalDate(year: year, month: 1, day: 1) ?? LocalDate(dayNumber: 0)
        let last = LocalDate(year: year, month: 12, day: 31) ?? first
        let byDay = Dictionary(days.map { ($0.date.dayNumber, $0) }) { a, _ in a }
        let most = max(1, days.map(\.msPlayed).max() ?? 1)
        var cells: [Cell] = []
        var months: [ChartView.Tick] = []
        var rows = (1...12).map { HeatmapView.MonthRow(month: HistoryDisplay.months[$0 - 1], days: []) }
        var column = 0
        for number in first.dayNumber...last.dayNumber {
            let date = LocalDate(dayNumber: number)
            if number > first.dayNumber, date.weekday == 0 { column += 1 }
            let day = byDay[number]
            let ms = day?.msPlayed ?? 0
            let level = ms <= 0 ? 0 : min(4, 1 + Int(3 * ms / most))
            let plays = day?.plays ?? 0
            cells.append(
                Cell(
                    x: left + column * step, y: top + date.weekday * step, level: level,
                    label: "\(HistoryDisplay.day(date)): \(HistoryDisplay.minutes(ms)) min, \(plays) play\(plays == 1 ? "" : "s")"))
            if date.day == 1 {
                months.append(
                    ChartView.Tick(
                        x: String(left + column * step), y: 12, label: String(HistoryDisplay.months[date.month - 1].prefix(3)), anchor: "start"))
            }
            rows[date.month - 1].days.append(ms > 0 ? HistoryDisplay.minutes(ms) : "")
        }
        let dayLabels = [(0, "Mon"), (2, "Wed"), (4, "Fri")].map {
            ChartView.Tick(x: "0", y: top + $0.0 * step + cell - 2, label: $0.1, anchor: "start")
        }
        let busiest = days.max { $0.msPlayed < $1.msPlayed }
        self.init(
            width: left + (column + 1) * step, height: top + 7 * step, cells: cells, monthLabels: months, dayLabels: dayLabels, rows: rows,
            description: "Minutes listened each day of \(year), a column per week from Monday to Sunday."
                + (busiest.map {
                    $0.msPlayed > 0 ? " The most on \(HistoryDisplay.day($0.date)): \(HistoryDisplay.minutes($0.msPlayed)) minutes." : ""
                }
                    ?? ""))
    }
}

extension NewMonthView {
    init(_ month: HistoryRecap.NewInMonth) {
        self.init(
            month: HistoryDisplay.months[month.month.month - 1], tracks: HistoryDisplay.grouped(Int64(month.tracks)),
            artists: HistoryDisplay.grouped(Int64(month.artists)),
            topArtists: month.topArtists.prefix(3).map { ItemLink(name: $0.name.isEmpty ? "Unknown" : $0.name, href: $0.href) },
            topTracks: month.topTracks.prefix(3).map { ItemLink(name: $0.name.isEmpty ? "Unknown" : $0.name, href: $0.href) })
    }
}
