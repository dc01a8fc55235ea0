import Foundation
import SQLKit

/// An item's story, and every item of a period.
extension HistoryStore {
    /// Tracks at most in one statement's `IN` list.
    static let tracksPerStatement = 500
    /// Month-and-track keys one statement looks up at most.
    static let monthLookups = 20_000

    /// An item's story over the whole history, from the rollups: its tracks' totals and hours
    /// (`encore_play_tracks`) and their months (`encore_play_months`, by key).
    /// - Returns: `nil` when the history holds no such item.
    public func story(of kind: HistoryItemKind, id text: String, for listener: HistoryListener) async throws -> HistoryItemStory? {
        let id = HistoryID.listener(listener.userID)
        let zone = LocalCalendar.zone(named: listener.timeZone) ?? TimeZone(identifier: "UTC") ?? .current
        return try await engine.withDatabase(idempotent: true, limit: HistoryStore.readLimit) { database in
            let catalog = try await self.catalog(listener: id, generation: listener.generation, on: database)
            guard let number = catalog.resolve(kind, text) else { return nil }
            let tracks = catalog.tracks(of: kind, number)
            let ids = tracks.map(\.id)
            var sums: [Int64: TrackSums] = [:]
            var hours = Array(repeating: 0, count: 24)
            let hourColumns = RollupDelta.hourColumns.joined(separator: ", ")
            for chunk in ids.chunked(Self.tracksPerStatement) {
                let list = chunk.map(String.init).joined(separator: ", ")
                for row in try await database.raw(
                    """
                    SELECT track_id, plays, short_plays, ms_played, first_played_ms, last_played_ms, \(unsafeRaw: hourColumns)
                    FROM encore_play_tracks WHERE listener_id = \(bind: id) AND track_id IN (\(unsafeRaw: list))
                    """
                ).all() {
                    sums[try row.decode(column: "track_id", as: Int64.self)] = TrackSums(
                        plays: try row.decode(column: "plays", as: Int.self), shortPlays: try row.decode(column: "short_plays", as: Int.self),
                        ms: try row.decode(column: "ms_played", as: Int64.self), first: try row.decode(column: "first_played_ms", as: Int64.self),
                        last: try row.decode(column: "last_played_ms", as: Int64.self))
                    for hour in 0..<24 {
                        hours[hour] += try row.decode(column: "hp\(hour)", as: Int.self)
                    }
                }
            }
            let months = try await Self.months(of: sums, listener: id, zone: zone, byKey: self.dialect.looksUpKeyLists, on: database)
            let totals = try await database.raw(
                """
                SELECT CAST(SUM(plays) AS BIGINT) AS plays, CAST(SUM(ms_played) AS BIGINT) AS ms FROM encore_play_days WHERE listener_id = \(bind: id)
                """
            ).first()
            return ItemStoryBuilder(kind: kind, number: number, tracks: tracks, sums: sums, catalog: catalog, zone: zone).story(
                months: months, hours: hours, listenerPlays: try totals?.decode(column: "plays", as: Int?.self) ?? 0,
                listenerMs: try totals?.decode(column: "ms", as: Int64?.self) ?? 0, from: nil, to: nil)
        }
    }

    /// Plays and time per local month of these tracks, from the first month of their plays to
    /// the latest. SQLite looks each (month, track) key of the monthly rollup up; PostgreSQL
    /// reads its index by track (it would scan the table for the keys).
    static func months(
        of sums: [Int64: TrackSums], listener id: Int64, zone: TimeZone, byKey: Bool, on database: any SQLDatabase
    ) async throws -> [Int64: (plays: Int, ms: Int64)] {
        var calendar = LocalCalendar(timeZone: zone)
        guard let first = sums.values.map(\.first).min(), let last = sums.values.map(\.last).max() else { return [:] }
        let firstMonth = calendar.date(ofUTC: first).monthNumber, lastMonth = max(firstMonth, calendar.date(ofUTC: last).monthNumber)
        let monthList = byKey ? " AND local_month IN (" + (firstMonth...lastMonth).map(String.init).joined(separator: ", ") + ")" : ""
        let perStatement = byKey ? max(1, monthLookups / Int(lastMonth - firstMonth + 1)) : tracksPerStatement
        var months: [Int64: (plays: Int, ms: Int64)] = [:]
        for chunk in Array(sums.keys).chunked(perStatement) {
            for row in try await database.raw(
                """
                SELECT local_month, CAST(SUM(plays) AS BIGINT) AS plays, CAST(SUM(ms_played) AS BIGINT) AS ms FROM encore_play_months
                WHERE listener_id = \(bind: id)\(unsafeRaw: monthList) AND track_id IN (\(unsafeRaw: chunk.map(String.init).joined(separator: ", ")))
                GROUP BY local_month
                """
            ).all() {
                let month = try row.decode(column: "local_month", as: Int64.self)
                months[month, default: (0, 0)].plays += try row.decode(column: "plays", as: Int.self)
                months[month, default: (0, 0)].ms += try row.decode(column: "ms", as: Int64.self)
            }
        }
        return months
    }

