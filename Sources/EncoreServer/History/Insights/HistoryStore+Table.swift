import Foundation
import SQLKit

extension HistoryStore {
    /// Every track, artist or album of a period (music; episodes and chapters are in no list),
    /// with its plays and minutes in the period and its first and latest play over the whole
    /// history, filtered by `query` (in its name, or its artist's or album's), sorted on the
    /// server and cut into pages of `pageSize` (the pages' ``HistoryItemTable/pageSize``; the
    /// command line asks for its `--limit`).
    ///
    /// The period's figures are its packs summed (as its top lists are), first and latest play
    /// the all-time pack's, names the listener's catalog in memory: no statement reads a row per
    /// item.
    public func table(
        of kind: HistoryItemKind, for listener: HistoryListener, from: LocalDate, to: LocalDate, sort: HistoryItemTable.Sort = .plays,
        order: HistoryItemTable.Order = .desc, query: String? = nil, page: Int = 1, pageSize: Int = HistoryItemTable.pageSize
    ) async throws -> HistoryItemTable {
        let pageSize = max(1, pageSize)
        let id = HistoryID.listener(listener.userID)
        let zone = LocalCalendar.zone(named: listener.timeZone) ?? TimeZone(identifier: "UTC") ?? .current
        let plan = PeriodPlan(from: from, to: to, calendar: LocalCalendar(timeZone: zone))
        let filter = query.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.flatMap { $0.isEmpty ? nil : $0 }
        let rows = try await engine.withDatabase(idempotent: true, limit: HistoryStore.readLimit) { database -> [HistoryItemRow] in
            let catalog = try await self.catalog(listener: id, generation: listener.generation, on: database)
            guard let span = try await Self.bounds(listener: id, on: database) else { return [] }
            let keys = plan.packKeys(firstPlayMs: span.first, latestPlayMs: span.last)
            let packs = try await Self.packs(keys == [.allTime] ? keys : keys + [.allTime], listener: id, calendar: plan.calendar, on: database)
            let allTime = PeriodTally(packs.filter { $0.key == .allTime })
            let period = keys == [.allTime] ? allTime : PeriodTally(packs.filter { $0.key != .allTime })
            return Self.rows(kind, period: period, allTime: allTime, catalog: catalog)
        }
        let matching =
            filter.map { text in rows.filter { ($0.name + "\u{1F}" + ($0.artist ?? "") + "\u{1F}" + ($0.album ?? "")).lowercased().contains(text) } }
            ?? rows
        let sorted = Self.sorted(matching, by: sort, order: order)
        let pages = max(1, (sorted.count + pageSize - 1) / pageSize)
        let shown = min(max(1, page), pages)
        let start = (shown - 1) * pageSize
        return HistoryItemTable(
            kind: kind, from: from, to: to, timeZone: zone.identifier, sort: sort, order: order, query: filter, page: shown, pages: pages,
            total: sorted.count, rows: Array(sorted[min(start, sorted.count)..<min(start + pageSize, sorted.count)]))
    }

    /// The first and latest play of a listener, if any.
    static func bounds(listener id: Int64, on database: any SQLDatabase) async throws -> (first: Int64, last: Int64)? {
        let row = try await database.raw(
            """
            SELECT (SELECT MIN(played_at_ms) FROM encore_plays WHERE listener_id = \(bind: id)) AS first_ms,
                (SELECT MAX(played_at_ms) FROM encore_plays WHERE listener_id = \(bind: id)) AS last_ms
            """
        ).first()
        guard let first = try row?.decode(column: "first_ms", as: Int64?.self), let last = try row?.decode(column: "last_ms", as: Int64?.self) else {
            return nil
        }
        return (first, last)
    }

    /// A row per track, artist or album with plays in the period.
    static func rows(_ kind: HistoryItemKind, period: PeriodTally, allTime: PeriodTally, catalog: HistoryCatalog) -> [HistoryItemRow] {
        func date(_ ms: Int64) -> Date? { ms == 0 ? nil : Date(unixMilliseconds: ms) }
        switch kind {
        case .track:
            return period.records.map { record in
                let item = catalog.items[record.track]
                let ever = allTime.record(record.track)
                return HistoryItemRow(
                    kind: .track, id: catalog.link(.track, record.track), name: item?.name ?? "Unknown", artist: item?.artist,
                    album: item.flatMap { $0.album.isEmpty ? nil : $0.album }, uri: item?.uri, plays: Int(record.plays), msPlayed: record.ms,
                    firstPlayedAt: ever.flatMap { date($0.first) }, lastPlayedAt: ever.flatMap { date($0.last) })
            }
        case .artist, .album:
            // Over the whole history, for first and latest play: every track of the artist or album.
            var spans: [Int64: (first: Int64, last: Int64)] = [:]
            for record in allTime.records {
                let key = kind == .artist ? record.artist : record.album
                let old = spans[key] ?? (Int64.max, 0)
                spans[key] = (min(old.first, record.first == 0 ? Int64.max : record.first), max(old.last, record.last))
            }
            var groups: [Int64: (plays: Int64, ms: Int64, track: Int64)] = [:]
            for record in period.records {
                let key = kind == .artist ? record.artist : record.album
                let old = groups[key] ?? (0, 0, record.track)
                groups[key] = (old.plays + record.plays, old.ms + record.ms, min(old.track, record.track))
            }
            return groups.map { key, group in
                let item = catalog.items[group.track]
                let span = spans[key]
                return HistoryItemRow(
                    kind: kind, id: catalog.link(kind, key), name: (kind == .artist ? item?.artist : item?.album) ?? "Unknown",
                    artist: kind == .album ? item?.artist : nil, album: nil, uri: nil, plays: Int(group.plays), msPlayed: group.ms,
                    firstPlayedAt: span.flatMap { $0.first == Int64.max ? nil : date($0.first) }, lastPlayedAt: span.flatMap { date($0.last) })
            }
        }
    }

    /// Rows in order: by the column asked for, in the direction asked for; rows equal in it
    /// follow the most played, then the longest heard, then their names, on every page alike.
    static func sorted(_ rows: [HistoryItemRow], by sort: HistoryItemTable.Sort, order: HistoryItemTable.Order) -> [HistoryItemRow] {
        let keyed = rows.map { (row: $0, name: $0.name.lowercased()) }
        func compare<T: Comparable>(_ a: T, _ b: T) -> Bool? { a == b ? nil : (order == .asc ? a < b : a > b) }
        return keyed.sorted { a, b in
            let primary: Bool? =
                switch sort {
                case .plays: compare(a.row.plays, b.row.plays)
                case .minutes: compare(a.row.msPlayed, b.row.msPlayed)
                case .first: compare(a.row.firstPlayedAt ?? .distantPast, b.row.firstPlayedAt ?? .distantPast)
                case .last: compare(a.row.lastPlayedAt ?? .distantPast, b.row.lastPlayedAt ?? .distantPast)
                case .name: compare(a.name, b.name)
                }
            if let primary { return primary }
            return (-a.row.plays, -a.row.msPlayed, a.name, a.row.id) < (-b.row.plays, -b.row.msPlayed, b.name, b.row.id)
        }.map(\.row)
    }
}

extension PeriodTally {
    /// Every track's sums, music only.
    var records: [PlayPack.Record] { Array(tracksByID.values) }

    func record(_ track: Int64) -> PlayPack.Record? { tracksByID[track] }
}
