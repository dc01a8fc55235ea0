import Foundation
import SQLKit

extension HistoryStore {
    /// A year at a glance: its calendar of days, each month's first-ever tracks and artists (from
    /// the all-time pack's first plays), and the track played most in one day (from the year's
    /// day packs).
    func addYearAtAGlance(to recap: inout HistoryRecap, listener: HistoryListener, plan: PeriodPlan, on database: any SQLDatabase) async throws {
        let id = HistoryID.listener(listener.userID)
        var days: [Int64: HistoryRecap.Day] = [:]
        for row in try await database.raw(
            """
            SELECT local_day, plays, ms_played FROM encore_play_days
            WHERE listener_id = \(bind: id) AND local_day >= \(bind: plan.from.dayNumber) AND local_day <= \(bind: plan.to.dayNumber)
            """
        ).all() {
            let day = try row.decode(column: "local_day", as: Int64.self)
            days[day] = HistoryRecap.Day(
                date: LocalDate(dayNumber: day), plays: try row.decode(column: "plays", as: Int.self),
                msPlayed: try row.decode(column: "ms_played", as: Int64.self))
        }
        recap.days = (plan.from.dayNumber...plan.to.dayNumber).map {
            days[$0] ?? HistoryRecap.Day(date: LocalDate(dayNumber: $0), plays: 0, msPlayed: 0)
        }

        let catalog = try await catalog(listener: id, generation: listener.generation, on: database)
        let allTime = PeriodTally(try await Self.packs([.allTime], listener: id, calendar: plan.calendar, on: database))
        recap.newByMonth = Self.newByMonth(allTime, plan: plan, catalog: catalog)

        let dayKeys = (plan.from.dayNumber...plan.to.dayNumber).filter { (days[$0]?.plays ?? 0) > 0 }.map { PlayPack.Key(unit: .day, number: $0) }
        var best: (day: Int64, record: PlayPack.Record)?
        for pack in try await Self.packs(dayKeys, listener: id, calendar: plan.calendar, on: database) {
            for record in pack.records where record.plays > 0 {
                if let current = best, (current.record.plays, current.record.ms, -current.day) >= (record.plays, record.ms, -pack.key.number) {
                    continue
                }
                best = (pack.key.number, record)
            }
        }
        if let best {
            let item = catalog.items[best.record.track]
            let ever = allTime.record(best.record.track)
            recap.mostInADay = HistoryRecap.TrackDay(
                date: LocalDate(dayNumber: best.day),
                track: HistoryItemRow(
                    kind: .track, id: catalog.link(.track, best.record.track), name: item?.name ?? "Unknown", artist: item?.artist,
                    album: item.flatMap { $0.album.isEmpty ? nil : $0.album }, uri: item?.uri, plays: Int(ever?.plays ?? 0), msPlayed: ever?.ms ?? 0,
                    firstPlayedAt: ever.flatMap { $0.first == 0 ? nil : Date(unixMilliseconds: $0.first) },
                    lastPlayedAt: ever.flatMap { $0.last == 0 ? nil : Date(unixMilliseconds: $0.last) }),
                plays: Int(best.record.plays), msPlayed: best.record.ms)
        }
    }

    /// Each month of the period with the tracks and artists whose first play ever fell in it.
    static func newByMonth(_ allTime: PeriodTally, plan: PeriodPlan, catalog: HistoryCatalog) -> [HistoryRecap.NewInMonth] {
        var calendar = plan.calendar
        func month(_ ms: Int64) -> Int64 { calendar.date(ofUTC: ms).monthNumber }
        var tracks: [Int64: [PlayPack.Record]] = [:]
        var artistFirst: [Int64: (first: Int64, plays: Int64, ms: Int64, track: Int64)] = [:]
        for record in allTime.records where record.first != 0 {
            var artist = artistFirst[record.artist] ?? (record.first, 0, 0, record.track)
            artist.first = min(artist.first, record.first)
            artist.plays += record.plays
            artist.ms += record.ms
            artist.track = min(artist.track, record.track)
            artistFirst[record.artist] = artist
            guard record.first >= plan.startMs, record.first < plan.endMs else { continue }
            tracks[month(record.first), default: []].append(record)
        }
        var artists: [Int64: [(id: Int64, plays: Int64, ms: Int64, track: Int64)]] = [:]
        for (artist, value) in artistFirst where value.first >= plan.startMs && value.first < plan.endMs {
            artists[month(value.first), default: []].append((artist, value.plays, value.ms, value.track))
        }
        return (plan.from.monthNumber...plan.to.monthNumber).map { number in
            let newTracks = (tracks[number] ?? []).sorted { ($0.plays, $0.ms, -$0.track) > ($1.plays, $1.ms, -$1.track) }
            let newArtists = (artists[number] ?? []).sorted { ($0.plays, $0.ms, -$0.id) > ($1.plays, $1.ms, -$1.id) }
            return HistoryRecap.NewInMonth(
                month: LocalDate.firstDay(ofMonthNumber: number), tracks: newTracks.count, artists: newArtists.count,
                topTracks: newTracks.prefix(5).map { record in
                    let item = catalog.items[record.track]
                    return HistoryItemRow(
                        kind: .track, id: catalog.link(.track, record.track), name: item?.name ?? "Unknown", artist: item?.artist,
                        album: item.flatMap { $0.album.isEmpty ? nil : $0.album }, uri: item?.uri, plays: Int(record.plays), msPlayed: record.ms,
                        firstPlayedAt: Date(unixMilliseconds: record.first), lastPlayedAt: Date(unixMilliseconds: record.last))
                },
                topArtists: newArtists.prefix(5).map { artist in
                    HistoryItemRow(
                        kind: .artist, id: catalog.link(.artist, artist.id), name: catalog.items[artist.track]?.artist ?? "Unknown", artist: nil,
                        album: nil, uri: nil, plays: Int(artist.plays), msPlayed: artist.ms,
                        firstPlayedAt: artistFirst[artist.id].map { Date(unixMilliseconds: $0.first) }, lastPlayedAt: nil)
                })
        }
    }
}