    /// An item's story in a period, counted from the period's plays: the command line's
    /// `--from`/`--to`, and the reference the rollups are tested against.
    public func computedStory(
        of kind: HistoryItemKind, id text: String, for listener: HistoryListener, from: LocalDate, to: LocalDate
    ) async throws -> HistoryItemStory? {
        let id = HistoryID.listener(listener.userID)
        let zone = LocalCalendar.zone(named: listener.timeZone) ?? TimeZone(identifier: "UTC") ?? .current
        let plan = PeriodPlan(from: from, to: to, calendar: LocalCalendar(timeZone: zone))
        return try await engine.withDatabase(idempotent: true, limit: HistoryStore.readLimit) { database in
            let catalog = try await self.catalog(listener: id, generation: listener.generation, on: database)
            guard let number = catalog.resolve(kind, text) else { return nil }
            let tracks = catalog.tracks(of: kind, number)
            let wanted = Set(tracks.map(\.id))
            var calendar = plan.calendar
            var sums: [Int64: TrackSums] = [:]
            var months: [Int64: (plays: Int, ms: Int64)] = [:]
            var hours = Array(repeating: 0, count: 24)
            var listenerPlays = 0
            var listenerMs: Int64 = 0
            for row in try await database.raw(
                """
                SELECT played_at_ms, track_id, ms_played FROM encore_plays
                WHERE listener_id = \(bind: id) AND played_at_ms >= \(bind: plan.startMs) AND played_at_ms < \(bind: plan.endMs)
                """
            ).all() {
                let at = try row.decode(column: "played_at_ms", as: Int64.self), ms = try row.decode(column: "ms_played", as: Int64.self)
                let counted = ms >= Int64(Play.countedAfterMs)
                listenerPlays += counted ? 1 : 0
                listenerMs += ms
                let track = try row.decode(column: "track_id", as: Int64.self)
                guard wanted.contains(track) else { continue }
                var sum = sums[track] ?? TrackSums(plays: 0, shortPlays: 0, ms: 0, first: at, last: at)
                sum.plays += counted ? 1 : 0
                sum.shortPlays += counted ? 0 : 1
                sum.ms += ms
                sum.first = min(sum.first, at)
                sum.last = max(sum.last, at)
                sums[track] = sum
                let local = calendar.localMs(at)
                let date = LocalDate(dayNumber: LocalCalendar.floorDiv(local, LocalCalendar.dayMs))
                months[date.monthNumber, default: (0, 0)].plays += counted ? 1 : 0
                months[date.monthNumber, default: (0, 0)].ms += ms
                let hour = Int(LocalCalendar.floorMod(LocalCalendar.floorDiv(local, LocalCalendar.hourMs), 24))
                hours[hour] += counted ? 1 : 0
            }
            return ItemStoryBuilder(kind: kind, number: number, tracks: tracks, sums: sums, catalog: catalog, zone: zone).story(
                months: months, hours: hours, listenerPlays: listenerPlays, listenerMs: listenerMs, from: from, to: to)
        }
    }

    /// The link id of the item named `name` (case-insensitively, exactly); of several tracks of
    /// one name, the most played.
    public func findItem(_ kind: HistoryItemKind, named name: String, for listener: HistoryListener) async throws -> String? {
        let id = HistoryID.listener(listener.userID)
        let wanted = name.lowercased()
        return try await engine.withDatabase(idempotent: true, limit: HistoryStore.readLimit) { database in
            let catalog = try await self.catalog(listener: id, generation: listener.generation, on: database)
            let candidates: [(number: Int64, tracks: [Int64])]
            switch kind {
            case .track:
                candidates = catalog.items.values.filter { $0.name.lowercased() == wanted }.map { ($0.id, [$0.id]) }
            case .artist:
                candidates = Dictionary(
                    grouping: catalog.items.values.filter { $0.kind == .track && $0.artist.lowercased() == wanted }, by: \.artistID
                )
                .map { ($0.key, $0.value.map(\.id)) }
            case .album:
                candidates = Dictionary(grouping: catalog.items.values.filter { $0.kind == .track && $0.album.lowercased() == wanted }, by: \.albumID)
                    .map { ($0.key, $0.value.map(\.id)) }
            }
            guard candidates.count > 1 else { return candidates.first.map { catalog.link(kind, $0.number) } }
            var plays: [Int64: Int64] = [:]
            for candidate in candidates {
                for chunk in candidate.tracks.chunked(Self.tracksPerStatement) {
                    let row = try await database.raw(
                        """
                        SELECT CAST(SUM(plays + short_plays) AS BIGINT) AS n FROM encore_play_tracks
                        WHERE listener_id = \(bind: id) AND track_id IN (\(unsafeRaw: chunk.map(String.init).joined(separator: ", ")))
                        """
                    ).first()
                    plays[candidate.number, default: 0] += try row?.decode(column: "n", as: Int64?.self) ?? 0
                }
            }
            return candidates.max { (plays[$0.number] ?? 0, -$0.number) < (plays[$1.number] ?? 0, -$1.number) }.map { catalog.link(kind, $0.number) }
        }
    }
}

