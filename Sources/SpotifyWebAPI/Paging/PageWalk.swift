/// Where a walk along a list's `next` links has got: the first page, then each page's `next`
/// until it is `null`. Offset pages and cursor pages both walk with it.
struct PageWalk {
    var nextURL: String?
    var started = false

    /// The next page, or `nil` once the last has been read.
    mutating func next<P>(
        first: () async throws -> P, at pageAtURL: (String) async throws -> P, nextOf: (P) -> String?
    ) async throws -> P? {
        let page: P
        if !started {
            started = true
            page = try await first()
        } else if let url = nextURL {
            page = try await pageAtURL(url)
        } else {
            return nil
        }
        nextURL = nextOf(page)
        return page
    }
}
