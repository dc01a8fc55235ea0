import Foundation

/// The export's timestamps: `2024-01-15T14:30:12Z` (extended; fractions and `+00:00` allowed)
/// and `2024-01-15 14:30` (basic), both UTC.
enum Timestamp {
    static func unixMilliseconds(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { parse($0) }
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard bytes.count >= 16 else { return nil }
        func digits(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "),
            bytes[13] == UInt8(ascii: ":"), let year = digits(0..<4), let month = digits(5..<7), let day = digits(8..<10),
            let hour = digits(11..<13), let minute = digits(14..<16), hour < 24, minute < 60,
            let date = LocalDate(year: year, month: month, day: day)
        else { return nil }
        var position = 16
        var second = 0
        var millisecond = 0
        if position < bytes.count, bytes[position] == UInt8(ascii: ":") {
            guard bytes.count >= 19, let value = digits(17..<19), value < 61 else { return nil }
            second = min(value, 59)
            position = 19
            if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
                position += 1
                var scale = 100
                while position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 {
                    millisecond += Int(bytes[position] - 0x30) * scale
                    scale /= 10
                    position += 1
                }
            }
        }
        // What is left must say UTC: nothing (the basic export), `Z`, or a zero offset.
        let rest = bytes[position...]
        let utc = rest.isEmpty || rest.elementsEqual("Z".utf8) || rest.elementsEqual("+00:00".utf8) || rest.elementsEqual("+0000".utf8)
        guard utc else { return nil }
        let seconds = date.dayNumber * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        return seconds * 1000 + Int64(millisecond)
    }
}