/// One track's figures in an item's story.
struct TrackSums {
    var plays: Int
    var shortPlays: Int
    var ms: Int64
    var first: Int64
    var last: Int64
}

/// Puts an item's story together from its tracks' figures.
struct ItemStoryBuilder {
    let kind: HistoryItemKind
    let number: Int64
    let tracks: [HistoryCatalog.Item]
    let sums: [Int64: TrackSums]
    let catalog: HistoryCatalog
    let zone: TimeZone

    func row(
        _ kind: HistoryItemKind, _ number: Int64, name: String, artist: String?, album: String?, uri: String?, _ sums: [TrackSums]
    ) -> HistoryItemRow {
        HistoryItemRow(
            kind: kind, id: catalog.link(kind, number), name: name, artist: artist, album: album, uri: uri, plays: sums.reduce(0) { $0 + $1.plays },
            msPlayed: sums.reduce(0) { $0 + $1.ms }, firstPlayedAt: sums.map(\.first).min().map(Date.init(unixMilliseconds:)),
            lastPlayedAt: sums.map(\.last).max().map(Date.init(unixMilliseconds:)))
    }

    func story(
        months: [Int64: (plays: Int, ms: Int64)], hours: [Int], listenerPlays: Int, listenerMs: Int64, from: LocalDate?, to: LocalDate?
    ) -> HistoryItemStory? {
        guard let first = tracks.first else { return nil }
        let all = tracks.compactMap { sums[$0.id] }
        let heading: HistoryItemRow
        switch kind {
        case .track:
            heading = row(.track, number, name: first.name, artist: first.artist, album: first.album.isEmpty ? nil : first.album, uri: first.uri, all)
        case .artist: heading = row(.artist, number, name: first.artist, artist: nil, album: nil, uri: catalog.artistURIs[number], all)
        case .album: heading = row(.album, number, name: first.album, artist: first.artist, album: nil, uri: catalog.albumURIs[number], all)
        }
        var chart: [HistoryChart.Point] = []
        if let low = months.keys.min(), let high = months.keys.max() {
            chart = (low...high).map { month in
                HistoryChart.Point(
                    start: LocalDate.firstDay(ofMonthNumber: month), plays: months[month]?.plays ?? 0, msPlayed: months[month]?.ms ?? 0)
            }
        }
        func ranked(_ rows: [HistoryItemRow]) -> [HistoryItemRow] {
            Array(
                rows.filter { $0.plays > 0 || $0.msPlayed > 0 }.sorted { ($0.plays, $0.msPlayed, $1.name) > ($1.plays, $1.msPlayed, $0.name) }.prefix(
                    20))
        }
        let topTracks =
            kind == .track
            ? []
            : ranked(
                tracks.map { track in
                    row(
                        .track, track.id, name: track.name, artist: track.artist, album: track.album.isEmpty ? nil : track.album, uri: track.uri,
                        sums[track.id].map { [$0] } ?? [])
                })
        let topAlbums =
            kind != .artist
            ? []
            : ranked(
                Dictionary(grouping: tracks, by: \.albumID).map { album, members in
                    row(
                        .album, album, name: members[0].album, artist: members[0].artist, album: nil, uri: catalog.albumURIs[album],
                        members.compactMap { sums[$0.id] })
                })
        return HistoryItemStory(
            item: heading, shortPlays: all.reduce(0) { $0 + $1.shortPlays }, from: from, to: to, timeZone: zone.identifier,
            shareOfPlays: listenerPlays > 0 ? Double(heading.plays) / Double(listenerPlays) : 0,
            shareOfListening: listenerMs > 0 ? Double(heading.msPlayed) / Double(listenerMs) : 0, months: chart, hours: hours,
            topTracks: topTracks, topAlbums: topAlbums)
    }
}
