import Foundation

/// The emulator's music: artists, albums, tracks and users with listening histories, all
/// generated from one seed so the same seed always gives the same data.
struct Catalog: Sendable {
    struct Artist: Sendable {
        var id: String
        var name: String
        var genres: [String]
        var popularity: Int
        var followers: Int
    }

    struct Album: Sendable {
        var id: String
        var name: String
        var artistIndices: [Int]
        var albumType: String
        var releaseDate: String
        var trackIndices: [Int]
    }

    struct Track: Sendable {
        var id: String
        var name: String
        var albumIndex: Int
        var artistIndices: [Int]
        var durationMs: Int
        var explicit: Bool
        var isrc: String
        var popularity: Int
        var trackNumber: Int
    }

    struct User: Sendable {
        var id: String
        var accountID: String
        var displayName: String
        var email: String
        var country: String
        var product: String
        var followers: Int
        /// Indices of top tracks and artists per time range (`short_term`, `medium_term`, `long_term`), best first, at most 50.
        var topTracks: [String: [Int]]
        var topArtists: [String: [Int]]
        /// Recently played, newest first: track index and Unix time in milliseconds.
        var recentlyPlayed: [(track: Int, playedAtMs: Int64)]
        /// Saved tracks, newest first: track index and Unix time in seconds.
        var savedTracks: [(track: Int, addedAt: Int64)]
    }

    static let timeRanges = ["short_term", "medium_term", "long_term"]
    static let markets = [
        "AR", "AU", "BR", "CA", "CH", "DE", "DK", "ES", "FI", "FR", "GB", "IE", "IN", "IT", "JP", "MX", "NL", "NO", "NZ", "PL", "PT", "SE", "US",
        "ZA",
    ]

    let seed: UInt64
    let artists: [Artist]
    let albums: [Album]
    let tracks: [Track]
    let users: [User]
    let trackIndexByID: [String: Int]
    let artistIndexByID: [String: Int]
    let albumIndexByID: [String: Int]
    /// Shows, episodes, audiobooks and chapters.
    let spoken: SpokenCatalog

