import Foundation
import SQLKit
import Synchronization

/// The ids history pages link to: Spotify's where the history has one (a track's URI from the
/// export or the recorder; an artist's or album's from the recorder), else Encore's own, `e` and
/// the 63-bit number Encore keys the thing by in sixteen hex digits. The two never collide: a
/// Spotify id is 22 base-62 characters.
public enum HistoryLinkID {
    public enum Parsed: Equatable, Sendable {
        case spotify(String)
        case encore(Int64)
    }

    static func encore(_ number: Int64) -> String {
        let hex = String(UInt64(bitPattern: number), radix: 16)
        return "e" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The id part of a `spotify:KIND:ID` URI, when it is a valid one.
    static func spotify(_ uri: String?) -> String? {
        guard let uri, let id = uri.split(separator: ":").last, uri.hasPrefix("spotify:"), isBase62(id) else { return nil }
        return String(id)
    }

    static func isBase62(_ text: Substring) -> Bool {
        text.utf8.count == 22 && text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) }
    }

    /// What a link's id names, or `nil` for text that is neither kind of id.
    public static func parse(_ text: String) -> Parsed? {
        if isBase62(Substring(text)) { return .spotify(text) }
        guard text.utf8.count == 17, text.hasPrefix("e"), let value = UInt64(text.dropFirst(), radix: 16) else { return nil }
        return .encore(Int64(bitPattern: value))
    }
}

/// Every item one listener's history holds, with their names, held in memory: the tables of
/// every item of a period sort and filter by name, and an item's page finds its tracks, without
/// reading thousands of rows per request. Items are only added within a generation (forgetting
/// moves it on) and never renamed, so a catalog is current while the listener's count of
/// items is the same.
struct HistoryCatalog: Sendable {
    struct Item: Sendable {
        var id: Int64
        var kind: PlayedKind
        var uri: String?
        var name: String
        var artist: String
        var album: String
        var artistID: Int64
        var albumID: Int64
        var artistURI: String?
        var albumURI: String?
    }

    let generation: Int64
    let items: [Int64: Item]
    /// Each track's, artist's and album's place in name order, worked out the first time a
    /// table is sorted by name and kept with the catalog.
    let nameRanks = NameRanks()
    /// Each artist's and album's Spotify URI, where any of their tracks carries one.
    let artistURIs: [Int64: String]
    let albumURIs: [Int64: String]

    init(generation: Int64, items: [Item]) {
        self.generation = generation
        var byID: [Int64: Item] = [:]
        byID.reserveCapacity(items.count)
        var artistURIs: [Int64: String] = [:], albumURIs: [Int64: String] = [:]
        for item in items {
            byID[item.id] = item
            if let uri = item.artistURI { artistURIs[item.artistID] = artistURIs[item.artistID].map { min($0, uri) } ?? uri }
            if let uri = item.albumURI { albumURIs[item.albumID] = albumURIs[item.albumID].map { min($0, uri) } ?? uri }
        }
        self.items = byID
        self.artistURIs = artistURIs
        self.albumURIs = albumURIs
    }

    var count: Int { items.count }

    /// The name a table shows for a track, artist or album, from one of its tracks.
    func name(_ kind: HistoryItemKind, track: Int64) -> String {
        guard let item = items[track] else { return "Unknown" }
        return switch kind {
        case .track: item.name
        case .artist: item.artist
        case .album: item.album
        }
    }

    /// What a table's filter looks in, lower-cased, by track: a track's name, artist and album;
    /// an artist's name; an album's name and artist.
    func searchText(_ kind: HistoryItemKind) -> [Int64: String] {
        nameRanks.searchText(kind) {
            var text: [Int64: String] = [:]
            text.reserveCapacity(items.count)
            for item in items.values where item.kind == .track {
                text[item.id] =
                    switch kind {
                    case .track: (item.name + "\u{1F}" + item.artist + "\u{1F}" + item.album).lowercased()
                    case .artist: item.artist.lowercased()
                    case .album: (item.album + "\u{1F}" + item.artist).lowercased()
                    }
            }
            return text
        }
    }

    /// Places in name order (case aside, then as written), by number, for one kind.
    func ranks(_ kind: HistoryItemKind) -> [Int64: Int32] {
        nameRanks.ranks(kind) {
            var names: [Int64: String] = [:]
            for item in items.values where item.kind == .track {
                switch kind {
                case .track: names[item.id] = item.name
                case .artist: names[item.artistID] = item.artist
                case .album: names[item.albumID] = item.album
                }
            }
            let ordered = names.map { (number: $0.key, name: $0.value, folded: $0.value.lowercased()) }
                .sorted { ($0.folded, $0.name, $0.number) < ($1.folded, $1.name, $1.number) }
            var ranks: [Int64: Int32] = [:]
            ranks.reserveCapacity(ordered.count)
            for (index, entry) in ordered.enumerated() { ranks[entry.number] = Int32(index) }
            return ranks
        }
    }

    /// A thing's link id.
    func link(_ kind: HistoryItemKind, _ number: Int64) -> String {
        let uri: String? =
            switch kind {
            case .track: items[number]?.uri
            case .artist: artistURIs[number]
            case .album: albumURIs[number]
            }
        return HistoryLinkID.spotify(uri) ?? HistoryLinkID.encore(number)
    }

