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
        /// content it no longer knows): a play of an unknown item, whose time still counts.
        case withoutMetadata(Play)
        /// Not an object, a field of the wrong type, no time, or no duration; why, in a few words.
        case malformed(String)

        /// The play, whether it names its item or not.
        var play: Play? {
            switch self {
            case .play(let play), .withoutMetadata(let play): play
            case .malformed: nil
            }
        }
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
    private var strings = JSONStringTracker()
    private var oversized = false
    /// Whether the element under way is a scalar (ends at `,` or `]`, not at a closing bracket).
    private var scalar = false
    private var sawElementSinceComma = false
    private let latestPlausibleMs: Int64
    /// The items of the entries read so far, by their names: a million entries name some
    /// thousands of tracks, and making an item works out three ids (SHA-256 each).
    private var items: [ItemNames: PlayedItem] = [:]
    /// Items remembered at most; past it the memory starts again.
    static let itemsRemembered = 50_000

    /// How many items it remembers now.
    var rememberedItems: Int { items.count }

    struct ItemNames: Hashable {
        var kind: PlayedKind
        var uri: String?
        var name: String
        var artist: String
        var album: String
    }

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
                    if !sawElementSinceComma { try emit(.malformed("an empty entry")) }
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
            try emit(.malformed("the last entry is cut off"))
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
        strings = JSONStringTracker()
        depth = 0
        scalar = !(byte == UInt8(ascii: "{") || byte == UInt8(ascii: "["))
        if scalar {
            _ = strings.consume(byte)
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
            if strings.consume(byte) {
                index += 1
                continue
            }
            if scalar {
                if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]") {
                    // A number, string, true, false or null where a play belongs.
                    try emit(.malformed("an entry is not an object"))
                    state = byte == UInt8(ascii: "]") ? .afterArray : .betweenElements
                    sawElementSinceComma = false
                    return index + 1
                }
                index += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 {
                    append(UnsafeRawBufferPointer(rebasing: bytes[start...index]))
                    state = .betweenElements
                    sawElementSinceComma = true
                    try emit(oversized ? .malformed("an entry is larger than 64 KiB") : entry(element))
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

    /// The fields of an entry that the history uses; the rest are skipped unread. The personal
    /// ones (`ip_addr*`, `user_agent*`, `username`, `conn_country`) are among the rest.
    struct Fields {
        var ts: Int64?
        /// The entry has the account-data layout's `endTime` (to the minute) rather than `ts`.
        var accountData = false
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
        var reasonStart: String?
        var reasonEnd: String?
        var offlineTimestamp: Int64?
        var platform: String?
        var skipped: Bool?
        /// The first field of a known name whose value had the wrong type.
        var wrongType: String?
    }

    /// The entry an object's bytes describe.
    /// The item these names make, made once.
    private mutating func item(_ kind: PlayedKind, uri: String?, name: String, artist: String, album: String) -> PlayedItem {
        let names = ItemNames(kind: kind, uri: uri, name: name, artist: artist, album: album)
        if let known = items[names] { return known }
        let item = PlayedItem(uri: uri, kind: kind, name: name, artist: artist, album: album)
        if items.count >= Self.itemsRemembered { items.removeAll(keepingCapacity: true) }
        items[names] = item
        return item
    }

    mutating func entry(_ bytes: [UInt8]) -> Entry {
        let read = bytes.withUnsafeBufferPointer { buffer in
            var reader = FlatObjectReader(bytes: buffer)
            return reader.readFields()
        }
        guard let fields = read else { return .malformed("an entry is not a well-formed JSON object") }
        if let field = fields.wrongType { return .malformed("\(field) has the wrong type") }
        guard let ended = fields.ts else { return .malformed("an entry has no readable ts or endTime") }
        guard ended >= Self.earliestPlausibleMs, ended <= latestPlausibleMs else { return .malformed("an entry's time is out of range") }
        guard let heard = fields.msPlayed else { return .malformed("an entry has no ms_played") }
        guard heard >= 0, heard <= Self.longestPlayMs else { return .malformed("an entry's ms_played is out of range") }
        var named = true
        let item: PlayedItem
        if fields.trackURI != nil || fields.trackName != nil {
            item = self.item(
                .track, uri: fields.trackURI.flatMap { Self.validURI($0, kind: "track") }, name: fields.trackName ?? "Unknown track",
                artist: fields.albumArtist ?? "Unknown artist", album: fields.albumName ?? "")
        } else if fields.episodeURI != nil || fields.episodeName != nil {
            let show = fields.showName ?? "Unknown show"
            item = self.item(
                .episode, uri: fields.episodeURI.flatMap { Self.validURI($0, kind: "episode") }, name: fields.episodeName ?? "Unknown episode",
                artist: show, album: show)
        } else if fields.chapterURI != nil || fields.chapterTitle != nil {
            let book = fields.audiobookTitle ?? "Unknown audiobook"
            item = self.item(
                .chapter, uri: fields.chapterURI.flatMap { Self.validURI($0, kind: "chapter") }, name: fields.chapterTitle ?? "Unknown chapter",
                artist: book, album: book)
        } else {
            named = false
            item = PlayedItem.unknown
        }
        let play: Play
        if fields.accountData {
            play = Play(
                playedAtMs: ended, msPlayed: Int(heard), item: item, source: .accountData,
                entryID: PlayIdentity.accountData(endedAtMs: ended, msPlayed: heard, item: item))
        } else {
            play = Play(
                playedAtMs: ended, msPlayed: Int(heard), item: item, source: .imported,
                entryID: PlayIdentity.extended(
                    endedAtMs: ended, msPlayed: heard, item: item, reasonStart: fields.reasonStart, reasonEnd: fields.reasonEnd,
                    offlineTimestamp: fields.offlineTimestamp, platform: fields.platform),
                reasonStart: fields.reasonStart.map(PlayReason.init), reasonEnd: fields.reasonEnd.map(PlayReason.init), skipped: fields.skipped)
        }
        return named ? .play(play) : .withoutMetadata(play)
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

/// Whether a byte of JSON is inside a string (its quotes included): a quote escaped by a
/// backslash does not end one. Shared by the scan for an entry's end and the skip of a value.
struct JSONStringTracker {
    private var inString = false
    private var escaped = false

    /// Takes the next byte; `true` when it belongs to a string.
    mutating func consume(_ byte: UInt8) -> Bool {
        if inString {
            if escaped {
                escaped = false
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
            } else if byte == UInt8(ascii: "\"") {
                inString = false
            }
            return true
        }
        if byte == UInt8(ascii: "\"") {
            inString = true
            return true
        }
        return false
    }
}
