import Foundation
import SQLKit

extension HistoryStore {
    /// Builds the packs of every year with plays and of all time, so the first pages after an
    /// import read them rather than build them. A year at a time: SQLite's one connection is
    /// held for one year's months, not for the whole history.
    ///
    /// - Parameter added: plays the import stored; after many, PostgreSQL's statistics are
    ///   taken first (see ``analyzedAfter``).
    public func preparePacks(userID: String, added: Int = 0) async throws {
        if dialect.analyzes, added >= Self.analyzedAfter {
            try await engine.withDatabase(idempotent: true, limit: HistoryStore.readLimit) { database in
                try await database.raw("ANALYZE encore_plays, encore_play_months, encore_play_tracks, encore_play_days, encore_history_items").run()
            }
        }
        guard let listener = try await listener(userID: userID), let span = try await span(userID: userID) else { return }
        let id = HistoryID.listener(userID)
        var calendar = LocalCalendar(timeZone: LocalCalendar.zone(named: listener.timeZone) ?? TimeZone(identifier: "UTC") ?? .current)
        let first = calendar.date(ofUTC: span.first.unixMilliseconds).year, latest = calendar.date(ofUTC: span.latest.unixMilliseconds).year
        let frozen = calendar
        for key in (first...latest).map({ PlayPack.Key(unit: .year, number: Int64($0)) }) + [.allTime] {
            try Task.checkCancellation()
            try await engine.withDatabase(idempotent: true, limit: HistoryStore.readLimit) { database in
                _ = try await Self.packs([key], listener: id, calendar: frozen, on: database)
            }
        }
    }

    /// Plays an import stores before PostgreSQL is asked to take statistics again. Straight after
    /// a million-play import its planner still knew the tables empty: finding a period's first
    /// play took 14 ms instead of 0.2 ms, a month-pack statement 130–426 ms, and the all-time
    /// page's p99 rose from 78 to 97 ms until autovacuum came round.
    static let analyzedAfter = 20_000

    /// The packs of `keys` as the listener's history stands: the stored ones that are current,
    /// the others built from the rollups (a year from its months) and stored for the next page.
    /// A period without plays has no pack.
    static func packs(
        _ keys: [PlayPack.Key], listener id: Int64, calendar: LocalCalendar, on database: any SQLDatabase
    ) async throws -> [PlayPack] {
        guard let state = try await PackState.read(keys, listener: id, on: database) else { return [] }
        let wanted = keys.filter { state.entries($0) > 0 }
        var found = try await storedPacks(wanted, state: state, listener: id, on: database)
        let missing = wanted.filter { found[$0] == nil }
        guard !missing.isEmpty else { return wanted.compactMap { found[$0] } }

        // A missing year is summed from its months: those stored, and those built here.
        let missingYears = missing.filter { $0.unit == .year }
        let yearMonths = missingYears.flatMap(\.monthsOfYear).filter { state.entries($0) > 0 && found[$0] == nil }
        found.merge(try await storedPacks(yearMonths, state: state, listener: id, on: database)) { stored, _ in stored }
        var built: [PlayPack] = []
        let buildMonths = Set(missing.filter { $0.unit == .month } + yearMonths).filter { found[$0] == nil }.sorted()
        built += try await buildMonthPacks(buildMonths, listener: id, on: database)
        built += try await buildDayPacks(missing.filter { $0.unit == .day }, listener: id, calendar: calendar, on: database)
        if missing.contains(.allTime), let pack = try await buildAllTimePack(listener: id, on: database) { built.append(pack) }
        for pack in built { found[pack.key] = pack }
        for year in missingYears {
            let months = year.monthsOfYear.compactMap { found[$0] }
            let generations = Set(months.map(\.generation))
            guard let generation = generations.first else { continue }
            let pack = PlayPack.merged(year, generation: generation, months)
            found[year] = pack
            // Months read at different generations (the zone changed meanwhile) make no year to keep.
            if generations.count == 1 { built.append(pack) }
        }
        try await store(built, listener: id, on: database)
        return wanted.compactMap { found[$0] }
    }

    /// How many entries each period holds now, from the daily rollup, and the generation.
    struct PackState {
        var generation: Int64
        var days: [Int64: Int64]
        var months: [Int64: Int64]

