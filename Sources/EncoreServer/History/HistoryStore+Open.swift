import Foundation
import Logging

extension HistoryStore {
    /// The history at `location` on its own (what the command line needs): the database is
    /// opened with the history as its only part, migrated, given to `body`, and closed after,
    /// whatever `body` does. PostgreSQL's pool runs beside `body` and stops with it.
    public static func withOpened<T: Sendable>(
        _ location: DatabaseLocation, poolSize: Int = 2, logger: Logger, _ body: @Sendable (HistoryStore) async throws -> T
    ) async throws -> T {
        let store = try await SQLEncoreStore.open(location, parts: [HistoryStore.self], poolSize: poolSize, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await store.run() }
            defer { group.cancelAll() }
            do {
                try await store.migrate()
                let result = try await body(store.history)
                await store.close()
                return result
            } catch {
                await store.close()
                throw error
            }
        }
    }

    /// A listener's days as every page counts them: their zone (or `timeZone`), today there, and
    /// the days of their first and latest play. The controllers and ``report(userID:period:timeZone:now:limit:)``
    /// resolve a period from this one answer.
    public func days(for listener: HistoryListener, timeZone: TimeZone? = nil, now: Date) async throws -> ListenerDays {
        let zone = timeZone ?? LocalCalendar.zone(named: listener.timeZone) ?? TimeZone(identifier: "UTC") ?? .current
        var calendar = LocalCalendar(timeZone: zone)
        let dates = try await span(userID: listener.userID)
        return ListenerDays(
            zone: zone, today: calendar.date(ofUTC: now.unixMilliseconds),
            span: dates.map { (calendar.date(ofUTC: $0.first.unixMilliseconds), calendar.date(ofUTC: $0.latest.unixMilliseconds)) },
            spanDates: dates)
    }
}

/// A listener's days: what a period (``HistoryPeriod``) is resolved against.
public struct ListenerDays: Sendable {
    public var zone: TimeZone
    public var today: LocalDate
    /// The local days of the first and latest play, when there is one.
    public var span: (first: LocalDate, latest: LocalDate)?
    /// The same moments in UTC.
    public var spanDates: (first: Date, latest: Date)?

    /// The first and last day of `period` for this listener.
    public func days(of period: HistoryPeriod) -> (from: LocalDate, to: LocalDate) {
        period.days(today: today, span: span)
    }
}
