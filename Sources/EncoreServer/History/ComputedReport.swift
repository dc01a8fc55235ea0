import Foundation

/// The report computed in Swift from the plays of the period.
struct ComputedReport {
    let report: HistoryReport

    typealias ComputedPlay = (at: Int64, track: Int64, ms: Int64, estimated: Bool)

    init(plan: PeriodPlan, plays: [ComputedPlay], items: [Int64: StoredItem], catalog: HistoryCatalog, limit: Int) {
        var report = plan.emptyReport()
        let tracks = Self.count(plays, plan: plan, into: &report)
        report.firstPlayAt = plays.first.map { Date(unixMilliseconds: $0.at) }
        report.latestPlayAt = plays.last.map { Date(unixMilliseconds: $0.at) }
        let music = tracks.filter { items[$0.key]?.kind == .track }
        report.tracks = music.count
        report.topTracks = Self.top(music.map { (id: $0.key, amount: $0.value) }, limit: limit) { id, amount in
            items[id]?.entry(plays: amount.plays, ms: amount.msPlayed, catalog: catalog)
                ?? HistoryTopEntry(name: "", artist: nil, album: nil, uri: nil, plays: amount.plays, msPlayed: amount.msPlayed)
        }
        Self.addArtistsAndAlbums(music, items: items, catalog: catalog, limit: limit, to: &report)
        // Sessions and streaks, straight from the plays.
        let spans = SessionSpans.of(plays.map { ($0.at, $0.ms) })
        let longest = spans.longest.map { span in
            HistorySession(
                span,
                tracks: HistoryStore.sessionTracks(
                    plays.filter { $0.at >= span.start && $0.at <= span.end && $0.at - $0.ms >= span.start }.map { ($0.at, $0.track, $0.ms) },
                    catalog: catalog))
        }
        var calendar = plan.calendar
        var daysWithPlays: [Int64] = []
        for play in plays where play.ms >= Int64(Play.countedAfterMs) { daysWithPlays.append(calendar.date(ofUTC: play.at).dayNumber) }
        report.setSessions(spans, longest: longest, streaks: Streaks(days: daysWithPlays, last: plan.to))
        self.report = report
    }

    /// Totals, the chart, hours and weekdays, counted play by play; returns each track's sums.
    private static func count(_ plays: [ComputedPlay], plan: PeriodPlan, into report: inout HistoryReport) -> [Int64: HistoryAmount] {
        var calendar = plan.calendar
        var chart: [LocalDate: HistoryAmount] = [:]
        var tracks: [Int64: HistoryAmount] = [:]
        for play in plays {
            let counted = play.ms >= Int64(Play.countedAfterMs)
            let local = calendar.localMs(play.at)
            let date = LocalDate(dayNumber: LocalCalendar.floorDiv(local, LocalCalendar.dayMs))
            let hour = Int(LocalCalendar.floorMod(LocalCalendar.floorDiv(local, LocalCalendar.hourMs), 24))
            let key: LocalDate =
                switch report.chart.unit {
                case .day: date
                case .week: date.adding(days: -Int64(date.weekday))
                case .month: date.firstOfMonth
                }
            let played = HistoryAmount(plays: counted ? 1 : 0, msPlayed: play.ms)
            chart[key, default: HistoryAmount()].add(played)
            report.hours[hour].add(played)
            report.weekdays[date.weekday].add(played)
            report.plays += counted ? 1 : 0
            report.shortPlays += counted ? 0 : 1
            report.msPlayed += play.ms
            if play.estimated { report.estimatedMs += play.ms }
            tracks[play.track, default: HistoryAmount()].add(played)
        }
        report.minutes = report.msPlayed / 60_000
        report.chart.points = report.chart.points.map { point in
            let amount = chart[point.start] ?? HistoryAmount()
            return HistoryChart.Point(start: point.start, plays: amount.plays, msPlayed: amount.msPlayed)
        }
        return tracks
    }

