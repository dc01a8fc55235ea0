import Foundation
import SpotifyWebAPI
import Testing

@testable import SpotifyEmulator

/// Shows, episodes, audiobooks and chapters through the library, against the emulator.
@Suite("Podcast and audiobook operations through the library", .timeLimit(.minutes(3)))
struct SpokenOperationsTests {
    let catalog = CatalogOperationsTests()

    @Test("shows and episodes: a show with its newest episodes, the list walked, an episode with its show, several on extended quota")
    @available(*, deprecated)
    func showsAndEpisodes() async throws {
        try await Harness.run { h in
            let spotify = try catalog.client(h, .development)
            let seeded = try #require(h.emulator.catalog.spoken.shows.max { $0.episodeIndices.count < $1.episodeIndices.count })
            let id = try ShowID(seeded.id)
            let show = try await h.covering("GET /shows/{id}") { try await spotify.show(id: id) }
            #expect(show.name == seeded.name && show.publisher == nil)
            #expect(show.episodes.total == seeded.episodeIndices.count)
            let dates = show.episodes.items.compactMap(\.releaseDate)
            #expect(dates == dates.sorted(by: >))
            let page = try await h.covering("GET /shows/{id}/episodes") { try await spotify.showEpisodes(id: id, limit: 3, offset: 2) }
            #expect(page.items.map(\.id) == show.episodes.items[2..<5].map(\.id))
            #expect(try await spotify.allShowEpisodes(id: id).collect().count == seeded.episodeIndices.count)
            let episode = try await h.covering("GET /episodes/{id}") { try await spotify.episode(id: page.items[0].id) }
            #expect(episode.show.id == id && episode.name == page.items[0].name)

            let extended = try catalog.client(h, .extended)
            let shows = try await h.covering("GET /shows") { try await extended.shows(ids: [id]) }
            #expect(shows.first?.publisher == seeded.publisher)
            let episodes = try await h.covering("GET /episodes") { try await extended.episodes(ids: page.items.map(\.id)) }
            #expect(episodes.map(\.details.id) == page.items.map(\.id))
        }
    }

    @Test("audiobooks and chapters: a book with its chapters in order, a chapter with its book, several on extended quota")
    @available(*, deprecated)
    func audiobooksAndChapters() async throws {
        try await Harness.run { h in
            let spotify = try catalog.client(h, .development)
            let seeded = h.emulator.catalog.spoken.audiobooks[0]
            let id = try AudiobookID(seeded.id)
            let book = try await h.covering("GET /audiobooks/{id}") { try await spotify.audiobook(id: id) }
            #expect(book.name == seeded.name && book.authors?.map(\.name) == seeded.authors)
            #expect(book.chapters.items.map(\.chapterNumber) == Array(1...min(50, seeded.chapterIndices.count)))
            let page = try await h.covering("GET /audiobooks/{id}/chapters") { try await spotify.audiobookChapters(id: id, limit: 2, offset: 1) }
            #expect(page.items.map(\.chapterNumber) == [2, 3])
            #expect(try await spotify.allAudiobookChapters(id: id).collect().count == seeded.chapterIndices.count)
            let chapter = try await h.covering("GET /chapters/{id}") { try await spotify.chapter(id: page.items[0].id) }
            #expect(chapter.audiobook.id == id && chapter.chapterNumber == 2)

            let extended = try catalog.client(h, .extended)
            #expect(try await h.covering("GET /audiobooks") { try await extended.audiobooks(ids: [id]) }.first?.publisher == seeded.publisher)
            #expect(try await h.covering("GET /chapters") { try await extended.chapters(ids: [page.items[0].id]) }.count == 1)
        }
    }

    @Test("search finds audiobooks by author, shows by publisher and episodes by show")
    func search() async throws {
        try await Harness.run { h in
            let spotify = try catalog.client(h, .development)
            let spoken = h.emulator.catalog.spoken
            let book = spoken.audiobooks[1]
            let results = try await spotify.search(book.authors[0], types: [.audiobook, .show, .episode], limit: 10)
            #expect(results.audiobooks?.items.contains { $0.id.rawValue == book.id } == true)
            // Hosts publish shows as "NAME Media": the shows found are exactly theirs.
            #expect(results.shows?.total == spoken.shows.filter { $0.publisher.hasPrefix(book.authors[0]) }.count)
            let show = spoken.shows[2]
            let episodes = try await spotify.search(show.name, types: [.episode], limit: 10)
            #expect(
                episodes.episodes?.total
                    == spoken.shows.filter { $0.name.lowercased().contains(show.name.lowercased()) }.map(\.episodeIndices.count).reduce(0, +))
        }
    }
}
