import Foundation
import PropertyBased
import Testing

@testable import EncoreServer

/// The import's streaming JSON reader against Foundation's `JSONSerialization`: random export
/// entries with escapes, every kind of number, nesting under unknown keys and values of the
/// wrong type must read the same, field by field; cut short, they must not read at all.
@Suite("Import: the streaming JSON reader")
struct FlatObjectReaderTests {
    static let textKeys = [
        "master_metadata_track_name", "master_metadata_album_artist_name", "master_metadata_album_album_name", "spotify_track_uri", "episode_name",
        "episode_show_name", "spotify_episode_uri", "reason_start", "reason_end", "platform", "audiobook_title", "audiobook_chapter_uri",
        "audiobook_chapter_title",
    ]
    static let numberKeys = ["ms_played", "offline_timestamp"]
    static let unknownKeys = ["conn_country", "ip_addr", "weird \\\" key", "nested", "shuffle", "incognito_mode"]
    static let keys = textKeys + numberKeys + ["skipped", "ts"] + unknownKeys

    /// Pieces of strings that trouble a JSON reader.
    static let pieces = [
        "a", "Track", " ", "é", "ü", "日本", "😀", "💿", "\"", "\\", "/", "\n", "\t", "\r", "\u{08}", "\u{0C}", "\u{01}", "\u{1F}", "\u{2028}", "{", "}",
        "[", "]", ",", ":", "null",
    ]

    /// A string as JSON text, each character written plainly or escaped, as `mode` picks.
    static func quoted(_ text: String, mode: Int) -> String {
        var out = "\""
        for (index, scalar) in text.unicodeScalars.enumerated() {
            let escapeAnyway = (mode + index) % 3 == 0
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += escapeAnyway ? "\\u000A" : "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "/": out += escapeAnyway ? "\\/" : "/"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            case _ where escapeAnyway && scalar.value > 0x7F:
                // \uXXXX, as a surrogate pair beyond the basic plane.
                for unit in String(scalar).utf16 { out += String(format: "\\u%04X", unit) }
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static func string(_ seeds: [Int]) -> String { seeds.map { pieces[$0 % pieces.count] }.joined() }

    /// One value for `key` from the row's numbers, and whether it has the key's own type.
    static func value(for key: String, _ row: [Int]) -> (json: String, ownType: Bool) {
        let (kind, a, b) = (row[1] % 10, row[2], row[3])
        if textKeys.contains(key) {
            if kind == 0 { return ("null", true) }
            if kind == 1 { return (String(a), false) }
            if kind == 2 { return ("[\(quoted("x", mode: a))]", false) }
            return (quoted(string([a, b, a / 7, b / 11, a / 13].prefix(1 + b % 5).map { $0 }), mode: a + b), true)
        }
        if numberKeys.contains(key) {
            switch kind {
            case 0: return ("null", true)
            case 1: return (quoted("12", mode: a), false)
            case 2: return ("-\(a * 1_000_003)", true)
            case 3: return ("\(a).\(b % 1000)", true)
            case 4: return ("\(a % 100).\(b % 10)e\(b % 4)", true)
            case 5: return ("\(a)E+2", true)
            case 6: return ("true", false)
            default: return (String(a * 997 + b), true)
            }
        }
        if key == "skipped" { return kind < 4 ? ("true", true) : kind < 8 ? ("false", true) : kind == 8 ? ("null", true) : ("1", false) }
        if key == "ts" {
            if kind == 0 { return ("null", true) }
            let ts = String(format: "20%02d-%02d-%02dT%02d:%02d:%02dZ", 10 + a % 15, 1 + b % 12, 1 + a % 28, b % 24, a % 60, (a + b) % 60)
            return (quoted(ts, mode: b), true)
        }
        // Unknown keys: anything, nested values with brackets and quotes in their strings.
        switch kind {
        case 0: return ("{\"a\": [1, {\"b\": \(quoted(string([a, b, 19, 20, 21, 22]), mode: a))}], \"c\": null}", true)
        case 1: return ("[[], {}, [\(quoted(string([b, 8, 9]), mode: b)), -0.5e-3, true, false, null]]", true)
        case 2: return ("-1.25E+17", true)
        case 3: return ("true", true)
        default: return (quoted(string([a, b]), mode: a), true)
        }
    }

    static func object(_ rows: [[Int]]) -> (json: String, keys: [(key: String, ownType: Bool)]) {
        var used = Set<String>()
        var members: [String] = []
        var order: [(key: String, ownType: Bool)] = []
        for row in rows {
            let key = keys[row[0] % keys.count]
            guard used.insert(key).inserted else { continue }
            let (json, ownType) = value(for: key, row)
            let space = [" ", "", "\n  ", "\t"][row[3] % 4]
            members.append("\(space)\"\(key)\"\(space):\(space)\(json)")
            order.append((key, ownType))
        }
        return ("{" + members.joined(separator: ",") + "}", order)
    }

    static func read(_ json: String) -> StreamingHistoryParser.Fields? {
        Array(json.utf8).withUnsafeBufferPointer { buffer in
            var reader = FlatObjectReader(bytes: buffer)
            return reader.readFields()
        }
    }

    static var text: [String: KeyPath<StreamingHistoryParser.Fields, String?>] {
        [
            "master_metadata_track_name": \.trackName, "master_metadata_album_artist_name": \.albumArtist,
            "master_metadata_album_album_name": \.albumName, "spotify_track_uri": \.trackURI, "episode_name": \.episodeName,
            "episode_show_name": \.showName, "spotify_episode_uri": \.episodeURI, "reason_start": \.reasonStart, "reason_end": \.reasonEnd,
            "platform": \.platform, "audiobook_title": \.audiobookTitle, "audiobook_chapter_uri": \.chapterURI,
            "audiobook_chapter_title": \.chapterTitle,
        ]
    }

    /// Where the reader and Foundation disagree, in words.
    static func differences(_ json: String, keys: [(key: String, ownType: Bool)]) throws -> [String] {
        let foundation = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any], "\(json)")
        guard let fields = read(json) else { return ["the reader refused \(json)"] }
        var wrong: [String] = []
        let firstWrong = keys.first { !$0.ownType }?.key
        if fields.wrongType != firstWrong { wrong.append("wrong type \(fields.wrongType ?? "none"), expected \(firstWrong ?? "none")") }
        for (key, path) in text {
            guard let value = foundation[key], keys.contains(where: { $0.key == key && $0.ownType }) else { continue }
            let expected = value as? String
            if fields[keyPath: path] != expected {
                wrong.append("\(key): \(String(reflecting: fields[keyPath: path])) ≠ \(String(reflecting: expected))")
            }
        }
        for (key, path) in [("ms_played", \StreamingHistoryParser.Fields.msPlayed), ("offline_timestamp", \.offlineTimestamp)] {
            guard let value = foundation[key], keys.contains(where: { $0.key == key && $0.ownType }) else { continue }
            let expected = (value as? NSNumber).map { Int64($0.doubleValue.rounded(.down)) }
            if fields[keyPath: path] != expected {
                wrong.append("\(key): \(String(describing: fields[keyPath: path])) ≠ \(String(describing: expected))")
            }
        }
        if let value = foundation["skipped"], keys.contains(where: { $0.key == "skipped" && $0.ownType }) {
            if fields.skipped != (value as? NSNumber).map(\.boolValue) { wrong.append("skipped") }
        }
        if let ts = foundation["ts"] as? String {
            let expected = ISO8601DateFormatter().date(from: ts).map { Int64($0.timeIntervalSince1970 * 1000) }
            if fields.ts != expected { wrong.append("ts \(ts): \(String(describing: fields.ts)) ≠ \(String(describing: expected))") }
        }
        return wrong
    }

