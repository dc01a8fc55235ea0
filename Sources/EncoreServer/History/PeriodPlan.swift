import Foundation
import SQLKit

/// A period of local days and how to read it: its UTC bounds, its chart, and which rollup
/// answers which part of it.
struct PeriodPlan {
    let from: LocalDate
    let to: LocalDate
    let calendar: LocalCalendar
    /// The UTC moments the period starts and ends (exclusive).
    let startMs: Int64
    let endMs: Int64
    let chartUnit: HistoryChart.Unit

    init(from: LocalDate, to: LocalDate, calendar: LocalCalendar, chartUnit: HistoryChart.Unit? = nil) {
        self.from = from
        self.to = to
        self.calendar = calendar
        startMs = calendar.startMs(of: from)
        endMs = calendar.startMs(of: to.adding(days: 1))
        self.chartUnit = chartUnit ?? HistoryChart.unit(forDays: to.dayNumber - from.dayNumber + 1)
    }

    func emptyReport() -> HistoryReport {
        let unit = chartUnit
        return HistoryReport(
            from: from, to: to, timeZone: calendar.timeZone.identifier, plays: 0, shortPlays: 0, msPlayed: 0, minutes: 0, tracks: 0, artists: 0,
            chart: HistoryChart(unit: unit, points: chartStarts(unit).map { HistoryChart.Point(start: $0, plays: 0, msPlayed: 0) }),
            hours: Array(repeating: HistoryAmount(), count: 24), weekdays: Array(repeating: HistoryAmount(), count: 7),
            topTracks: HistoryTopLists(byPlays: [], byMinutes: []), topArtists: HistoryTopLists(byPlays: [], byMinutes: []),
            topAlbums: HistoryTopLists(byPlays: [], byMinutes: []))
    }

    /// The first day of every chart bucket that overlaps the period.
    func chartStarts(_ unit: HistoryChart.Unit) -> [LocalDate] {
        switch unit {
        case .day:
            return (from.dayNumber...to.dayNumber).map(LocalDate.init(dayNumber:))
        case .week:
            let first = from.dayNumber - Int64(from.weekday)
            return stride(from: first, through: to.dayNumber, by: 7).map(LocalDate.init(dayNumber:))
        case .month:
            return (from.monthNumber...to.monthNumber).map(LocalDate.firstDay(ofMonthNumber:))
        }
    }

    /// Where a period's top lists are read from: rows of (track_id, artist_id, album_id, kind,
    /// plays, ms_played, yearly) for tracks, and for music's artists and albums the yearly (or
    /// all-time) rollups of the years the period holds whole; with whether a row per key already.
    struct TopListSource {
        var tracks: SQLQueryString
        var tracksUnique: Bool
        /// Rows of (key, plays, ms_played, tie) from the artist and album rollups, if any.
        var artists: SQLQueryString?
        var albums: SQLQueryString?
        /// The artist and album rollups answer alone (all time, or one whole year).
        var groupsUnique: Bool
    }

