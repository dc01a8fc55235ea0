import Foundation

/// `/history`: a period of someone's listening.
struct HistoryView: Sendable {
    var title = "Your listening"
    var chrome: Chrome
    var periodLabel: String
    var presets: [NavLink]
    var from: String
    var to: String
    var timeZone: String
    var jsonHref: String
    var hasPlays: Bool
    var stats: [Stat]
    var firstPlay: String?
    var latestPlay: String?
    var charts: [ChartView]
    var lists: [TopListView]
    var recording: RecordingView
    var imports: [ImportRow]
    var hasImports: Bool
    var years: [NavLink]
    var csrfToken: String
    var notice: String?
    var uploadLimit: String
    var hasYears: Bool
    var habits: HabitsView?
}

struct Stat: Sendable {
    var label: String
    var value: String
    var detail: String?
}

/// Whether the recorder polls this person, and the button that changes it.
struct RecordingView: Sendable {
    var on: Bool
    var status: String
    var buttonLabel: String
    var turnOn: Bool
    var available: Bool
    /// Where "Start recording" goes when Spotify must be asked for the scope first: a link, not a
    /// form, since the CSP lets forms lead only to this site and consent is Spotify's page.
    var consentHref: String?
}

struct ImportRow: Sendable {
    var fileName: String
    var state: String
    var details: String
    var when: String
}

/// A bar chart drawn on the server as SVG, with the same numbers as a table.
struct ChartView: Sendable {
    var id: String
    var heading: String
    var description: String
    var width: Int
    var height: Int
    var bars: [Bar]
    var ticks: [Tick]
    var rows: [Row]
    var baseline: Int
    /// Whether its table has a minutes column (an item's hours count plays only).
    var hasMinutes = true

    struct Bar: Sendable {
        var x: String
        var y: String
        var width: String
        var height: String
        var label: String
    }

    struct Tick: Sendable {
        var x: String
        var y: Int
        var label: String
        /// `start` for the first label and `end` for the last, so neither is cut at the edge.
        var anchor: String
    }

    struct Row: Sendable {
        var label: String
        var minutes: String
        var plays: String
    }
}

/// A top list, by plays and by minutes.
struct TopListView: Sendable {
    var id: String
    var heading: String
    var nameColumn: String
    var byPlays: [Row]
    var byMinutes: [Row]
    var hasRows: Bool
    /// Every item of the same period, on its own page.
    var browseHref: String? = nil
    var browseLabel: String? = nil

    struct Row: Sendable {
        var rank: Int
        var name: String
        var sub: String?
        var plays: String
        var minutes: String
        var span: String?
        var href: String?
    }
}

/// `/history/year/YYYY`.
struct RecapView: Sendable {
    var title: String
    var chrome: Chrome
    var year: Int
    var hasPlays: Bool
    var stats: [Stat]
    var summary: String
    var lines: [String]
    var charts: [ChartView]
    var lists: [TopListView]
    var years: [NavLink]
    var jsonHref: String
    var previousHref: String?
    var nextHref: String?
    var hasYears: Bool
    var hasLines: Bool
    var habits: HabitsView?
    var heatmap: HeatmapView?
    var newMonths: [NewMonthView]
    var hasNewMonths: Bool
    var mostInADay: LinkedLine?
}

extension HistoryDisplay {
    static let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
    static let weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
}

/// How history figures are written on pages.
enum HistoryDisplay {
    /// 12,345
    static func grouped(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return (value < 0 ? "-" : "") + out
    }

    static func minutes(_ ms: Int64) -> String { grouped(ms / 60_000) }

    /// "3 h 25 min", "25 min", "40 s".
    static func duration(_ ms: Int64) -> String {
        let minutes = ms / 60_000
        if minutes >= 60 { return "\(grouped(minutes / 60)) h \(minutes % 60) min" }
        if minutes > 0 { return "\(minutes) min" }
        return "\(ms / 1000) s"
    }

    /// "3 March 2025"
    static func day(_ date: LocalDate) -> String { "\(date.day) \(months[date.month - 1]) \(date.year)" }

    /// "3 Mar"
    static func shortDay(_ date: LocalDate) -> String { "\(date.day) \(months[date.month - 1].prefix(3))" }