        func entries(_ key: PlayPack.Key) -> Int64 {
            switch key.unit {
            case .day: days[key.number] ?? 0
            case .month: months[key.number] ?? 0
            case .year: key.monthsOfYear.reduce(0) { $0 + (months[$1.number] ?? 0) }
            case .allTime: months.values.reduce(0, +)
            }
        }

        /// `nil` when the listener is gone.
        static func read(_ keys: [PlayPack.Key], listener id: Int64, on database: any SQLDatabase) async throws -> PackState? {
            let days = keys.filter { $0.unit == .day }.map(\.number)
            var monthRange: (Int64, Int64)?
            var everyMonth = false
            for key in keys {
                let range: (Int64, Int64)
                switch key.unit {
                case .day: continue
                case .month: range = (key.number, key.number + 1)
                case .year: range = (key.number * 12, key.number * 12 + 12)
                case .allTime:
                    everyMonth = true
                    continue
                }
                monthRange = monthRange.map { (min($0.0, range.0), max($0.1, range.1)) } ?? range
            }
            var query: SQLQueryString =
                "SELECT 2 AS unit, generation AS n, 0 AS entries FROM encore_history_listeners WHERE listener_id = \(bind: id)"
            if !days.isEmpty {
                query =
                    query
                    + " UNION ALL SELECT 0 AS unit, local_day AS n, plays + short_plays AS entries FROM encore_play_days WHERE listener_id = \(bind: id) AND local_day IN (\(unsafeRaw: days.map(String.init).joined(separator: ", ")))"
            }
            if everyMonth || monthRange != nil {
                var range: SQLQueryString = ""
                if !everyMonth, let (lower, upper) = monthRange {
                    range =
                        " AND local_day >= \(bind: LocalDate.firstDay(ofMonthNumber: lower).dayNumber) AND local_day < \(bind: LocalDate.firstDay(ofMonthNumber: upper).dayNumber)"
                }
                query =
                    query
                    + " UNION ALL SELECT 1 AS unit, local_month AS n, CAST(SUM(plays + short_plays) AS BIGINT) AS entries FROM encore_play_days WHERE listener_id = \(bind: id)"
                    + range + " GROUP BY local_month"
            }
            var state: PackState?
            var dayEntries: [Int64: Int64] = [:], monthEntries: [Int64: Int64] = [:]
            for row in try await database.raw(query).all() {
                let number = try row.decode(column: "n", as: Int64.self)
                switch try row.decode(column: "unit", as: Int.self) {
                case 0: dayEntries[number] = try row.decode(column: "entries", as: Int64.self)
                case 1: monthEntries[number] = try row.decode(column: "entries", as: Int64.self)
                default: state = PackState(generation: number, days: [:], months: [:])
                }
            }
            state?.days = dayEntries
            state?.months = monthEntries
            return state
        }
    }

    /// The stored packs among `keys` that are current: same generation, same count of entries.
    private static func storedPacks(
        _ keys: [PlayPack.Key], state: PackState, listener id: Int64, on database: any SQLDatabase
    ) async throws -> [PlayPack.Key: PlayPack] {
        guard !keys.isEmpty else { return [:] }
        var found: [PlayPack.Key: PlayPack] = [:]
        for chunk in keys.chunked(200) {
            let current = chunk.map { "(unit = \($0.unit.rawValue) AND number = \($0.number) AND entries = \(state.entries($0)))" }
            let rows = try await database.raw(
                """
                SELECT unit, number, entries, body FROM encore_play_packs
                WHERE listener_id = \(bind: id) AND generation = \(bind: state.generation) AND (\(unsafeRaw: current.joined(separator: " OR ")))
                """
            ).all()
            for row in rows {
                guard let unit = PlayPack.Unit(rawValue: try row.decode(column: "unit", as: Int.self)),
                    let records = PlayPack.records(decoding: try row.decode(column: "body", as: Data.self))
                else { continue }
                let key = PlayPack.Key(unit: unit, number: try row.decode(column: "number", as: Int64.self))
                found[key] = PlayPack(
                    key: key, generation: state.generation, entries: try row.decode(column: "entries", as: Int64.self), records: records)
            }
        }
        return found
    }