    /// Whole local years from the yearly rollups, whole local months from the monthly one, the
    /// days left at either end from the plays; the all-time rollups when the period holds the
    /// whole history. A period reaching past the listener's latest play (or before their first)
    /// reads as if it went on for good: "this year" is then the year's rollups, not eleven months
    /// and some days.
    func topListSource(listener id: Int64, firstPlayMs: Int64, latestPlayMs: Int64) -> TopListSource {
        let openStart = startMs <= firstPlayMs, openEnd = endMs > latestPlayMs
        if openStart && openEnd {
            return TopListSource(
                tracks:
                    "SELECT track_id, artist_id, album_id, kind, plays, ms_played, 1 AS yearly FROM encore_play_tracks WHERE listener_id = \(bind: id)",
                tracksUnique: true,
                artists: "SELECT artist_id AS key, plays, ms_played, tie FROM encore_play_artists WHERE listener_id = \(bind: id)",
                albums: "SELECT album_id AS key, plays, ms_played, tie FROM encore_play_albums WHERE listener_id = \(bind: id)", groupsUnique: true)
        }
        var calendar = calendar
        // An open end reaches the end of the year of the play at that end, so whole years cover it.
        let from = openStart ? LocalDate(year: calendar.date(ofUTC: firstPlayMs).year, month: 1, day: 1) ?? self.from : self.from
        let end = openEnd ? LocalDate(year: calendar.date(ofUTC: latestPlayMs).year + 1, month: 1, day: 1) ?? to.adding(days: 1) : to.adding(days: 1)
        var tracks: [SQLQueryString] = []
        var artists: SQLQueryString?, albums: SQLQueryString?
        var rawParts = 0, monthParts = 0, yearSpan: Int64 = 0
        func raw(_ start: LocalDate, _ end: LocalDate) {
            guard start < end else { return }
            rawParts += 1
            tracks.append(
                """
                SELECT p.track_id AS track_id, t.artist_id AS artist_id, t.album_id AS album_id, t.kind AS kind,
                    CASE WHEN p.ms_played >= \(literal: Play.countedAfterMs) THEN 1 ELSE 0 END AS plays, p.ms_played AS ms_played, 0 AS yearly
                FROM encore_plays p JOIN encore_history_tracks t ON t.track_id = p.track_id
                WHERE p.listener_id = \(bind: id) AND p.played_at_ms >= \(bind: calendar.startMs(of: start)) AND p.played_at_ms < \(bind: calendar.startMs(of: end))
                """)
        }
        func months(_ lower: Int64, _ upper: Int64) {
            guard lower < upper else { return }
            monthParts += 1
            tracks.append(
                "SELECT track_id, artist_id, album_id, kind, plays, ms_played, 0 AS yearly FROM encore_play_months WHERE listener_id = \(bind: id) AND local_month >= \(bind: lower) AND local_month < \(bind: upper)"
            )
        }
        func years(_ lower: Int64, _ upper: Int64) {
            guard lower < upper else { return }
            yearSpan = upper - lower
            let range: SQLQueryString = "WHERE listener_id = \(bind: id) AND local_year >= \(bind: lower) AND local_year < \(bind: upper)"
            tracks.append("SELECT track_id, artist_id, album_id, kind, plays, ms_played, 1 AS yearly FROM encore_play_years " + range)
            artists = "SELECT artist_id AS key, plays, ms_played, tie FROM encore_play_artist_years " + range
            albums = "SELECT album_id AS key, plays, ms_played, tie FROM encore_play_album_years " + range
        }
        let (firstMonth, endMonth) = Self.wholeMonths(from: from, end: end)
        if firstMonth >= endMonth {
            raw(from, end)
        } else {
            raw(from, LocalDate.firstDay(ofMonthNumber: firstMonth))
            let firstYear = LocalCalendar.floorDiv(firstMonth + 11, 12)
            let endYear = LocalCalendar.floorDiv(endMonth, 12)
            if firstYear < endYear {
                months(firstMonth, firstYear * 12)
                years(firstYear, endYear)
                months(endYear * 12, endMonth)
            } else {
                months(firstMonth, endMonth)
            }
            raw(LocalDate.firstDay(ofMonthNumber: endMonth), end)
        }
        // One rollup part is a row per key: a single month for tracks, a single year for all three.
        let onlyOne = rawParts == 0 && tracks.count == 1
        return TopListSource(
            tracks: tracks.dropFirst().reduce(
                tracks.first ?? "SELECT track_id, artist_id, album_id, kind, plays, ms_played, 0 AS yearly FROM encore_play_tracks WHERE 1 = 0"
            ) { $0 + " UNION ALL " + $1 },
            tracksUnique: onlyOne && (monthParts == 1 || yearSpan == 1), artists: artists, albums: albums, groupsUnique: onlyOne && yearSpan == 1)
    }

    /// The period's hours of the day: whole local months from their rollup, the other days from
    /// the hourly one; rows of (hour_of_day, plays, short_plays, ms_played).
    func hourParts(listener id: Int64) -> SQLQueryString {
        let end = to.adding(days: 1)
        let (firstMonth, endMonth) = Self.wholeMonths(from: from, end: end)
        func hours(_ start: LocalDate, _ end: LocalDate) -> SQLQueryString? {
            guard start < end else { return nil }
            return
                "SELECT local_hour % 24 AS hour_of_day, plays, short_plays, ms_played FROM encore_play_hours WHERE listener_id = \(bind: id) AND local_hour >= \(bind: start.dayNumber * 24) AND local_hour < \(bind: end.dayNumber * 24)"
        }
        guard firstMonth < endMonth else { return hours(from, end) ?? "SELECT 0 AS hour_of_day, 0 AS plays, 0 AS short_plays, 0 AS ms_played" }
        let months: SQLQueryString =
            "SELECT hour_of_day, plays, short_plays, ms_played FROM encore_play_hour_months WHERE listener_id = \(bind: id) AND local_month >= \(bind: firstMonth) AND local_month < \(bind: endMonth)"
        let pieces = [hours(from, LocalDate.firstDay(ofMonthNumber: firstMonth)), months, hours(LocalDate.firstDay(ofMonthNumber: endMonth), end)]
            .compactMap { $0 }
        return pieces.dropFirst().reduce(pieces.first ?? months) { $0 + " UNION ALL " + $1 }
    }

    /// The first month starting on or after `from`, and the month after the last one ending by `end`.
    static func wholeMonths(from: LocalDate, end: LocalDate) -> (Int64, Int64) {
        (from.day == 1 ? from.monthNumber : from.monthNumber + 1, end.monthNumber)
    }
}