    static let rows = Gen<Int>.int(in: 0...100_000).array(of: 4).array(of: 0...14)

    @Test("random entries read as JSONSerialization reads them; cut short, they do not read")
    func differential() async {
        await propertyCheck(count: 2_000, input: Self.rows) { rows in
            let (json, keys) = Self.object(rows)
            let wrong = try Self.differences(json, keys: keys)
            #expect(wrong.isEmpty, "\(json): \(wrong)")
            // Any cut through the object leaves it unclosed.
            let bytes = Array(json.utf8)
            for cut in Set([0, 1, bytes.count / 3, bytes.count / 2, bytes.count - 1]) where cut < bytes.count && cut >= 0 {
                let part = bytes[..<cut].withUnsafeBufferPointer { buffer -> Bool in
                    var reader = FlatObjectReader(bytes: buffer)
                    return reader.readFields() != nil
                }
                #expect(!part, "\(json) cut at \(cut) still read")
            }
        }
    }

    @Test("the comparison catches a reader that differs")
    func comparisonCanFail() throws {
        // Foundation reads "\u00e9" as é; a reader that did not would be told apart.
        let json = #"{"master_metadata_track_name": "caf\u00e9", "ms_played": 1.9e2}"#
        #expect(try Self.differences(json, keys: [("master_metadata_track_name", true), ("ms_played", true)]).isEmpty)
        #expect(!(try Self.differences(json, keys: [("master_metadata_track_name", false), ("ms_played", true)]).isEmpty))
        #expect(Self.read(#"{"ms_played": 190}"#)?.msPlayed == 190)
        #expect(Self.read(#"{"ms_played": 190"#) == nil)
    }
}