    /// "3 March 2025, 21:04" in the listener's zone.
    static func moment(_ date: Date, in zone: TimeZone) -> String {
        var calendar = LocalCalendar(timeZone: zone)
        let local = calendar.localMs(Int64((date.timeIntervalSince1970 * 1000).rounded(.down)))
        let day = LocalDate(dayNumber: LocalCalendar.floorDiv(local, LocalCalendar.dayMs))
        let minuteOfDay = LocalCalendar.floorMod(local, LocalCalendar.dayMs) / 60_000
        let hour = minuteOfDay / 60, minute = minuteOfDay % 60
        return "\(Self.day(day)), \(hour < 10 ? "0" : "")\(hour):\(minute < 10 ? "0" : "")\(minute)"
    }

    static func periodLabel(from: LocalDate, to: LocalDate) -> String {
        from == to ? day(from) : "\(day(from)) – \(day(to))"
    }

    static func chartLabel(_ start: LocalDate, unit: HistoryChart.Unit) -> String {
        switch unit {
        case .day: shortDay(start)
        case .week: "Week of \(shortDay(start)) \(start.year)"
        case .month: "\(months[start.month - 1]) \(start.year)"
        }
    }
}

extension ChartView {
    /// What the bars' heights show.
    enum Scale {
        case minutes, plays
    }

    /// A bar per amount, scaled to the largest; about six labels under the bars.
    init(
        id: String, heading: String, description: String, amounts: [(label: String, tick: String, amount: HistoryAmount)], labelEvery: Int? = nil,
        scale: Scale = .minutes
    ) {
        let width = 720, height = 200, baseline = 176
        func measure(_ amount: HistoryAmount) -> Int64 { scale == .minutes ? amount.msPlayed : Int64(amount.plays) }
        let most = max(1, amounts.map { measure($0.amount) }.max() ?? 1)
        let slot = Double(width) / Double(max(1, amounts.count))
        let gap = slot > 6 ? min(4, slot * 0.2) : 0
        let every = labelEvery ?? max(1, Int((Double(amounts.count) / 6).rounded(.up)))
        func number(_ value: Double) -> String { String(format: "%.1f", value) }
        self.init(
            id: id, heading: heading, description: description, width: width, height: height,
            bars: amounts.enumerated().map { index, entry in
                let barHeight = Double(baseline - 8) * Double(measure(entry.amount)) / Double(most)
                return Bar(
                    x: number(Double(index) * slot + gap / 2), y: number(Double(baseline) - barHeight), width: number(max(1, slot - gap)),
                    height: number(barHeight),
                    label:
                        "\(entry.label): \(HistoryDisplay.minutes(entry.amount.msPlayed)) min, \(entry.amount.plays) play\(entry.amount.plays == 1 ? "" : "s")"
                )
            },
            ticks: amounts.enumerated().compactMap { index, entry in
                guard index % every == 0 else { return nil }
                let anchor = index == 0 && amounts.count > 7 ? "start" : index == amounts.count - 1 && amounts.count > 7 ? "end" : "middle"
                let x = anchor == "start" ? Double(index) * slot : anchor == "end" ? Double(index + 1) * slot : Double(index) * slot + slot / 2
                return Tick(x: number(x), y: baseline + 18, label: entry.tick, anchor: anchor)
            },
            rows: amounts.map {
                Row(label: $0.label, minutes: HistoryDisplay.minutes($0.amount.msPlayed), plays: HistoryDisplay.grouped(Int64($0.amount.plays)))
            },
            baseline: baseline)
    }

