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
        let (entries, catalog) = try await engine.withDatabase(idempotent: true, limit: HistoryStore.readLimit) {
            database -> ([TableEntry], HistoryCatalog?) in
            let catalog = try await self.catalog(listener: id, generation: listener.generation, on: database)
            guard let span = try await Self.bounds(listener: id, on: database) else { return ([], nil) }
            let keys = plan.packKeys(firstPlayMs: span.first, latestPlayMs: span.last)
            let packs = try await Self.packs(keys == [.allTime] ? keys : keys + [.allTime], listener: id, calendar: plan.calendar, on: database)
            let allTime = PeriodTally(packs.filter { $0.key == .allTime })
            let period = keys == [.allTime] ? allTime : PeriodTally(packs.filter { $0.key != .allTime })
            return (Self.entries(kind, period: period, allTime: allTime), catalog)
        }
        var matching = entries
        if let filter, let catalog {
            let text = catalog.searchText(kind)
            matching = entries.filter { text[$0.track]?.contains(filter) ?? false }
        }
        let ranks = catalog.map { $0.ranks(kind) } ?? [:]
        let sorted = Self.sorted(matching, by: sort, order: order, ranks: ranks)
        let pages = max(1, (sorted.count + pageSize - 1) / pageSize)
        let shown = min(max(1, page), pages)
        let start = min((shown - 1) * pageSize, sorted.count)
        let rows = catalog.map { catalog in sorted[start..<min(start + pageSize, sorted.count)].map { $0.row(kind, catalog: catalog) } } ?? []
        return HistoryItemTable(
            kind: kind, from: from, to: to, timeZone: zone.identifier, sort: sort, order: order, query: filter, page: shown, pages: pages,
            total: sorted.count, rows: rows)
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

    /// A track's, artist's or album's figures in a table, before it is named: sorting 20,000
    /// of these moves numbers, not strings.
    struct TableEntry {
        /// The track, artist or album number.
        var number: Int64
        /// One of its tracks, for its names.
        var track: Int64
        var plays: Int64
        var ms: Int64
        /// First and latest play over the whole history (0: none).
        var first: Int64
        var last: Int64

        func row(_ kind: HistoryItemKind, catalog: HistoryCatalog) -> HistoryItemRow {
            let item = catalog.items[track]
            return HistoryItemRow(
                kind: kind, id: catalog.link(kind, number), name: catalog.name(kind, track: track),
                artist: kind == .artist ? nil : item?.artist, album: kind == .track ? item.flatMap { $0.album.isEmpty ? nil : $0.album } : nil,
                uri: kind == .track ? item?.uri : nil, plays: Int(plays), msPlayed: ms,
                firstPlayedAt: first == 0 ? nil : Date(unixMilliseconds: first), lastPlayedAt: last == 0 ? nil : Date(unixMilliseconds: last))
        }
    }

    /// An entry per track, artist or album with plays in the period.
    static func entries(_ kind: HistoryItemKind, period: PeriodTally, allTime: PeriodTally) -> [TableEntry] {
        switch kind {
        case .track:
            return period.tracksByID.values.map { record in
                let ever = allTime.record(record.track)
                return TableEntry(
                    number: record.track, track: record.track, plays: record.plays, ms: record.ms, first: ever?.first ?? 0, last: ever?.last ?? 0)
            }
        case .artist, .album:
            // Over the whole history, for first and latest play: every track of the artist or album.
            var spans: [Int64: (first: Int64, last: Int64)] = [:]
            for record in allTime.tracksByID.values {
                let key = kind == .artist ? record.artist : record.album
                let old = spans[key] ?? (Int64.max, 0)
                spans[key] = (min(old.first, record.first == 0 ? Int64.max : record.first), max(old.last, record.last))
            }
            var groups: [Int64: TableEntry] = [:]
            for record in period.tracksByID.values {
                let key = kind == .artist ? record.artist : record.album
                var entry = groups[key] ?? TableEntry(number: key, track: record.track, plays: 0, ms: 0, first: 0, last: 0)
                entry.plays += record.plays
                entry.ms += record.ms
                entry.track = min(entry.track, record.track)
                groups[key] = entry
            }
            return groups.values.map { group in
                var entry = group
                let span = spans[entry.number]
                entry.first = span.map { $0.first == Int64.max ? 0 : $0.first } ?? 0
                entry.last = span?.last ?? 0
                return entry
            }
        }
    }

    /// Entries in order: by the column asked for, in the direction asked for; entries equal in it
    /// follow the most played, then the longest heard, then their names, on every page alike.
    static func sorted(
        _ entries: [TableEntry], by sort: HistoryItemTable.Sort, order: HistoryItemTable.Order, ranks: [Int64: Int32]
    ) -> [TableEntry] {
        func rank(_ entry: TableEntry) -> Int32 { ranks[entry.number] ?? .max }
        func compare<T: Comparable>(_ a: T, _ b: T) -> Bool? { a == b ? nil : (order == .asc ? a < b : a > b) }
        // Ranks looked up once, not at every comparison.
        let keyed = entries.map { (entry: $0, rank: rank($0)) }
        return keyed.sorted { a, b in
            let primary: Bool? =
                switch sort {
                case .plays: compare(a.entry.plays, b.entry.plays)
                case .minutes: compare(a.entry.ms, b.entry.ms)
                case .first: compare(a.entry.first, b.entry.first)
                case .last: compare(a.entry.last, b.entry.last)
                case .name: compare(a.rank, b.rank)
                }
            if let primary { return primary }
            return (-a.entry.plays, -a.entry.ms, a.rank, a.entry.number) < (-b.entry.plays, -b.entry.ms, b.rank, b.entry.number)
        }.map(\.entry)
    }
}

extension PeriodTally {
    /// Every track's sums, music only.
    var records: [PlayPack.Record] { Array(tracksByID.values) }

    func record(_ track: Int64) -> PlayPack.Record? { tracksByID[track] }
}