    /// Artists by name and albums by name and artist, summed from their tracks.
    private static func addArtistsAndAlbums(
        _ music: [Int64: HistoryAmount], items: [Int64: StoredItem], catalog: HistoryCatalog, limit: Int, to report: inout HistoryReport
    ) {
        var artists: [String: (tie: Int64, amount: HistoryAmount)] = [:]
        var albums: [[String]: (tie: Int64, amount: HistoryAmount)] = [:]
        // A track number names its artist or album, for the link (the smallest, as the rollups do).
        for (id, amount) in music {
            guard let item = items[id] else { continue }
            for (key, isArtist) in [([item.artist], true), ([item.album, item.artist], false)] {
                var entry = (isArtist ? artists[key[0]] : albums[key]) ?? (id, HistoryAmount())
                entry.tie = min(entry.tie, id)
                entry.amount.add(amount)
                if isArtist { artists[key[0]] = entry } else { albums[key] = entry }
            }
        }
        report.artists = artists.count
        report.topArtists = top(artists.map { (id: $0.value.tie, amount: $0.value.amount, name: $0.key) }, limit: limit)
        report.topAlbums = top(albums.map { (id: $0.value.tie, amount: $0.value.amount, name: $0.key[0], artist: $0.key[1]) }, limit: limit)
        for index in report.topArtists.byPlays.indices {
            report.topArtists.byPlays[index].id = link(report.topArtists.byPlays[index], artists: true, items, catalog)
        }
        for index in report.topArtists.byMinutes.indices {
            report.topArtists.byMinutes[index].id = link(report.topArtists.byMinutes[index], artists: true, items, catalog)
        }
        for index in report.topAlbums.byPlays.indices {
            report.topAlbums.byPlays[index].id = link(report.topAlbums.byPlays[index], artists: false, items, catalog)
        }
        for index in report.topAlbums.byMinutes.indices {
            report.topAlbums.byMinutes[index].id = link(report.topAlbums.byMinutes[index], artists: false, items, catalog)
        }
    }

    /// An artist's or album's link, from the name the entry carries.
    private static func link(_ entry: HistoryTopEntry, artists: Bool, _ items: [Int64: StoredItem], _ catalog: HistoryCatalog) -> String? {
        let match = items.values.first { item in
            artists
                ? item.artist == entry.name && item.kind == .track
                : item.album == entry.name && item.artist == entry.artist && item.kind == .track
        }
        return match.map { artists ? catalog.link(.artist, $0.artistID) : catalog.link(.album, $0.albumID) }
    }

    private static func top(
        _ entries: [(id: Int64, amount: HistoryAmount)], limit: Int, _ make: (Int64, HistoryAmount) -> HistoryTopEntry
    )
        -> HistoryTopLists
    {
        let byPlays = entries.filter { $0.amount.plays > 0 }.sorted {
            ($0.amount.plays, $0.amount.msPlayed, -$0.id) > ($1.amount.plays, $1.amount.msPlayed, -$1.id)
        }
        let byMinutes = entries.sorted { ($0.amount.msPlayed, $0.amount.plays, -$0.id) > ($1.amount.msPlayed, $1.amount.plays, -$1.id) }
        return HistoryTopLists(
            byPlays: byPlays.prefix(limit).map { make($0.id, $0.amount) }, byMinutes: byMinutes.prefix(limit).map { make($0.id, $0.amount) })
    }

    private static func top(_ entries: [(id: Int64, amount: HistoryAmount, name: String)], limit: Int) -> HistoryTopLists {
        let named = Dictionary(entries.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        return top(entries.map { ($0.id, $0.amount) }, limit: limit) { id, amount in
            HistoryTopEntry(name: named[id] ?? "", artist: nil, album: nil, uri: nil, plays: amount.plays, msPlayed: amount.msPlayed)
        }
    }

    private static func top(_ entries: [(id: Int64, amount: HistoryAmount, name: String, artist: String)], limit: Int) -> HistoryTopLists {
        let named = Dictionary(entries.map { ($0.id, ($0.name, $0.artist)) }, uniquingKeysWith: { first, _ in first })
        return top(entries.map { ($0.id, $0.amount) }, limit: limit) { id, amount in
            HistoryTopEntry(name: named[id]?.0 ?? "", artist: named[id]?.1, album: nil, uri: nil, plays: amount.plays, msPlayed: amount.msPlayed)
        }
    }
}

extension HistoryAmount {
    mutating func add(_ other: HistoryAmount) {
        plays += other.plays
        msPlayed += other.msPlayed
    }
}