    /// The number a link's id names, if this history holds it.
    func resolve(_ kind: HistoryItemKind, _ text: String) -> Int64? {
        switch (kind, HistoryLinkID.parse(text)) {
        case (_, nil): return nil
        case (.track, .encore(let number)?): return items[number] == nil ? nil : number
        case (.track, .spotify(let id)?):
            return ["track", "episode", "chapter"].map { HistoryID.of("spotify:\($0):\(id)") }.first { items[$0] != nil }
        case (.artist, .encore(let number)?): return items.values.contains { $0.artistID == number && $0.kind == .track } ? number : nil
        case (.album, .encore(let number)?): return items.values.contains { $0.albumID == number && $0.kind == .track } ? number : nil
        case (.artist, .spotify(let id)?): return artistURIs.first { $0.value == "spotify:artist:\(id)" }?.key
        case (.album, .spotify(let id)?): return albumURIs.first { $0.value == "spotify:album:\(id)" }?.key
        }
    }

    /// The tracks (music) of an artist or album, or the one track.
    func tracks(of kind: HistoryItemKind, _ number: Int64) -> [Item] {
        switch kind {
        case .track: items[number].map { [$0] } ?? []
        case .artist: items.values.filter { $0.artistID == number && $0.kind == .track }
        case .album: items.values.filter { $0.albumID == number && $0.kind == .track }
        }
    }
}

/// Name orders and lower-cased names to filter by, made once per catalog when first asked for.
final class NameRanks: Sendable {
    private let made = Mutex<[HistoryItemKind: [Int64: Int32]]>([:])
    private let folded = Mutex<[HistoryItemKind: [Int64: String]]>([:])

    func ranks(_ kind: HistoryItemKind, make: () -> [Int64: Int32]) -> [Int64: Int32] {
        if let ranks = made.withLock({ $0[kind] }) { return ranks }
        let ranks = make()
        made.withLock { $0[kind] = ranks }
        return ranks
    }

    func searchText(_ kind: HistoryItemKind, make: () -> [Int64: String]) -> [Int64: String] {
        if let text = folded.withLock({ $0[kind] }) { return text }
        let text = make()
        folded.withLock { $0[kind] = text }
        return text
    }
}

extension HistoryStore {
    /// Catalogs kept in memory, at most ``catalogItemsLimit`` items in all (the least recently
    /// used go first).
    static let catalogItemsLimit = 1_000_000

    /// The listener's catalog: the one in memory while their count of items and generation are
    /// unchanged, else read again.
    func catalog(listener id: Int64, generation: Int64, on database: any SQLDatabase) async throws -> HistoryCatalog {
        let count =
            try await database.raw("SELECT COUNT(*) AS n FROM encore_history_items WHERE listener_id = \(bind: id)").first()?
            .decode(column: "n", as: Int.self) ?? 0
        if let cached = catalogs.withLock({ $0.take(id) }), cached.generation == generation, cached.count == count { return cached }
        let rows = try await database.raw(
            """
            SELECT \(unsafeRaw: HistoryCatalog.Item.columns(of: "encore_history_items")) FROM encore_history_items WHERE listener_id = \(bind: id)
            """
        ).all()
        let items = try rows.map(HistoryCatalog.Item.init(row:))
        let catalog = HistoryCatalog(generation: generation, items: items)
        catalogs.withLock { $0.keep(catalog, for: id, limit: Self.catalogItemsLimit) }
        return catalog
    }
}

/// The catalogs in memory, least recently used first.
struct CatalogCache {
    private var entries: [(listener: Int64, catalog: HistoryCatalog)] = []

    mutating func take(_ listener: Int64) -> HistoryCatalog? {
        guard let index = entries.firstIndex(where: { $0.listener == listener }) else { return nil }
        let entry = entries.remove(at: index)
        entries.append(entry)
        return entry.catalog
    }

    mutating func keep(_ catalog: HistoryCatalog, for listener: Int64, limit: Int) {
        entries.removeAll { $0.listener == listener }
        entries.append((listener, catalog))
        var total = entries.reduce(0) { $0 + $1.catalog.count }
        while total > limit, entries.count > 1 {
            total -= entries.removeFirst().catalog.count
        }
    }
}

extension HistoryCatalog.Item {
    /// The columns ``init(row:)`` reads, of `table` (or its alias).
    static func columns(of table: String) -> String {
        ["track_id", "kind", "uri", "name", "artist", "album", "artist_id", "album_id", "artist_uri", "album_uri"].map { "\(table).\($0)" }
            .joined(separator: ", ")
    }

    /// An item from a row of `encore_history_items`.
    init(row: any SQLRow) throws {
        self.init(
            id: try row.decode(column: "track_id", as: Int64.self),
            kind: PlayedKind(rawValue: try row.decode(column: "kind", as: Int.self)) ?? .track,
            uri: try row.decode(column: "uri", as: String?.self), name: try row.decode(column: "name", as: String.self),
            artist: try row.decode(column: "artist", as: String.self), album: try row.decode(column: "album", as: String.self),
            artistID: try row.decode(column: "artist_id", as: Int64.self), albumID: try row.decode(column: "album_id", as: Int64.self),
            artistURI: try row.decode(column: "artist_uri", as: String?.self), albumURI: try row.decode(column: "album_uri", as: String?.self))
    }
}
