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

    /// The packs a period's top lists are summed from: whole local years, then whole months,
    /// then the days left at either end; all time when the period holds the whole history. A
    /// period reaching past the listener's latest play (or before their first) reads as if it
    /// went on for good: "this year" is then the year's pack, not eleven months and some days.
    func packKeys(firstPlayMs: Int64, latestPlayMs: Int64) -> [PlayPack.Key] {
        let openStart = startMs <= firstPlayMs, openEnd = endMs > latestPlayMs
        if openStart && openEnd { return [.allTime] }
        var calendar = calendar
        // An open end reaches the end of the year of the play at that end, so whole years cover it.
        let from = openStart ? LocalDate(year: calendar.date(ofUTC: firstPlayMs).year, month: 1, day: 1) ?? self.from : self.from
        let end = openEnd ? LocalDate(year: calendar.date(ofUTC: latestPlayMs).year + 1, month: 1, day: 1) ?? to.adding(days: 1) : to.adding(days: 1)
        var keys: [PlayPack.Key] = []
        func days(_ start: LocalDate, _ end: LocalDate) {
            guard start < end else { return }
            keys += (start.dayNumber..<end.dayNumber).map { PlayPack.Key(unit: .day, number: $0) }
        }
        func months(_ lower: Int64, _ upper: Int64) {
            guard lower < upper else { return }
            keys += (lower..<upper).map { PlayPack.Key(unit: .month, number: $0) }
        }
        let (firstMonth, endMonth) = Self.wholeMonths(from: from, end: end)
        guard firstMonth < endMonth else {
            days(from, end)
            return keys
        }
        days(from, LocalDate.firstDay(ofMonthNumber: firstMonth))
        let firstYear = LocalCalendar.floorDiv(firstMonth + 11, 12)
        let endYear = LocalCalendar.floorDiv(endMonth, 12)
        if firstYear < endYear {
            months(firstMonth, firstYear * 12)
            keys += (firstYear..<endYear).map { PlayPack.Key(unit: .year, number: $0) }
            months(endYear * 12, endMonth)
        } else {
            months(firstMonth, endMonth)
        }
        days(LocalDate.firstDay(ofMonthNumber: endMonth), end)
        return keys
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
