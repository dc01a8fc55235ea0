/// Every item of a paged list, fetched page by page as it is iterated.
///
/// Iterating follows each page's `next` URL. ``collect(maxConcurrentRequests:)`` instead reads
/// the first page, then fetches the rest concurrently by offset (bounded) and returns the
/// items in order.
public struct PagedItems<Item: Codable & Sendable>: AsyncSequence, Sendable {
    public typealias Element = Item

    let firstPage: @Sendable () async throws -> Page<Item>
    let pageAtURL: @Sendable (String) async throws -> Page<Item>
    let pageAtOffset: @Sendable (_ offset: Int, _ limit: Int) async throws -> Page<Item>

    /// The pages themselves, following `next`.
    public var pages: Pages { Pages(items: self) }

    public func makeAsyncIterator() -> Iterator {
        Iterator(pages: pages.makeAsyncIterator())
    }

    /// Reads every item, fetching pages after the first concurrently.
    /// - Parameter maxConcurrentRequests: How many pages may be in flight at once.
    public func collect(maxConcurrentRequests: Int = 4) async throws -> [Item] {
        let first = try await firstPage()
        guard first.next != nil, first.limit > 0, first.total > first.offset + first.items.count else {
            return first.items
        }
        let offsets = Array(stride(from: first.offset + first.limit, to: first.total, by: first.limit))
        var pages = [[Item]](repeating: [], count: offsets.count)
        try await withThrowingTaskGroup(of: (Int, [Item]).self) { group in
            var nextIndex = 0
            func startNext() {
                guard nextIndex < offsets.count else { return }
                let index = nextIndex
                nextIndex += 1
                group.addTask { [pageAtOffset, limit = first.limit] in
                    (index, try await pageAtOffset(offsets[index], limit).items)
                }
            }
            for _ in 0..<Swift.max(1, maxConcurrentRequests) { startNext() }
            while let (index, items) = try await group.next() {
                pages[index] = items
                startNext()
            }
        }
        return first.items + pages.joined()
    }

    /// The pages of a list, following `next` until it is `null`.
    public struct Pages: AsyncSequence, Sendable {
        public typealias Element = Page<Item>
        let items: PagedItems

        public func makeAsyncIterator() -> Iterator { Iterator(items: items) }

        /// Fetches the next page when asked.
        public struct Iterator: AsyncIteratorProtocol {
            let items: PagedItems
            var walk = PageWalk()

            public mutating func next() async throws -> Page<Item>? {
                try await walk.next(first: items.firstPage, at: items.pageAtURL, nextOf: { $0.next })
            }
        }
    }

    /// Yields items one by one, fetching a page when the last one runs out.
    public struct Iterator: AsyncIteratorProtocol {
        var pages: Pages.Iterator
        var buffer: [Item] = []
        var position = 0

        public mutating func next() async throws -> Item? {
            while position >= buffer.count {
                guard let page = try await pages.next() else { return nil }
                buffer = page.items
                position = 0
            }
            defer { position += 1 }
            return buffer[position]
        }
    }
}
