/// What a user saved and follows, newest first per kind: `track`, `album`, `episode`, `show`,
/// `audiobook`, `artist` (followed), `user` (followed) and `playlist` (followed).
struct UserLibrary: Sendable {
    struct Entry: Sendable, Equatable {
        var id: String
        /// Unix seconds.
        var addedAt: Int64
    }

    static let kinds = ["track", "album", "episode", "show", "audiobook", "artist", "user", "playlist"]

    var entries: [String: [Entry]] = [:]

    /// The seeded library: the catalog's saved tracks, the albums of the newest of them, the
    /// user's long-term top artists followed, a few shows, episodes and one audiobook.
    init(seededFrom user: Catalog.User, userIndex: Int, catalog: Catalog) {
        entries["track"] = user.savedTracks.map { Entry(id: catalog.tracks[$0.track].id, addedAt: $0.addedAt) }
        var albums: [Entry] = []
        for saved in user.savedTracks.prefix(30) where albums.count < 12 {
            let id = catalog.albums[catalog.tracks[saved.track].albumIndex].id
            if !albums.contains(where: { $0.id == id }) { albums.append(Entry(id: id, addedAt: saved.addedAt)) }
        }
        entries["album"] = albums
        let start = user.savedTracks.first?.addedAt ?? 1_795_000_000
        entries["artist"] = (user.topArtists["long_term"] ?? []).prefix(15).enumerated().map {
            Entry(id: catalog.artists[$1].id, addedAt: start - Int64($0) * 86_400)
        }
        let spoken = catalog.spoken
        let shows = (0..<3).map { spoken.shows[(userIndex * 3 + $0) % spoken.shows.count] }
        entries["show"] = shows.enumerated().map { Entry(id: $1.id, addedAt: start - Int64($0) * 604_800) }
        entries["episode"] = shows.compactMap(\.episodeIndices.first).enumerated().map {
            Entry(id: spoken.episodes[$1].id, addedAt: start - Int64($0) * 3_600)
        }
        entries["audiobook"] = [Entry(id: spoken.audiobooks[userIndex % spoken.audiobooks.count].id, addedAt: start)]
    }

    func contains(_ kind: String, _ id: String) -> Bool { entries[kind]?.contains { $0.id == id } ?? false }

    /// Saves items not saved yet, in front; a saved item keeps its place and date.
    mutating func save(_ kind: String, _ ids: [String], at now: Int64) {
        var list = entries[kind] ?? []
        for id in ids.reversed() where !list.contains(where: { $0.id == id }) { list.insert(Entry(id: id, addedAt: now), at: 0) }
        entries[kind] = list
    }

    mutating func remove(_ kind: String, _ ids: [String]) {
        entries[kind]?.removeAll { ids.contains($0.id) }
    }
}

extension EmulatorState {
    /// A user's library, seeded on first use.
    func library(of user: Catalog.User, catalog: Catalog) -> UserLibrary {
        updateLibrary(of: user, catalog: catalog) { _ in }
    }

    /// Changes a user's library under the lock and returns it as it is after.
    @discardableResult
    func updateLibrary(of user: Catalog.User, catalog: Catalog, _ change: (inout UserLibrary) -> Void) -> UserLibrary {
        storage.withLock { storage in
            var library =
                storage.libraries[user.id]
                ?? UserLibrary(seededFrom: user, userIndex: catalog.users.firstIndex { $0.id == user.id } ?? 0, catalog: catalog)
            change(&library)
            storage.libraries[user.id] = library
            return library
        }
    }
}