    /// The generation in the same statement as the rows, so a pack never pairs one generation's
    /// plays with another's number.
    private static func generation(_ id: Int64) -> SQLQueryString {
        "(SELECT generation FROM encore_history_listeners WHERE listener_id = \(bind: id))"
    }

    /// Packs from rows of (period, track_id, artist_id, album_id, plays, ms_played), music only,
    /// each period's led by a row with track_id -1 that carries its entries of every kind (as
    /// plays) and the generation (as ms_played): one statement, so one snapshot, and as few
    /// columns a row as a pack needs — decoding is most of what building one costs.
    private static func packs(fromRows rows: [any SQLRow], unit: PlayPack.Unit) throws -> [PlayPack] {
        var packs: [PlayPack] = []
        for row in rows {
            let track = try row.decode(column: "track_id", as: Int64.self)
            if track < 0 {
                guard let entries = try row.decode(column: "plays", as: Int64?.self), entries > 0 else { continue }
                let number = try row.decode(column: "period", as: Int64.self)
                packs.append(
                    PlayPack(
                        key: PlayPack.Key(unit: unit, number: number), generation: try row.decode(column: "ms_played", as: Int64.self),
                        entries: entries, records: []))
                continue
            }
            guard !packs.isEmpty else { continue }
            packs[packs.count - 1].records.append(
                PlayPack.Record(
                    track: track, artist: try row.decode(column: "artist_id", as: Int64.self),
                    album: try row.decode(column: "album_id", as: Int64.self),
                    plays: try row.decode(column: "plays", as: Int64.self), ms: try row.decode(column: "ms_played", as: Int64.self),
                    first: try row.decode(column: "first_ms", as: Int64?.self) ?? 0, last: try row.decode(column: "last_ms", as: Int64?.self) ?? 0))
        }
        return packs
    }

    private static func buildMonthPacks(_ keys: [PlayPack.Key], listener id: Int64, on database: any SQLDatabase) async throws -> [PlayPack] {
        var packs: [PlayPack] = []
        for chunk in keys.chunked(24) {
            let months = SQLQueryString(chunk.map { String($0.number) }.joined(separator: ", "))
            let rows = try await database.raw(
                """
                SELECT local_month AS period, -1 AS track_id, 0 AS artist_id, 0 AS album_id, CAST(SUM(plays + short_plays) AS BIGINT) AS plays,
                    \(generation(id)) AS ms_played, 0 AS first_ms, 0 AS last_ms
                FROM encore_play_months WHERE listener_id = \(bind: id) AND local_month IN (\(months)) GROUP BY local_month
                UNION ALL
                SELECT m.local_month, m.track_id, t.artist_id, t.album_id, m.plays, m.ms_played, 0, 0
                FROM encore_play_months m JOIN encore_history_items t ON t.listener_id = m.listener_id AND t.track_id = m.track_id
                WHERE m.listener_id = \(bind: id) AND m.local_month IN (\(months)) AND t.kind = \(literal: PlayedKind.track.rawValue)
                ORDER BY period, track_id
                """
            ).all()
            packs += try Self.packs(fromRows: rows, unit: .month)
        }
        return packs
    }

