import Foundation

/// Podcasts and audiobooks: shows with episodes, audiobooks with chapters. Drawn from a
/// generator of their own, so the music catalog stays what it was for every seed.
struct SpokenCatalog: Sendable {
    struct Show: Sendable {
        var id: String
        var name: String
        var publisher: String
        var description: String
        var explicit: Bool
        var mediaType: String
        var episodeIndices: [Int]
    }

    struct Episode: Sendable {
        var id: String
        var name: String
        var showIndex: Int
        var description: String
        var durationMs: Int
        var explicit: Bool
        var releaseDate: String
    }

    struct Audiobook: Sendable {
        var id: String
        var name: String
        var authors: [String]
        var narrators: [String]
        var publisher: String
        var description: String
        var explicit: Bool
        var chapterIndices: [Int]
    }

    struct Chapter: Sendable {
        var id: String
        var name: String
        var audiobookIndex: Int
        var chapterNumber: Int
        var durationMs: Int
        var releaseDate: String
    }

    let shows: [Show]
    let episodes: [Episode]
    let audiobooks: [Audiobook]
    let chapters: [Chapter]
    let showIndexByID: [String: Int]
    let episodeIndexByID: [String: Int]
    let audiobookIndexByID: [String: Int]
    let chapterIndexByID: [String: Int]

    static let topics = [
        "Science", "History", "Design", "Football", "Cooking", "Cinema", "Money", "Gardening", "Jazz", "Space", "Language", "Chess",
    ]
    static let formats = ["Weekly", "Late Night", "Deep Dive", "Ten Minute", "Unpacked", "After Hours"]
    static let people = ["Ada Brennan", "Tomás Ruiz", "Kenji Watanabe", "Elif Demir", "Grace Mensah", "Oskar Nyberg", "Lena Novak", "Ravi Shah"]

    init(seed: UInt64) {
        var random = SeededGenerator(seed: seed ^ 0x5EED_50E4_CA57_B00C)
        var shows: [Show] = []
        var episodes: [Episode] = []
        for topic in Self.topics {
            let format = Self.formats.randomElement(using: &random)!
            let host = Self.people.randomElement(using: &random)!
            var show = Show(
                id: Base62.id(using: &random), name: "\(topic) \(format)", publisher: "\(host) Media",
                description: "\(host) on \(topic.lowercased()), \(format.lowercased()).", explicit: Int.random(in: 0..<5, using: &random) == 0,
                mediaType: "audio", episodeIndices: []
            )
            var day = Int.random(in: 0...20, using: &random)
            for number in 1...Int.random(in: 8...20, using: &random) {
                show.episodeIndices.append(episodes.count)
                episodes.append(
                    Episode(
                        id: Base62.id(using: &random), name: "\(show.name) #\(number)", showIndex: shows.count,
                        description: "Episode \(number) of \(show.name).", durationMs: Int.random(in: 900_000...5_400_000, using: &random),
                        explicit: show.explicit, releaseDate: Self.date(daysBeforeEnd: day)))
                day += Int.random(in: 3...14, using: &random)
            }
            // Appended newest first, as Spotify lists them.
            shows.append(show)
        }
        var audiobooks: [Audiobook] = []
        var chapters: [Chapter] = []
        for (index, topic) in Self.topics.prefix(8).enumerated() {
            let author = Self.people[index % Self.people.count]
            var book = Audiobook(
                id: Base62.id(using: &random), name: "A Short History of \(topic)", authors: [author],
                narrators: [Self.people.randomElement(using: &random)!], publisher: "Copper Coast Audio",
                description: "\(author) tells the story of \(topic.lowercased()).", explicit: false, chapterIndices: []
            )
            let release = Self.date(daysBeforeEnd: Int.random(in: 30...900, using: &random))
            for number in 1...Int.random(in: 6...18, using: &random) {
                book.chapterIndices.append(chapters.count)
                chapters.append(
                    Chapter(
                        id: Base62.id(using: &random), name: "Chapter \(number)", audiobookIndex: audiobooks.count, chapterNumber: number,
                        durationMs: Int.random(in: 600_000...2_700_000, using: &random), releaseDate: release))
            }
            audiobooks.append(book)
        }
        self.shows = shows
        self.episodes = episodes
        self.audiobooks = audiobooks
        self.chapters = chapters
        showIndexByID = Dictionary(uniqueKeysWithValues: shows.enumerated().map { ($1.id, $0) })
        episodeIndexByID = Dictionary(uniqueKeysWithValues: episodes.enumerated().map { ($1.id, $0) })
        audiobookIndexByID = Dictionary(uniqueKeysWithValues: audiobooks.enumerated().map { ($1.id, $0) })
        chapterIndexByID = Dictionary(uniqueKeysWithValues: chapters.enumerated().map { ($1.id, $0) })
    }

    /// A day before the catalog's fixed end (the same day the listening histories end).
    static func date(daysBeforeEnd days: Int) -> String {
        let end = Date(timeIntervalSince1970: 1_795_000_000)
        return end.addingTimeInterval(-Double(days) * 86_400).formatted(.iso8601.year().month().day())
    }
}