    /// Minutes per day, week or month of a report.
    static func timeline(_ report: HistoryReport) -> ChartView {
        let unit = report.chart.unit
        let per = unit == .day ? "day" : unit == .week ? "week" : "month"
        let busiest = report.chart.points.max { $0.msPlayed < $1.msPlayed }
        let description =
            busiest.map {
                $0.msPlayed > 0
                    ? "The most listening was \(HistoryDisplay.chartLabel($0.start, unit: unit)): \(HistoryDisplay.minutes($0.msPlayed)) minutes."
                    : ""
            }
            ?? ""
        return ChartView(
            id: "chart-timeline", heading: "Minutes per \(per)",
            description: "Minutes listened per \(per), \(HistoryDisplay.periodLabel(from: report.from, to: report.to)). " + description,
            amounts: report.chart.points.map { point in
                let tick =
                    unit == .month
                    ? "\(HistoryDisplay.months[point.start.month - 1].prefix(3)) \(point.start.year % 100)" : HistoryDisplay.shortDay(point.start)
                return (HistoryDisplay.chartLabel(point.start, unit: unit), tick, HistoryAmount(plays: point.plays, msPlayed: point.msPlayed))
            })
    }

    static func hours(_ report: HistoryReport) -> ChartView {
        hours(report.hours, timeZone: report.timeZone, id: "chart-hours")
    }

    static func weekdays(_ report: HistoryReport) -> ChartView {
        let peak = report.weekdays.indices.max { report.weekdays[$0].msPlayed < report.weekdays[$1].msPlayed } ?? 0
        return ChartView(
            id: "chart-weekdays", heading: "By weekday",
            description: "Minutes listened by day of the week." + (report.msPlayed > 0 ? " The most on \(HistoryDisplay.weekdays[peak])s." : ""),
            amounts: report.weekdays.enumerated().map { day, amount in
                (HistoryDisplay.weekdays[day], String(HistoryDisplay.weekdays[day].prefix(3)), amount)
            },
            labelEvery: 1)
    }
}

extension TopListView {
    static func lists(_ report: HistoryReport, zone: TimeZone) -> [TopListView] {
        [
            TopListView(id: "top-tracks", heading: "Top tracks", nameColumn: "Track", kind: .track, lists: report.topTracks, zone: zone),
            TopListView(id: "top-artists", heading: "Top artists", nameColumn: "Artist", kind: .artist, lists: report.topArtists, zone: zone),
            TopListView(id: "top-albums", heading: "Top albums", nameColumn: "Album", kind: .album, lists: report.topAlbums, zone: zone),
        ]
    }

    /// Each name links to its page (`/history/{kind}/{id}`).
    init(id: String, heading: String, nameColumn: String, kind: HistoryItemKind, lists: HistoryTopLists, zone: TimeZone) {
        func rows(_ entries: [HistoryTopEntry]) -> [Row] {
            entries.enumerated().map { index, entry in
                var sub: [String] = []
                if let artist = entry.artist { sub.append(artist) }
                if let album = entry.album, !album.isEmpty { sub.append(album) }
                var span: String?
                if let first = entry.firstPlayedAt, let latest = entry.latestPlayedAt {
                    span = "First played \(HistoryDisplay.moment(first, in: zone)); latest \(HistoryDisplay.moment(latest, in: zone))"
                }
                let href = entry.id.map { "/history/\(kind.rawValue)/\($0)" }
                return Row(
                    rank: index + 1, name: entry.name.isEmpty ? "Unknown" : entry.name, sub: sub.isEmpty ? nil : sub.joined(separator: " · "),
                    plays: HistoryDisplay.grouped(Int64(entry.plays)), minutes: HistoryDisplay.minutes(entry.msPlayed), span: span, href: href)
            }
        }
        self.init(
            id: id, heading: heading, nameColumn: nameColumn, byPlays: rows(lists.byPlays), byMinutes: rows(lists.byMinutes),
            hasRows: !lists.byMinutes.isEmpty)
        browseLabel = "Every \(kind.rawValue) of this period"
    }

    /// The same lists, each linking to every item of the report's period.
    static func lists(_ report: HistoryReport, zone: TimeZone, browse query: String) -> [TopListView] {
        lists(report, zone: zone).map { list in
            var list = list
            let kind = list.id.dropFirst("top-".count)
            list.browseHref = "/history/\(kind)?\(query)"
            return list
        }
    }
}

