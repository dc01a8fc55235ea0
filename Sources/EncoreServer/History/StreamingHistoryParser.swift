import Foundation

/// Reads Spotify's streaming-history export as a stream of bytes: a JSON array of flat objects,
/// one per play, in any number of pieces.
///
/// Both of Spotify's formats are understood: the Extended Streaming History
/// (`Streaming_History_Audio_*.json`: `ts`, `ms_played`, `master_metadata_*`,
/// `spotify_track_uri`, the episode and audiobook fields) and the basic one of the account-data
/// download (`StreamingHistory_music_*.json`: `endTime`, `artistName`, `trackName`, `msPlayed`).
///
/// Memory stays flat: only the entry being read is held, and an entry larger than
/// ``maxEntryBytes`` is skipped as malformed. An entry that cannot be read is counted, never
/// fatal; only bytes that are not a JSON array at all stop the file.
struct StreamingHistoryParser {
    /// What one entry of the array turned out to be.
    enum Entry: Equatable {
        case play(Play)
        /// Well-formed, but names no track, episode or chapter (Spotify writes such entries for
        /// content it no longer knows).
        case unidentified
        /// Not an object, a field of the wrong type, no time, or no duration.
        case malformed
    }

    /// The file is not an export at all.
    struct NotAnExport: Error, CustomStringConvertible {
        var description: String
    }

    /// An export entry is a few hundred bytes; this bounds what one bad entry can hold.
    static let maxEntryBytes = 64 * 1024

    private enum State {
        case beforeArray, betweenElements, inElement, afterArray
    }

    private var state = State.beforeArray
    private var element: [UInt8] = []
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var oversized = false
    /// Whether the element under way is a scalar (ends at `,` or `]`, not at a closing bracket).
    private var scalar = false
    private var sawElementSinceComma = false
    private let latestPlausibleMs: Int64

    /// - Parameter now: entries later than a day after this are refused as malformed.
    init(now: Date = Date()) {
        latestPlausibleMs = Int64(now.timeIntervalSince1970 * 1000) + 86_400_000
        element.reserveCapacity(2048)
    }

    /// Reads the next piece of the file, calling `emit` for each entry it completes.
    mutating func feed(_ bytes: some Collection<UInt8>, _ emit: (Entry) throws -> Void) throws {
        if let done = try bytes.withContiguousStorageIfAvailable({ try feed(raw: UnsafeRawBufferPointer($0), emit) }) { return done }
        try Array(bytes).withUnsafeBytes { try feed(raw: $0, emit) }
    }

    /// The same over raw bytes: the loop an import spends its time in, so it walks a pointer and
    /// copies an entry's bytes a run at a time.
    mutating func feed(raw bytes: UnsafeRawBufferPointer, _ emit: (Entry) throws -> Void) throws {
        var index = 0
        while index < bytes.count {
            if case .inElement = state {
                index = try scanElement(bytes, from: index, emit)
                continue
            }
            let byte = bytes[index]
            index += 1
            switch state {
            case .inElement:
                break
            case .betweenElements:
                if Self.isSpace(byte) { continue }
                if byte == UInt8(ascii: ",") {
                    // `[,` or `,,`: an empty element.
                    if !sawElementSinceComma { try emit(.malformed) }
                    sawElementSinceComma = false
                    continue
                }
                if byte == UInt8(ascii: "]") {
                    state = .afterArray
                    continue
                }
                startElement(byte)
            case .beforeArray:
                // A UTF-8 byte-order mark and whitespace may come first.
                if Self.isSpace(byte) || byte == 0xEF || byte == 0xBB || byte == 0xBF { continue }
                guard byte == UInt8(ascii: "[") else {
                    throw NotAnExport(description: "it is not a JSON array of plays (Spotify's Streaming_History_Audio_*.json)")
                }
                state = .betweenElements
                sawElementSinceComma = true
            case .afterArray:
                guard Self.isSpace(byte) else { throw NotAnExport(description: "there is more after the end of its JSON array") }
            }
        }
    }

