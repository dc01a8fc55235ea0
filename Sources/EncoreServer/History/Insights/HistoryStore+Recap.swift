import Foundation
import SQLKit

extension HistoryStore {
    /// A year at a glance: its calendar of days (from the days its report read), each month's
    /// first-ever tracks and artists (from the all-time pack's first plays), and the track played
    /// most in one day (counted from the year's plays); the last two remembered (``PeriodMemo``).
    func addYearAtAGlance(
        to recap: inout HistoryRecap, listener: HistoryListener, plan: PeriodPlan, days listened: [ListenedDay], on database: any SQLDatabase
    ) async throws {
        let id = HistoryID.listener(listener.userID)
        var days: [Int64: HistoryRecap.Day] = [:]
        for day in listened {
            days[day.day] = HistoryRecap.Day(date: LocalDate(dayNumber: day.day), plays: Int(day.plays), msPlayed: day.msPlayed)
        }
        recap.days = (plan.from.dayNumber...plan.to.dayNumber).map {
            days[$0] ?? HistoryRecap.Day(date: LocalDate(dayNumber: $0), plays: 0, msPlayed: 0)
        }

        let catalog = try await catalog(listener: id, generation: listener.generation, on: database)
        recap.newByMonth = try await newInMonths.value(for: PeriodMemoKey(listener, from: plan.from, to: plan.to)) {
            let allTime = PeriodTally(try await Self.packs([.allTime], listener: id, calendar: plan.calendar, on: database))
            return Self.newByMonth(allTime, plan: plan, catalog: catalog)
        }

        let best = try await mostInADay(listener: listener, plan: plan, catalog: catalog, on: database)
        if let best {
            let item = catalog.items[best.track]
            let ever = try await database.raw(
                """
                SELECT plays, ms_played, first_played_ms, last_played_ms FROM encore_play_tracks
                WHERE listener_id = \(bind: id) AND track_id = \(bind: best.track)
                """
            ).first()
            let first = try ever?.decode(column: "first_played_ms", as: Int64?.self)
            let last = try ever?.decode(column: "last_played_ms", as: Int64?.self)
            recap.mostInADay = HistoryRecap.TrackDay(
                date: LocalDate(dayNumber: best.day),
                track: HistoryItemRow(
                    kind: .track, id: catalog.link(.track, best.track), name: item?.name ?? "Unknown", artist: item?.artist,
                    album: item.flatMap { $0.album.isEmpty ? nil : $0.album }, uri: item?.uri,
                    plays: try ever?.decode(column: "plays", as: Int.self) ?? 0, msPlayed: try ever?.decode(column: "ms_played", as: Int64.self) ?? 0,
                    firstPlayedAt: first.flatMap { $0 == 0 ? nil : Date(unixMilliseconds: $0) },
                    lastPlayedAt: last.flatMap { $0 == 0 ? nil : Date(unixMilliseconds: $0) }),
                plays: best.plays, msPlayed: best.ms)
        }
    }

    /// The track played most in one day of the period (most plays, then most time, then the
    /// earliest day): counted from the period's plays once, then remembered while the history
    /// stands as it was (``PeriodMemo``).
    func mostInADay(
        listener: HistoryListener, plan: PeriodPlan, catalog: HistoryCatalog, on database: any SQLDatabase
    ) async throws
        -> BusiestTrackDay?
    {
        let id = HistoryID.listener(listener.userID)
        return try await busiestTrackDays.value(for: PeriodMemoKey(listener, from: plan.from, to: plan.to)) {
            dialect.knowsTimeZones
                ? try await Self.mostInADayCountedThere(listener: id, plan: plan, on: database)
                : try await Self.mostInADayCountedHere(listener: id, plan: plan, catalog: catalog, on: database)
        }
    }

    /// Counted by the database, which returns one row: PostgreSQL sent the 80,000 plays of a
    /// year in 150 ms, and counts them in 30.
    static func mostInADayCountedThere(listener id: Int64, plan: PeriodPlan, on database: any SQLDatabase) async throws -> BusiestTrackDay? {
        let row = try await database.raw(
            """
            SELECT p.track_id, (CAST(to_timestamp(p.played_at_ms / 1000.0) AT TIME ZONE \(bind: plan.calendar.timeZone.identifier) AS DATE)
                    - DATE '1970-01-01') AS day, COUNT(*) AS plays, CAST(SUM(p.ms_played) AS BIGINT) AS ms
            FROM encore_plays p JOIN encore_history_items i ON i.listener_id = p.listener_id AND i.track_id = p.track_id
            WHERE p.listener_id = \(bind: id) AND p.played_at_ms >= \(bind: plan.startMs) AND p.played_at_ms < \(bind: plan.endMs)
                AND p.ms_played >= \(bind: Play.countedAfterMs) AND i.kind = \(literal: PlayedKind.track.rawValue)
            GROUP BY p.track_id, day ORDER BY plays DESC, ms DESC, day, p.track_id LIMIT 1
            """
        ).first()
        guard let row else { return nil }
        return BusiestTrackDay(
            day: Int64(try row.decode(column: "day", as: Int.self)), track: try row.decode(column: "track_id", as: Int64.self),
            plays: try row.decode(column: "plays", as: Int.self), ms: try row.decode(column: "ms", as: Int64.self))
    }

    /// Counted here, from the period's plays (SQLite cannot count local days).
    static func mostInADayCountedHere(
        listener id: Int64, plan: PeriodPlan, catalog: HistoryCatalog, on database: any SQLDatabase
    ) async throws -> BusiestTrackDay? {
        var calendar = plan.calendar
        var counts: [BusiestTrackDayCount: (plays: Int, ms: Int64)] = [:]
        let rows = try await database.raw(
            """
            SELECT played_at_ms, track_id, ms_played FROM encore_plays
            WHERE listener_id = \(bind: id) AND played_at_ms >= \(bind: plan.startMs) AND played_at_ms < \(bind: plan.endMs)
                AND ms_played >= \(bind: Play.countedAfterMs)
            """
        ).all()
        for row in rows {
            let day = calendar.date(ofUTC: try row.decode(column: "played_at_ms", as: Int64.self)).dayNumber
            let count = BusiestTrackDayCount(day: day, track: try row.decode(column: "track_id", as: Int64.self))
            counts[count, default: (0, 0)].plays += 1
            counts[count, default: (0, 0)].ms += try row.decode(column: "ms_played", as: Int64.self)
        }
        // Music only, as in every list.
        let best = counts.filter { catalog.items[$0.key.track]?.kind == .track }.max { a, b in
            (a.value.plays, a.value.ms, -a.key.day, -a.key.track) < (b.value.plays, b.value.ms, -b.key.day, -b.key.track)
        }
        return best.map { BusiestTrackDay(day: $0.key.day, track: $0.key.track, plays: $0.value.plays, ms: $0.value.ms) }
    }

}

struct BusiestTrackDayCount: Hashable {
    var day: Int64
    var track: Int64
}

struct BusiestTrackDay: Sendable, Equatable {
    var day: Int64
    var track: Int64
    var plays: Int
    var ms: Int64
}

extension HistoryStore {

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
