/// Every item of a cursor-paged list (followed artists, recently played), fetched page by page
/// as it is iterated, following each page's `next` until it is `null`.
public struct CursorPagedItems<Item: Codable & Sendable>: AsyncSequence, Sendable {
    public typealias Element = Item

    let firstPage: @Sendable () async throws -> CursorPage<Item>
    let pageAtURL: @Sendable (String) async throws -> CursorPage<Item>

    public func makeAsyncIterator() -> Iterator { Iterator(items: self) }

    /// Reads every item, one page after another (a cursor cannot be fetched ahead).
    public func collect() async throws -> [Item] {
        var all: [Item] = []
        for try await item in self { all.append(item) }
        return all
    }

    /// Yields items one by one, fetching a page when the last one runs out.
    public struct Iterator: AsyncIteratorProtocol {
        let items: CursorPagedItems
        var buffer: [Item] = []
        var position = 0
        var walk = PageWalk()

        public mutating func next() async throws -> Item? {
            while position >= buffer.count {
                guard let page = try await walk.next(first: items.firstPage, at: items.pageAtURL, nextOf: { $0.next }) else { return nil }
                buffer = page.items
                position = 0
                if buffer.isEmpty && walk.nextURL == nil { return nil }
            }
            defer { position += 1 }
            return buffer[position]
        }
    }
}
