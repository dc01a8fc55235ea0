import Foundation

/// The period a history page or command shows: a preset, or any `from`–`to` of local days.
public enum HistoryPeriod: Sendable, Equatable {
    case lastDays(Int)
    case thisYear
    case lastYear
    case allTime
    case year(Int)
    case custom(from: LocalDate, to: LocalDate)

    /// The presets a page offers, with their query values and labels.
    static let presets: [(value: String, label: String, period: HistoryPeriod)] = [
        ("7d", "Last 7 days", .lastDays(7)), ("4w", "Last 4 weeks", .lastDays(28)), ("year", "This year", .thisYear),
        ("last-year", "Last year", .lastYear), ("all", "All time", .allTime),
    ]

    /// The longest custom period accepted.
    static let maxDays: Int64 = 50 * 366

    /// The days it covers for a listener whose today is `today` and whose history spans
    /// `span` (first and latest play's local days).
    public func days(today: LocalDate, span: (first: LocalDate, latest: LocalDate)?) -> (from: LocalDate, to: LocalDate) {
        switch self {
        case .lastDays(let count): return (today.adding(days: -Int64(count - 1)), today)
        case .thisYear: return (LocalDate(year: today.year, month: 1, day: 1) ?? today, today)
        case .lastYear:
            return (LocalDate(year: today.year - 1, month: 1, day: 1) ?? today, LocalDate(year: today.year - 1, month: 12, day: 31) ?? today)
        case .year(let year): return (LocalDate(year: year, month: 1, day: 1) ?? today, LocalDate(year: year, month: 12, day: 31) ?? today)
        case .allTime:
            guard let span else { return (today, today) }
            return (min(span.first, today), max(span.latest, today))
        case .custom(let from, let to): return (from, to)
        }
    }

    /// The value of a preset's `period` parameter, if it is one.
    var presetValue: String? { Self.presets.first { $0.period == self }?.value }

    /// A period that cannot be read: the parameter at fault and what is wrong with it.
    public struct Invalid: Error, CustomStringConvertible {
        public var parameter: String
        public var message: String
        public var description: String { "\(parameter) \(message)" }
    }

    /// Reads `period` or `from`/`to` (all optional).
    /// - Parameter fallback: the period when none is given.
    /// - Throws: ``Invalid`` naming the parameter.
    public static func parse(
        period: String?, from: String?, to: String?, default fallback: HistoryPeriod = .lastDays(28)
    ) throws(Invalid)
        -> HistoryPeriod
    {
        if let period {
            guard from == nil, to == nil else { throw Invalid(parameter: "period", message: "cannot be given with from and to") }
            guard let preset = presets.first(where: { $0.value == period }) else {
                throw Invalid(parameter: "period", message: "must be one of " + presets.map(\.value).joined(separator: ", "))
            }
            return preset.period
        }
        guard from != nil || to != nil else { return fallback }
        guard let fromText = from, let start = LocalDate(parsing: fromText) else {
            throw Invalid(parameter: "from", message: "must be a day written YYYY-MM-DD")
        }
        guard let toText = to, let end = LocalDate(parsing: toText) else {
            throw Invalid(parameter: "to", message: "must be a day written YYYY-MM-DD")
        }
        guard start <= end else { throw Invalid(parameter: "to", message: "must not be before from") }
        guard end.dayNumber - start.dayNumber < maxDays else { throw Invalid(parameter: "to", message: "must be at most 50 years after from") }
        guard start.year >= 2000, end.year <= 2100 else { throw Invalid(parameter: "from", message: "must lie between 2000 and 2100") }
        return .custom(from: start, to: end)
    }

    /// A time zone by its IANA name (`Europe/Berlin`), or `nil`.
    public static func zone(named name: String) -> TimeZone? { LocalCalendar.zone(named: name) }
}
