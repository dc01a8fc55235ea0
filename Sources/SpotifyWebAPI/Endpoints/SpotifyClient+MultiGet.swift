extension SpotifyClient {
    /// A multi-get (`GET /albums?ids=…` and the like), split into requests of at most `chunk`
    /// IDs and joined in order; unknown IDs are left out. Development-mode apps lost these
    /// endpoints in February 2026, so there the call fails before sending, naming `replacement`.
    func several<Item: Decodable & Sendable, Kind>(
        _ ids: [SpotifyID<Kind>], path: String, chunk: Int, market: String? = nil, endpointName: String, replacement: String
    ) async throws -> [Item] {
        var items: [Item] = []
        items.reserveCapacity(ids.count)
        var start = 0
        while start < ids.count {
            let slice = ids[start..<min(start + chunk, ids.count)]
            var query = [("ids", slice.map(\.rawValue).joined(separator: ","))]
            if let market { query.append(("market", market)) }
            let answer: ManyItems<Item> = try await send(
                SpotifyRequest(
                    path: path, query: query, endpointName: endpointName, developmentMode: .removed(replacement: replacement)
                ))
            items += answer.items
            start += chunk
        }
        return items
    }

    /// Slices of at most `size`, in order: how a list goes out under a per-request maximum.
    static func chunks<Element>(_ elements: [Element], of size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: elements.count, by: size).map { elements[$0..<min($0 + size, elements.count)] }
    }
}