    /// Ends the file: an array never closed is a file cut short.
    mutating func finish(_ emit: (Entry) throws -> Void) throws {
        switch state {
        case .afterArray:
            return
        case .beforeArray:
            throw NotAnExport(description: "it is empty")
        case .inElement:
            // The last entry was cut off mid-way.
            try emit(.malformed)
            throw NotAnExport(description: "it ends in the middle of an entry (was it cut short?)")
        case .betweenElements:
            throw NotAnExport(description: "its JSON array is never closed (was it cut short?)")
        }
    }

    private mutating func startElement(_ byte: UInt8) {
        state = .inElement
        sawElementSinceComma = true
        element.removeAll(keepingCapacity: true)
        oversized = false
        inString = false
        escaped = false
        depth = 0
        scalar = !(byte == UInt8(ascii: "{") || byte == UInt8(ascii: "["))
        if scalar {
            inString = byte == UInt8(ascii: "\"")
        } else {
            depth = 1
        }
        element.append(byte)
    }

    /// Reads an element's bytes from `start` until it ends (or the piece does); returns where to
    /// go on from.
    private mutating func scanElement(_ bytes: UnsafeRawBufferPointer, from start: Int, _ emit: (Entry) throws -> Void) throws -> Int {
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                index += 1
                continue
            }
            if scalar {
                if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]") {
                    // A number, string, true, false or null where a play belongs.
                    try emit(.malformed)
                    state = byte == UInt8(ascii: "]") ? .afterArray : .betweenElements
                    sawElementSinceComma = false
                    return index + 1
                }
                if byte == UInt8(ascii: "\"") { inString = true }
                index += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 {
                    append(UnsafeRawBufferPointer(rebasing: bytes[start...index]))
                    state = .betweenElements
                    sawElementSinceComma = true
                    try emit(oversized ? .malformed : entry(element))
                    return index + 1
                }
            default: break
            }
            index += 1
        }
        append(UnsafeRawBufferPointer(rebasing: bytes[start..<bytes.count]))
        return bytes.count
    }

    private mutating func append(_ run: UnsafeRawBufferPointer) {
        guard !oversized else { return }
        if element.count + run.count > Self.maxEntryBytes {
            oversized = true
            return
        }
        element.append(contentsOf: run)
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    // MARK: One entry

    /// The fields of an entry that the history uses; the rest are skipped unread.
    struct Fields {
        var ts: Int64?
        var msPlayed: Int64?
        var trackName: String?
        var albumArtist: String?
        var albumName: String?
        var trackURI: String?
        var episodeName: String?
        var showName: String?
        var episodeURI: String?
        var audiobookTitle: String?
        var chapterURI: String?
        var chapterTitle: String?
        /// A field of a known name had a value of the wrong type.
        var wrongType = false
    }

    /// The entry an object's bytes describe.
    func entry(_ bytes: [UInt8]) -> Entry {
        let read = bytes.withUnsafeBufferPointer { buffer in
            var reader = FlatObjectReader(bytes: buffer)
            return reader.readFields()
        }
        guard let fields = read, !fields.wrongType else {
            return .malformed
        }
        guard let ended = fields.ts, ended >= Self.earliestPlausibleMs, ended <= latestPlausibleMs,
            let heard = fields.msPlayed, heard >= 0, heard <= Self.longestPlayMs
        else { return .malformed }
        let item: PlayedItem
        if fields.trackURI != nil || fields.trackName != nil {
            item = PlayedItem(
                uri: fields.trackURI.flatMap { Self.validURI($0, kind: "track") }, kind: .track, name: fields.trackName ?? "Unknown track",
                artist: fields.albumArtist ?? "Unknown artist", album: fields.albumName ?? "")
        } else if fields.episodeURI != nil || fields.episodeName != nil {
            let show = fields.showName ?? "Unknown show"
            item = PlayedItem(
                uri: fields.episodeURI.flatMap { Self.validURI($0, kind: "episode") }, kind: .episode,
                name: fields.episodeName ?? "Unknown episode", artist: show, album: show)
        } else if fields.chapterURI != nil || fields.chapterTitle != nil {
            let book = fields.audiobookTitle ?? "Unknown audiobook"
            item = PlayedItem(
                uri: fields.chapterURI.flatMap { Self.validURI($0, kind: "chapter") }, kind: .chapter,
                name: fields.chapterTitle ?? "Unknown chapter", artist: book, album: book)
        } else {
            return .unidentified
        }
        return .play(Play(playedAtMs: ended, msPlayed: Int(heard), item: item, source: .imported))
    }

    /// Spotify launched in 2008; an earlier time is a broken entry.
    static let earliestPlausibleMs: Int64 = 1_199_145_600_000
    /// No single stream lasts a day.
    static let longestPlayMs: Int64 = 86_400_000

    /// `spotify:KIND:` and a 22-character base-62 id; anything else is kept as names only.
    static func validURI(_ text: String, kind: String) -> String? {
        let prefix = "spotify:\(kind):"
        guard text.hasPrefix(prefix) else { return nil }
        let id = text.utf8.dropFirst(prefix.utf8.count)
        guard id.count == 22, id.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) }) else {
            return nil
        }
        return text
    }
}

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
            if let field { Self.assign(value, to: field, in: &fields) }
            skipSpace()
            if take(UInt8(ascii: ",")) { continue }
            guard take(UInt8(ascii: "}")) else { return nil }
            return atEnd() ? fields : nil
        }
    }

    private enum Field {
        case ts, msPlayed, trackName, albumArtist, albumName, trackURI, episodeName, showName, episodeURI, audiobookTitle, chapterURI,
            chapterTitle
    }

    private static let fieldNames: [(name: [UInt8], field: Field)] =
        ([
            ("ts", Field.ts), ("ms_played", .msPlayed), ("master_metadata_track_name", .trackName),
            ("master_metadata_album_artist_name", .albumArtist), ("master_metadata_album_album_name", .albumName),
            ("spotify_track_uri", .trackURI), ("episode_name", .episodeName), ("episode_show_name", .showName),
            ("spotify_episode_uri", .episodeURI), ("audiobook_title", .audiobookTitle), ("audiobook_chapter_uri", .chapterURI),
            ("audiobook_chapter_title", .chapterTitle),
            // The basic export.
            ("endTime", .ts), ("msPlayed", .msPlayed), ("trackName", .trackName), ("artistName", .albumArtist),
            ("podcastName", .showName), ("episodeName", .episodeName),
        ] as [(String, Field)]).map { (Array($0.0.utf8), $0.1) }

    private static func field(_ key: UnsafeBufferPointer<UInt8>.SubSequence) -> Field? {
        for candidate in fieldNames where candidate.name.count == key.count && candidate.name.elementsEqual(key) {
            return candidate.field
        }
        return nil
    }

    private static func assign(_ value: Value, to field: Field, in fields: inout StreamingHistoryParser.Fields) {
        func text(_ target: inout String?) {
            switch value {
            case .string(let string): target = string
            case .null: break
            default: fields.wrongType = true
            }
        }
        switch field {
        case .ts:
            switch value {
            case .string(let string): fields.ts = Timestamp.unixMilliseconds(string)
            case .null: break
            default: fields.wrongType = true
            }
        case .msPlayed:
            switch value {
            case .number(let number): fields.msPlayed = number
            case .null: break
            default: fields.wrongType = true
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
            var inString = false
            var escaped = false
            while let byte = current {
                position += 1
                if inString {
                    if escaped {
                        escaped = false
                    } else if byte == UInt8(ascii: "\\") {
                        escaped = true
                    } else if byte == UInt8(ascii: "\"") {
                        inString = false
                    }
                    continue
                }
                switch byte {
                case UInt8(ascii: "\""): inString = true
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
            for (word, value) in [("true", Value.other), ("false", .other), ("null", .null)] where matches(word) {
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
