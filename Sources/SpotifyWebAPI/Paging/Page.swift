/// Spotify's paging object: one page of a longer list.
///
/// `null` entries in `items` (which Spotify sends for items it can no longer serve) are dropped.
public struct Page<Item: Codable & Sendable>: Codable, Sendable {
    /// The API link to this page.
    public var href: String
    /// The items on this page.
    public var items: [Item]
    /// The page size asked for.
    public var limit: Int
    /// The URL of the next page, or `nil` on the last.
    public var next: String?
    /// The index of the first item on this page.
    public var offset: Int
    /// The URL of the previous page, or `nil` on the first.
    public var previous: String?
    /// How many items the whole list holds.
    public var total: Int

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        href = try container.decodeIfPresent(String.self, forKey: .href) ?? ""
        items = try container.decodeItems(forKey: .items)
        limit = try container.decodeIfPresent(Int.self, forKey: .limit) ?? 0
        next = try container.decodeIfPresent(String.self, forKey: .next)
        offset = try container.decodeIfPresent(Int.self, forKey: .offset) ?? 0
        previous = try container.decodeIfPresent(String.self, forKey: .previous)
        total = try container.decodeIfPresent(Int.self, forKey: .total) ?? items.count
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(href, forKey: .href)
        try container.encode(items, forKey: .items)
        try container.encode(limit, forKey: .limit)
        try container.encode(next, forKey: .next)
        try container.encode(offset, forKey: .offset)
        try container.encode(previous, forKey: .previous)
        try container.encode(total, forKey: .total)
    }

    enum CodingKeys: String, CodingKey {
        case href, items, limit, next, offset, previous, total
    }
}

/// Spotify's cursor paging object, used by recently played.
public struct CursorPage<Item: Codable & Sendable>: Codable, Sendable {
    /// The cursors to the neighbouring pages.
    public struct Cursors: Codable, Sendable, Hashable {
        /// Pass as `after` for newer items (Unix milliseconds as a string).
        public var after: String?
        /// Pass as `before` for older items (Unix milliseconds as a string).
        public var before: String?
    }

    /// The API link to this page.
    public var href: String
    /// The items on this page.
    public var items: [Item]
    /// The page size asked for.
    public var limit: Int
    /// The URL of the next page, or `nil` on the last.
    public var next: String?
    /// The cursors, when there are any.
    public var cursors: Cursors?
    /// How many items there are, when Spotify says.
    public var total: Int?

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        href = try container.decodeIfPresent(String.self, forKey: .href) ?? ""
        items = try container.decodeItems(forKey: .items)
        cursors = try container.decodeIfPresent(Cursors.self, forKey: .cursors)
        limit = try container.decodeIfPresent(Int.self, forKey: .limit) ?? 0
        next = try container.decodeIfPresent(String.self, forKey: .next)
        total = try container.decodeIfPresent(Int.self, forKey: .total)
    }

    enum CodingKeys: String, CodingKey {
        case href, items, limit, next, cursors, total
    }
}

extension KeyedDecodingContainer {
    /// A list whose `null` entries (items Spotify no longer has) are left out; absent is empty.
    func decodeItems<Item: Decodable>(forKey key: Key) throws -> [Item] {
        try decodeIfPresent([Item?].self, forKey: key)?.compactMap { $0 } ?? []
    }
}
