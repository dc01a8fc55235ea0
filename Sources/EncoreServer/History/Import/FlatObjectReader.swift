import Foundation

/// Reads the fields of one flat JSON object (values are strings, numbers, booleans or null;
/// nested values are skipped), without building a dictionary or a string per key.
struct FlatObjectReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    enum Value {
        case string(String)
        case number(Int64)
        case bool(Bool)
        case other
        case null
    }

    /// The known fields, or `nil` when the bytes are not a well-formed object.
    mutating func readFields() -> StreamingHistoryParser.Fields? {
        var fields = StreamingHistoryParser.Fields()
        skipSpace()
        guard take(UInt8(ascii: "{")) else { return nil }
        skipSpace()
        if take(UInt8(ascii: "}")) { return atEnd() ? fields : nil }
        while true {
            skipSpace()
            guard let key = readKey() else { return nil }
            skipSpace()
            guard take(UInt8(ascii: ":")) else { return nil }
            skipSpace()
            let field = Self.field(key)
            guard let value = field == nil ? skipValue() : readValue() else { return nil }
            if let field { Self.assign(value, to: field, key: key, in: &fields) }
            skipSpace()
            if take(UInt8(ascii: ",")) { continue }
            guard take(UInt8(ascii: "}")) else { return nil }
            return atEnd() ? fields : nil
        }
    }

    private enum Field {
        case ts, endTime, msPlayed, trackName, albumArtist, albumName, trackURI, episodeName, showName, episodeURI, audiobookTitle, chapterURI,
            chapterTitle, reasonStart, reasonEnd, offlineTimestamp, platform, skipped
    }

    private static let fieldNames: [(name: [UInt8], field: Field)] =
        ([
            ("ts", Field.ts), ("ms_played", .msPlayed), ("master_metadata_track_name", .trackName),
            ("master_metadata_album_artist_name", .albumArtist), ("master_metadata_album_album_name", .albumName),
            ("spotify_track_uri", .trackURI), ("episode_name", .episodeName), ("episode_show_name", .showName),
            ("spotify_episode_uri", .episodeURI), ("audiobook_title", .audiobookTitle), ("audiobook_chapter_uri", .chapterURI),
            ("audiobook_chapter_title", .chapterTitle), ("reason_start", .reasonStart), ("reason_end", .reasonEnd),
            ("offline_timestamp", .offlineTimestamp), ("platform", .platform), ("skipped", .skipped),
            // The account-data export.
            ("endTime", .endTime), ("msPlayed", .msPlayed), ("trackName", .trackName), ("artistName", .albumArtist),
            ("podcastName", .showName), ("episodeName", .episodeName),
        ] as [(String, Field)]).map { (Array($0.0.utf8), $0.1) }

    private static func field(_ key: UnsafeBufferPointer<UInt8>.SubSequence) -> Field? {
        for candidate in fieldNames where candidate.name.count == key.count && candidate.name.elementsEqual(key) {
            return candidate.field
        }
        return nil
    }

    private static func assign(
        _ value: Value, to field: Field, key: UnsafeBufferPointer<UInt8>.SubSequence, in fields: inout StreamingHistoryParser.Fields
    ) {
        func wrong() {
            if fields.wrongType == nil { fields.wrongType = String(decoding: key, as: UTF8.self) }
        }
        func text(_ target: inout String?) {
            switch value {
            case .string(let string): target = string
            case .null: break
            default: wrong()
            }
        }
        func number(_ target: inout Int64?) {
            switch value {
            case .number(let number): target = number
            case .null: break
            default: wrong()
            }
        }
        switch field {
        case .ts, .endTime:
            switch value {
            case .string(let string):
                fields.ts = Timestamp.unixMilliseconds(string)
                fields.accountData = field == .endTime
            case .null: break
            default: wrong()
            }
        case .msPlayed: number(&fields.msPlayed)
        case .offlineTimestamp: number(&fields.offlineTimestamp)
        case .skipped:
            switch value {
            case .bool(let flag): fields.skipped = flag
            case .null: break
            default: wrong()
            }
        case .trackName: text(&fields.trackName)
        case .albumArtist: text(&fields.albumArtist)
        case .albumName: text(&fields.albumName)
        case .trackURI: text(&fields.trackURI)
        case .episodeName: text(&fields.episodeName)
        case .showName: text(&fields.showName)
        case .episodeURI: text(&fields.episodeURI)
        case .audiobookTitle: text(&fields.audiobookTitle)
        case .chapterURI: text(&fields.chapterURI)
        case .chapterTitle: text(&fields.chapterTitle)
        case .reasonStart: text(&fields.reasonStart)
        case .reasonEnd: text(&fields.reasonEnd)
        case .platform: text(&fields.platform)
        }
    }

    // MARK: Scanning

    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard current == byte else { return false }
        position += 1
        return true
    }

    private mutating func skipSpace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { position += 1 }
    }

    private mutating func atEnd() -> Bool {
        skipSpace()
        return position == bytes.count
    }

    /// A key without escapes, as the bytes between its quotes; a key with escapes is never one of
    /// the known names, so its bytes still compare unequal.
    private mutating func readKey() -> UnsafeBufferPointer<UInt8>.SubSequence? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = position
        var escaped = false
        while let byte = current {
            position += 1
            if escaped {
                escaped = false
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
            } else if byte == UInt8(ascii: "\"") {
                return bytes[start..<(position - 1)]
            } else if byte < 0x20 {
                return nil
            }
        }
        return nil
    }

    private mutating func readValue() -> Value? {
        guard let byte = current else { return nil }
        switch byte {
        case UInt8(ascii: "\""): return readString().map(Value.string)
        case UInt8(ascii: "-"), 0x30...0x39: return readNumber()
        default: return skipValue()
        }
    }

    /// Skips any value (nested ones included), reporting only whether it was null.
    private mutating func skipValue() -> Value? {
        guard let byte = current else { return nil }
        switch byte {
        case UInt8(ascii: "\""):
            return readString() == nil ? nil : .other
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var strings = JSONStringTracker()
            while let byte = current {
                position += 1
                if strings.consume(byte) { continue }
                switch byte {
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return .other }
                default: break
                }
            }
            return nil
        case UInt8(ascii: "-"), 0x30...0x39:
            return readNumber() == nil ? nil : .other
        default:
            for (word, value) in [("true", Value.bool(true)), ("false", .bool(false)), ("null", .null)] where matches(word) {
                position += word.utf8.count
                return value
            }
            return nil
        }
    }

    private func matches(_ word: String) -> Bool {
        let utf8 = word.utf8
        guard bytes.count - position >= utf8.count else { return false }
        return bytes[position..<(position + utf8.count)].elementsEqual(utf8)
    }

    /// A JSON number; a fraction or exponent is allowed and the value rounded down.
    private mutating func readNumber() -> Value? {
        let start = position
        if current == UInt8(ascii: "-") { position += 1 }
        var integer: Int64 = 0
        var digits = 0
        while let byte = current, byte >= 0x30, byte <= 0x39 {
            guard digits < 18 else { return nil }
            integer = integer * 10 + Int64(byte - 0x30)
            digits += 1
            position += 1
        }
        guard digits > 0 else { return nil }
        var plain = true
        while let byte = current,
            byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
                || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || (byte >= 0x30 && byte <= 0x39)
        {
            plain = false
            position += 1
        }
        let negative = bytes[start] == UInt8(ascii: "-")
        if plain { return .number(negative ? -integer : integer) }
        guard let double = Double(String(decoding: bytes[start..<position], as: UTF8.self)), double.isFinite, abs(double) < 9e17 else {
            return nil
        }
        return .number(Int64(double.rounded(.down)))
    }

    /// A string with its escapes decoded; invalid UTF-8 becomes U+FFFD.
    private mutating func readString() -> String? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = position
        // Most strings have no escape: one pass finds the end, one decode makes the string.
        while let byte = current {
            if byte == UInt8(ascii: "\"") {
                position += 1
                return String(decoding: bytes[start..<(position - 1)], as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { return nil }
            position += 1
        }
        var decoded = Array(bytes[start..<position])
        while let byte = current {
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: decoded, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let escape = current else { return nil }
                position += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(escape)
                case UInt8(ascii: "b"): decoded.append(0x08)
                case UInt8(ascii: "f"): decoded.append(0x0C)
                case UInt8(ascii: "n"): decoded.append(0x0A)
                case UInt8(ascii: "r"): decoded.append(0x0D)
                case UInt8(ascii: "t"): decoded.append(0x09)
                case UInt8(ascii: "u"):
                    guard let scalar = readEscapedScalar() else { return nil }
                    decoded.append(contentsOf: Array(String(Character(scalar)).utf8))
                default: return nil
                }
            case 0..<0x20:
                return nil
            default:
                decoded.append(byte)
            }
        }
        return nil
    }

    /// The scalar of a `\uXXXX` escape (the `\u` already read), joining a surrogate pair; a lone
    /// surrogate becomes U+FFFD, as decoders commonly do.
    private mutating func readEscapedScalar() -> Unicode.Scalar? {
        guard let first = readHex4() else { return nil }
        if (0xD800...0xDBFF).contains(first) {
            if matches("\\u") {
                let saved = position
                position += 2
                if let second = readHex4(), (0xDC00...0xDFFF).contains(second) {
                    return Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))
                }
                position = saved
            }
            return "\u{FFFD}"
        }
        return Unicode.Scalar(first) ?? "\u{FFFD}"
    }

    private mutating func readHex4() -> UInt32? {
        guard bytes.count - position >= 4 else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt32
            switch byte {
            case 0x30...0x39: digit = UInt32(byte - 0x30)
            case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
            default: return nil
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }
}
