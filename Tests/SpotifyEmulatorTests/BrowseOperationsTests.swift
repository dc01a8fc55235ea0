import Foundation
import SpotifyWebAPI
import Testing

@testable import SpotifyEmulator

/// Browse, audio features and recommendations through the library, on an extended-quota app.
@Suite("Browse and recommendation operations through the library", .timeLimit(.minutes(3)))
struct BrowseOperationsTests {
    @Test("categories, one category and its playlists, featured playlists")
    @available(*, deprecated)
    func browse() async throws {
        try await Harness.run { h in
            let spotify = try CatalogOperationsTests().client(h, .extended)
            let page = try await h.covering("GET /browse/categories") { try await spotify.categories(limit: 5) }
            #expect(page.items.count == 5 && page.total == Names.genres.count)
            let first = try #require(page.items.first)
            #expect(try await h.covering("GET /browse/categories/{category_id}") { try await spotify.category(id: first.id) } == first)
            let playlists = try await h.covering("GET /browse/categories/{category_id}/playlists") {
                try await spotify.categoryPlaylists(id: first.id)
            }
            #expect(playlists.playlists.total == 0 && playlists.message != nil)
            let featured = try await h.covering("GET /browse/featured-playlists") { try await spotify.featuredPlaylists() }
            #expect(featured.playlists.items.isEmpty)
            // The walking twins unwrap `{"categories": …}` and `{"playlists": …}` page after page.
            let categories = try await spotify.allCategories().collect()
            #expect(categories.count == Names.genres.count && Set(categories.map(\.id)).count == categories.count)
            var walked: [String] = []
            for try await category in spotify.allCategories() { walked.append(category.id) }
            #expect(walked == categories.map(\.id))
            #expect(try await spotify.allCategoryPlaylists(id: first.id).collect().isEmpty)
            #expect(try await spotify.allFeaturedPlaylists().collect().isEmpty)
            let missing = await #expect(throws: SpotifyAPIError.self) { try await spotify.category(id: "no_such_category") }
            #expect(missing?.code == .notFound)
        }
    }

    @Test("audio features are the same for the same track; analysis spans the track; recommendations follow the seeds' genres")
    @available(*, deprecated)
    func features() async throws {
        try await Harness.run { h in
            let spotify = try CatalogOperationsTests().client(h, .extended)
            let catalog = h.emulator.catalog
            let ids = try catalog.tracks.prefix(120).map { try TrackID($0.id) }
            let one = try await h.covering("GET /audio-features/{id}") { try await spotify.audioFeatures(id: ids[0]) }
            let many = try await h.covering("GET /audio-features") { try await spotify.audioFeatures(ids: ids) }
            #expect(many.count == 120 && many[0] == one)
            #expect(many.allSatisfy { ($0.energy ?? -1) >= 0 && ($0.energy ?? 2) <= 1 })
            let analysis = try await h.covering("GET /audio-analysis/{id}") { try await spotify.audioAnalysis(id: ids[0]) }
            let end = (analysis.beats.last?.start ?? 0) + (analysis.beats.last?.duration ?? 0)
            #expect(abs(end - Double(catalog.tracks[0].durationMs) / 1000) < 0.01)
            let genres = try await h.covering("GET /recommendations/available-genre-seeds") { try await spotify.availableGenreSeeds() }
            let seed = try ArtistID(catalog.artists[0].id)
            let picked = try await h.covering("GET /recommendations") {
                try await spotify.recommendations(seedArtists: [seed], seedGenres: [genres[0]], limit: 30)
            }
            let wanted = Set(catalog.artists[0].genres + [genres[0]])
            #expect(picked.tracks.count == 30 && picked.seeds.map(\.type) == ["ARTIST", "GENRE"])
            for track in picked.tracks {
                let artist = try #require(catalog.artistIndexByID[track.artists[0].id?.rawValue ?? ""])
                #expect(!wanted.isDisjoint(with: catalog.artists[artist].genres))
            }
            let none = await #expect(throws: SpotifyAPIError.self) { try await spotify.recommendations() }
            #expect(none?.parameter == "seed_artists")
        }
    }
}