    init(seed: UInt64, artistCount: Int = 320) {
        self.seed = seed
        var random = SeededGenerator(seed: seed)
        // The order of draws from `random` fixes the catalog: keep it when changing this.
        let artists = Self.makeArtists(count: artistCount, random: &random)
        var albums: [Album] = []
        var tracks: [Track] = []
        for artistIndex in artists.indices {
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                albums.append(Self.makeAlbum(by: artistIndex, index: albums.count, artists: artists, tracks: &tracks, random: &random))
            }
        }
        self.artists = artists
        self.albums = albums
        self.tracks = tracks
        self.trackIndexByID = Dictionary(uniqueKeysWithValues: tracks.enumerated().map { ($1.id, $0) })
        self.artistIndexByID = Dictionary(uniqueKeysWithValues: artists.enumerated().map { ($1.id, $0) })
        self.albumIndexByID = Dictionary(uniqueKeysWithValues: albums.enumerated().map { ($1.id, $0) })
        self.spoken = SpokenCatalog(seed: seed)
        self.users = Names.users.enumerated().map { offset, person in
            var userRandom = SeededGenerator(seed: seed &+ UInt64(offset + 1) &* 0x1000_0000_01B3)
            return Catalog.makeUser(person, artists: artists, tracks: tracks, random: &userRandom)
        }
    }

    private static func makeArtists(count: Int, random: inout SeededGenerator) -> [Artist] {
        var artists: [Artist] = []
        var usedNames = Set<String>()
        while artists.count < count {
            let name = Names.artist(using: &random)
            guard usedNames.insert(name).inserted else { continue }
            let genreCount = Int.random(in: 1...3, using: &random)
            var genres: [String] = []
            while genres.count < genreCount {
                let genre = Names.genres.randomElement(using: &random)!
                if !genres.contains(genre) { genres.append(genre) }
            }
            artists.append(
                Artist(
                    id: Base62.id(using: &random),
                    name: name,
                    genres: genres,
                    popularity: Int.random(in: 12...95, using: &random),
                    followers: Int.random(in: 800...25_000_000, using: &random)
                ))
        }
        return artists
    }

    /// One album of an artist, its tracks appended to `tracks`.
    private static func makeAlbum(
        by artistIndex: Int, index albumIndex: Int, artists: [Artist], tracks: inout [Track], random: inout SeededGenerator
    ) -> Album {
        let albumType = ["album", "album", "single", "album", "compilation"].randomElement(using: &random)!
        let trackCount = albumType == "single" ? Int.random(in: 1...3, using: &random) : Int.random(in: 6...13, using: &random)
        let year = Int.random(in: 1968...2026, using: &random)
        let month = Int.random(in: 1...12, using: &random)
        let day = Int.random(in: 1...28, using: &random)
        var albumArtists = [artistIndex]
        if Int.random(in: 0..<8, using: &random) == 0 {
            albumArtists.append(Int.random(in: 0..<artists.count, using: &random))
        }
        var album = Album(
            id: Base62.id(using: &random),
            name: albumType == "single" ? "" : Names.album(using: &random),
            artistIndices: Array(Set(albumArtists)).sorted(),
            albumType: albumType,
            releaseDate: String(format: "%04d-%02d-%02d", year, month, day),
            trackIndices: []
        )
        for number in 1...trackCount {
            var trackArtists = album.artistIndices
            if Int.random(in: 0..<6, using: &random) == 0 {
                let featured = Int.random(in: 0..<artists.count, using: &random)
                if !trackArtists.contains(featured) { trackArtists.append(featured) }
            }
            album.trackIndices.append(tracks.count)
            tracks.append(
                Track(
                    id: Base62.id(using: &random),
                    name: Names.track(using: &random),
                    albumIndex: albumIndex,
                    artistIndices: trackArtists,
                    durationMs: Int.random(in: 128_000...372_000, using: &random),
                    explicit: Int.random(in: 0..<7, using: &random) == 0,
                    isrc: Names.isrc(year: year, using: &random),
                    popularity: max(0, min(100, artists[artistIndex].popularity + Int.random(in: -15...10, using: &random))),
                    trackNumber: number
                ))
        }
        if album.name.isEmpty { album.name = tracks[album.trackIndices[0]].name }
        return album
    }

    /// A user's taste: favourite genres, then per time range a differently weighted pick, so
    /// short-term, medium-term and long-term top lists differ.
    private static func makeUser(
        _ person: (id: String, name: String, country: String, product: String),
        artists: [Artist],
        tracks: [Track],
        random: inout SeededGenerator
    ) -> User {
        let favourites = Array(Names.genres.shuffled(using: &random).prefix(4))
        var topTracks: [String: [Int]] = [:]
        var topArtists: [String: [Int]] = [:]
        for (rangeIndex, range) in timeRanges.enumerated() {
            (topTracks[range], topArtists[range]) = topLists(
                rangeIndex: rangeIndex, favourites: favourites, artists: artists, tracks: tracks, random: &random)
        }
        // Histories end on a fixed day so the data is the same whenever it is generated.
        let end: Int64 = 1_795_000_000_000
        var playedAt = end
        var recent: [(track: Int, playedAtMs: Int64)] = []
        for _ in 0..<50 {
            let pool = topTracks["short_term"]!
            recent.append((pool[Int.random(in: 0..<pool.count, using: &random)], playedAt))
            playedAt -= Int64.random(in: 150_000...2_400_000, using: &random)
        }
        let saved = savedTracks(topTracks: topTracks, trackCount: tracks.count, endSeconds: end / 1000, random: &random)
        return User(
            id: person.id,
            accountID: Base62.id(using: &random),
            displayName: person.name,
            email: "\(person.id)@example.com",
            country: person.country,
            product: person.product,
            followers: Int.random(in: 0...900, using: &random),
            topTracks: topTracks,
            topArtists: topArtists,
            recentlyPlayed: recent,
            savedTracks: saved
        )
    }

    /// One range's top 50 tracks and artists. Short-term taste leans on the first favourite;
    /// long-term spreads across all four.
    private static func topLists(
        rangeIndex: Int, favourites: [String], artists: [Artist], tracks: [Track], random: inout SeededGenerator
    ) -> (tracks: [Int], artists: [Int]) {
        let weights = favourites.enumerated().map { index, genre in
            (genre, rangeIndex == 0 ? (index == 0 ? 6.0 : 1.0) : rangeIndex == 1 ? 4.0 - Double(index) : 2.0)
        }
        var scores: [(Int, Double)] = []
        scores.reserveCapacity(tracks.count)
        for (index, track) in tracks.enumerated() {
            let genres = artists[track.artistIndices[0]].genres
            let taste = weights.reduce(0.2) { $0 + (genres.contains($1.0) ? $1.1 : 0) }
            scores.append((index, taste * Double.random(in: 0.05...1, using: &random)))
        }
        scores.sort { $0.1 > $1.1 }
        var artistScores: [Int: Double] = [:]
        for (index, score) in scores.prefix(1500) {
            artistScores[tracks[index].artistIndices[0], default: 0] += score
        }
        let topArtists = artistScores.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(50).map(\.key)
        return (Array(scores.prefix(50).map(\.0)), Array(topArtists))
    }

    /// The saved-tracks library: most of the top tracks, newest first, then some others.
    private static func savedTracks(
        topTracks: [String: [Int]], trackCount: Int, endSeconds: Int64, random: inout SeededGenerator
    ) -> [(track: Int, addedAt: Int64)] {
        var saved: [(track: Int, addedAt: Int64)] = []
        var addedAt = endSeconds
        var savedSet = Set<Int>()
        for range in timeRanges.reversed() {
            for index in topTracks[range]! where savedSet.insert(index).inserted && Int.random(in: 0..<3, using: &random) > 0 {
                saved.append((index, addedAt))
                addedAt -= Int64.random(in: 3_600...600_000, using: &random)
            }
        }
        for _ in 0..<Int.random(in: 40...160, using: &random) {
            let index = Int.random(in: 0..<trackCount, using: &random)
            if savedSet.insert(index).inserted {
                saved.append((index, addedAt))
                addedAt -= Int64.random(in: 3_600...600_000, using: &random)
            }
        }
        return saved
    }

    func user(id: String) -> User? { users.first { $0.id == id } }
}