extension Stat {
    static func figures(_ report: HistoryReport) -> [Stat] {
        [
            Stat(
                label: "Minutes listened", value: HistoryDisplay.minutes(report.msPlayed),
                detail: HistoryDisplay.duration(report.msPlayed)
                    + (report.estimatedMs > 0
                        ? "; about \(HistoryDisplay.minutes(report.estimatedMs)) min of it estimated from recorded plays (import your export for exact times)"
                        : "")),
            Stat(
                label: "Plays", value: HistoryDisplay.grouped(Int64(report.plays)),
                detail: report.shortPlays > 0 ? "and \(HistoryDisplay.grouped(Int64(report.shortPlays))) under 30 s" : "30 s or more each"),
            Stat(label: "Tracks", value: HistoryDisplay.grouped(Int64(report.tracks)), detail: "different tracks"),
            Stat(label: "Artists", value: HistoryDisplay.grouped(Int64(report.artists)), detail: "different artists"),
        ]
    }
}

extension RecapView {
    init(_ recap: HistoryRecap, chrome: Chrome, years: [NavLink], zone: TimeZone) {
        let report = recap.report
        var lines: [String] = []
        if let artist = report.topArtists.byMinutes.first {
            lines.append("Your top artist was \(artist.name): \(HistoryDisplay.minutes(artist.msPlayed)) minutes over \(artist.plays) plays.")
        }
        if let track = report.topTracks.byPlays.first {
            lines.append("Your most played track was “\(track.name)” by \(track.artist ?? "an unknown artist"), \(track.plays) times.")
        }
        if let album = report.topAlbums.byMinutes.first {
            lines.append("The album you spent most time with: \(album.name) by \(album.artist ?? "an unknown artist").")
        }
        if let day = recap.busiestDay, day.msPlayed > 0 {
            lines.append("Your biggest day was \(HistoryDisplay.day(day.date)): \(HistoryDisplay.duration(day.msPlayed)) of music.")
        }
        if report.msPlayed > 0 {
            let peakDay = report.weekdays.indices.max { report.weekdays[$0].msPlayed < report.weekdays[$1].msPlayed } ?? 0
            let peakHour = report.hours.indices.max { report.hours[$0].msPlayed < report.hours[$1].msPlayed } ?? 0
            lines.append("You listened most on \(HistoryDisplay.weekdays[peakDay])s, most often from \(peakHour):00.")
        }
        if recap.newTracks > 0 { lines.append("\(HistoryDisplay.grouped(Int64(recap.newTracks))) tracks were new to you this year.") }
        let summary =
            report.msPlayed > 0
            ? "In \(recap.year) you listened to \(HistoryDisplay.minutes(report.msPlayed)) minutes of music — \(HistoryDisplay.duration(report.msPlayed)) — across \(HistoryDisplay.grouped(Int64(report.plays))) plays of \(HistoryDisplay.grouped(Int64(report.tracks))) tracks by \(HistoryDisplay.grouped(Int64(report.artists))) artists."
            : "Encore has no plays of yours in \(recap.year) yet. Import your streaming history to fill it in."
        self.init(
            title: "\(recap.year) in music", chrome: chrome, year: recap.year, hasPlays: report.msPlayed > 0, stats: Stat.figures(report),
            summary: summary, lines: lines, charts: [ChartView.timeline(report), ChartView.hours(report), ChartView.weekdays(report)],
            lists: TopListView.lists(report, zone: zone, browse: "from=\(report.from)&to=\(report.to)"), years: years,
            jsonHref: "/api/history/year/\(recap.year)", previousHref: recap.year > 2008 ? "/history/year/\(recap.year - 1)" : nil,
            nextHref: recap.year < 2100 ? "/history/year/\(recap.year + 1)" : nil, hasYears: !years.isEmpty, hasLines: !lines.isEmpty,
            habits: report.sessions > 0 ? HabitsView(report, zone: zone) : nil,
            heatmap: report.msPlayed > 0 ? HeatmapView(year: recap.year, days: recap.days) : nil, newMonths: recap.newByMonth.map(NewMonthView.init),
            hasNewMonths: !recap.newByMonth.isEmpty,
            mostInADay: recap.mostInADay.map { most in
                LinkedLine(
                    before: "The track you played most in one day: ", name: most.track.name.isEmpty ? "Unknown" : most.track.name,
                    href: most.track.href,
                    after: ", \(most.plays) times on \(HistoryDisplay.day(most.date)).")
            })
    }
}
