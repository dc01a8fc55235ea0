import Foundation

/// The public playlists the emulator starts with: a few editorial ones owned by Spotify, and
/// two of each seeded user's, so search, `GET /users/{id}/playlists` and following have
/// something to find. The same seed gives the same playlists.
enum SeededPlaylists {
    static func make(_ catalog: Catalog, now: Date) -> [PlaylistRecord] {
        var random = SeededGenerator(seed: catalog.seed &* 0x2545_F491_4F6C_DD1D ^ 0xA11C_E5ED)
        var playlists: [PlaylistRecord] = []
        func tracks(_ indices: some Sequence<Int>) -> [(uri: String, addedAt: Date)] {
            indices.map { (uri: "spotify:track:\(catalog.tracks[$0].id)", addedAt: now.addingTimeInterval(-86_400 * 30)) }
        }
        func add(owner: String, name: String, description: String?, items: [(uri: String, addedAt: Date)], followers: Int) {
            playlists.append(
                PlaylistRecord(
                    id: Base62.id(using: &random), ownerID: owner, name: name, description: description, isPublic: true, collaborative: false,
                    items: items, snapshot: 1, followers: followers))
        }
        // Editorial: the most popular tracks, and a genre's best.
        let popular = catalog.tracks.indices.sorted { catalog.tracks[$0].popularity > catalog.tracks[$1].popularity }
        add(
            owner: PlaylistRecord.editorialOwner, name: "Top 50 Emulated", description: "The most played tracks, updated daily.",
            items: tracks(popular.prefix(50)), followers: 1_250_000 + Int.random(in: 0..<100_000, using: &random))
        let genres = Array(Set(catalog.artists.flatMap(\.genres))).sorted().prefix(3)
        for genre in genres {
            let picks = catalog.tracks.indices.filter { index in
                catalog.tracks[index].artistIndices.contains { catalog.artists[$0].genres.contains(genre) }
            }
            add(
                owner: PlaylistRecord.editorialOwner, name: "\(genre.capitalized) Essentials", description: "The best of \(genre).",
                items: tracks(picks.prefix(30)), followers: 50_000 + Int.random(in: 0..<250_000, using: &random))
        }
        // Each user's own: their favourites of the month, and an all-time mix.
        for user in catalog.users {
            add(
                owner: user.id, name: "\(user.displayName)'s favourites", description: nil,
                items: tracks((user.topTracks["short_term"] ?? []).prefix(20)),
                followers: Int.random(in: 0..<40, using: &random))
            add(
                owner: user.id, name: "All-time mix", description: "Songs I keep coming back to.",
                items: tracks((user.topTracks["long_term"] ?? []).prefix(25)), followers: Int.random(in: 0..<15, using: &random))
        }
        return playlists
    }
}