    /// Days' packs from their plays, bucketed into local days here: one statement for each run
    /// of consecutive days (a period's two ends are two runs), where a statement a day made a
    /// cold "4 weeks" 28 round trips (195 ms on PostgreSQL).
    private static func buildDayPacks(
        _ keys: [PlayPack.Key], listener id: Int64, calendar: LocalCalendar, on database: any SQLDatabase
    ) async throws -> [PlayPack] {
        var calendar = calendar
        var packs: [PlayPack] = []
        for run in dayRuns(keys.map(\.number)) {
            let rows = try await database.raw(
                """
                SELECT -1 AS played_at_ms, -1 AS track_id, 0 AS ms_played, 0 AS artist_id, 0 AS album_id, \(generation(id)) AS kind
                UNION ALL
                SELECT p.played_at_ms, p.track_id, p.ms_played, t.artist_id, t.album_id, t.kind
                FROM encore_plays p JOIN encore_history_items t ON t.listener_id = p.listener_id AND t.track_id = p.track_id
                WHERE p.listener_id = \(bind: id) AND p.played_at_ms >= \(bind: calendar.startMs(of: LocalDate(dayNumber: run.lowerBound)))
                    AND p.played_at_ms < \(bind: calendar.startMs(of: LocalDate(dayNumber: run.upperBound + 1)))
                """
            ).all()
            var generation: Int64?
            var entries: [Int64: Int64] = [:]
            var sums: [Int64: [Int64: PlayPack.Record]] = [:]
            for row in rows {
                let track = try row.decode(column: "track_id", as: Int64.self)
                guard track >= 0 else {
                    generation = try row.decode(column: "kind", as: Int64?.self)
                    continue
                }
                let day = calendar.date(ofUTC: try row.decode(column: "played_at_ms", as: Int64.self)).dayNumber
                entries[day, default: 0] += 1
                guard try row.decode(column: "kind", as: Int64.self) == Int64(PlayedKind.track.rawValue) else { continue }
                let ms = try row.decode(column: "ms_played", as: Int64.self)
                sums[day, default: [:]].add(
                    PlayPack.Record(
                        track: track, artist: try row.decode(column: "artist_id", as: Int64.self),
                        album: try row.decode(column: "album_id", as: Int64.self), plays: ms >= Play.countedAfterMs ? 1 : 0, ms: ms))
            }
            // No listener row: forgotten meanwhile, so nothing to keep.
            guard let generation else { return [] }
            for (day, count) in entries.sorted(by: { $0.key < $1.key }) {
                let records = (sums[day] ?? [:]).values.sorted { $0.track < $1.track }
                packs.append(PlayPack(key: PlayPack.Key(unit: .day, number: day), generation: generation, entries: count, records: records))
            }
        }
        return packs
    }

    /// Day numbers as runs of consecutive days, at most 62 a run, so a statement's plays stay few.
    static func dayRuns(_ days: [Int64]) -> [ClosedRange<Int64>] {
        var runs: [ClosedRange<Int64>] = []
        for day in Set(days).sorted() {
            if let last = runs.last, last.upperBound == day - 1, last.count < 62 {
                runs[runs.count - 1] = last.lowerBound...day
            } else {
                runs.append(day...day)
            }
        }
        return runs
    }

    private static func buildAllTimePack(listener id: Int64, on database: any SQLDatabase) async throws -> PlayPack? {
        let rows = try await database.raw(
            """
            SELECT 0 AS period, -1 AS track_id, 0 AS artist_id, 0 AS album_id, CAST(SUM(plays + short_plays) AS BIGINT) AS plays,
                \(generation(id)) AS ms_played, 0 AS first_ms, 0 AS last_ms
            FROM encore_play_tracks WHERE listener_id = \(bind: id)
            UNION ALL
            SELECT 0, p.track_id, t.artist_id, t.album_id, p.plays, p.ms_played, p.first_played_ms, p.last_played_ms
            FROM encore_play_tracks p JOIN encore_history_items t ON t.listener_id = p.listener_id AND t.track_id = p.track_id
            WHERE p.listener_id = \(bind: id) AND t.kind = \(literal: PlayedKind.track.rawValue)
            ORDER BY track_id
            """
        ).all()
        return try Self.packs(fromRows: rows, unit: .allTime).first
    }

    /// Stores packs, a hundred a statement (six values each, far inside either database's limit
    /// on parameters).
    private static func store(_ packs: [PlayPack], listener id: Int64, on database: any SQLDatabase) async throws {
        for chunk in packs.chunked(100) {
            let values = chunk.map { pack -> SQLQueryString in
                "(\(bind: id), \(bind: pack.key.unit.rawValue), \(bind: pack.key.number), \(bind: pack.generation), \(bind: pack.entries), \(bind: pack.encoded()))"
            }
            try await database.raw(
                """
                INSERT INTO encore_play_packs (listener_id, unit, number, generation, entries, body)
                VALUES \(values.joined(separator: ", "))
                ON CONFLICT (listener_id, unit, number) DO UPDATE SET generation = excluded.generation, entries = excluded.entries, body = excluded.body
                """
            ).run()
        }
    }
}
