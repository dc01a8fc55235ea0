import Foundation

/// A day of the calendar, without a time zone: what a person means by "2025-03-01".
public struct LocalDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), (1...Self.daysIn(year: year, month: month)).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Reads `YYYY-MM-DD`; `nil` for anything else, or for a day that does not exist.
    public init?(parsing text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = Self.number(bytes[0..<4]), let month = Self.number(bytes[5..<7]), let day = Self.number(bytes[8..<10])
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// The day `dayNumber` days after 1970-01-01.
    public init(dayNumber: Int64) {
        // Howard Hinnant's civil_from_days.
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        year = Int(yoe + era * 400 + (month <= 2 ? 1 : 0))
        self.month = Int(month)
        self.day = Int(day)
    }

    /// Days since 1970-01-01 (negative before).
    public var dayNumber: Int64 {
        // Howard Hinnant's days_from_civil.
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Months since January of year 0: consecutive months differ by one.
    public var monthNumber: Int64 { Int64(year) * 12 + Int64(month - 1) }

    /// 0 for Monday … 6 for Sunday.
    public var weekday: Int { Int(LocalCalendar.floorMod(dayNumber + 3, 7)) }

    public func adding(days: Int64) -> LocalDate { LocalDate(dayNumber: dayNumber + days) }

    /// The first day of this date's month.
    public var firstOfMonth: LocalDate { LocalDate(unchecked: year, month, 1) }

    /// The first day of the month `monthNumber` names.
    static func firstDay(ofMonthNumber monthNumber: Int64) -> LocalDate {
        LocalDate(unchecked: Int(LocalCalendar.floorDiv(monthNumber, 12)), Int(LocalCalendar.floorMod(monthNumber, 12)) + 1, 1)
    }

    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool { lhs.dayNumber < rhs.dayNumber }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = LocalDate(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a YYYY-MM-DD date: \(text)"))
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    private init(unchecked year: Int, _ month: Int, _ day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for byte in digits {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }
}

/// A listener's clock: where a moment falls in their time zone, as whole local hours, days,
/// months and years.
///
/// The history's rollups are kept in these local units, so a period of local days maps to a
/// range of rows with no time-zone arithmetic in SQL. Offsets are looked up once per quarter
/// hour (every zone's transitions fall on one), which keeps a million-play import from asking
/// the time-zone database a million times.
struct LocalCalendar {
    let timeZone: TimeZone
    private var cachedQuarter: Int64 = .min
    private var cachedOffsetMs: Int64 = 0

    static let hourMs: Int64 = 3_600_000
    static let dayMs: Int64 = 86_400_000

    init(timeZone: TimeZone) {
        self.timeZone = timeZone
    }

    /// The local wall-clock time of a UTC moment, as milliseconds since a local 1970-01-01.
    mutating func localMs(_ utcMs: Int64) -> Int64 {
        let quarter = Self.floorDiv(utcMs, 900_000)
        if quarter != cachedQuarter {
            cachedQuarter = quarter
            let date = Date(timeIntervalSince1970: TimeInterval(quarter * 900))
            cachedOffsetMs = Int64(timeZone.secondsFromGMT(for: date)) * 1000
        }
        return utcMs + cachedOffsetMs
    }

    /// The local hour (hours since a local 1970-01-01) of a UTC moment.
    mutating func localHour(_ utcMs: Int64) -> Int64 { Self.floorDiv(localMs(utcMs), Self.hourMs) }

    /// The UTC moment (Unix ms) the local day `date` begins; where midnight does not exist that
    /// day (a zone that springs forward at 00:00), the first moment that does.
    func startMs(of date: LocalDate) -> Int64 {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let start = calendar.date(from: DateComponents(year: date.year, month: date.month, day: date.day)).map { calendar.startOfDay(for: $0) }
        guard let start else { return date.dayNumber * Self.dayMs }
        return Int64((start.timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// The local day of a UTC moment.
    mutating func date(ofUTC utcMs: Int64) -> LocalDate { LocalDate(dayNumber: Self.floorDiv(localMs(utcMs), Self.dayMs)) }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }
    static func floorMod(_ a: Int64, _ b: Int64) -> Int64 { ((a % b) + b) % b }

    /// A time zone by its IANA name (`Europe/Berlin`); `nil` for a name the system does not know.
    static func zone(named name: String) -> TimeZone? {
        // An IANA name (`Area/Place`) or UTC; Foundation would also take abbreviations and
        // offsets ("GMT+5"), which do not follow a place's daylight-saving rules.
        guard !name.isEmpty, name.utf8.count <= 64, name == "UTC" || name.contains("/"),
            name.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || "/_-+0123456789".unicodeScalars.contains($0)) })
        else { return nil }
        return TimeZone(identifier: name)
    }

    /// A first guess at a person's time zone from their Spotify country, until they choose one.
    static func guess(country: String?) -> String {
        let zones: [String: String] = [
            "AR": "America/Argentina/Buenos_Aires", "AT": "Europe/Vienna", "AU": "Australia/Sydney", "BE": "Europe/Brussels",
            "BR": "America/Sao_Paulo", "CA": "America/Toronto", "CH": "Europe/Zurich", "CL": "America/Santiago", "CO": "America/Bogota",
            "CZ": "Europe/Prague", "DE": "Europe/Berlin", "DK": "Europe/Copenhagen", "ES": "Europe/Madrid", "FI": "Europe/Helsinki",
            "FR": "Europe/Paris", "GB": "Europe/London", "GR": "Europe/Athens", "HU": "Europe/Budapest", "ID": "Asia/Jakarta",
            "IE": "Europe/Dublin", "IL": "Asia/Jerusalem", "IN": "Asia/Kolkata", "IT": "Europe/Rome", "JP": "Asia/Tokyo",
            "KR": "Asia/Seoul", "MX": "America/Mexico_City", "NL": "Europe/Amsterdam", "NO": "Europe/Oslo", "NZ": "Pacific/Auckland",
            "PH": "Asia/Manila", "PL": "Europe/Warsaw", "PT": "Europe/Lisbon", "RO": "Europe/Bucharest", "SE": "Europe/Stockholm",
            "SG": "Asia/Singapore", "TR": "Europe/Istanbul", "TW": "Asia/Taipei", "UA": "Europe/Kyiv", "US": "America/New_York",
            "ZA": "Africa/Johannesburg",
        ]
        guard let country, let zone = zones[country.uppercased()], Self.zone(named: zone) != nil else { return "UTC" }
        return zone
    }
}
