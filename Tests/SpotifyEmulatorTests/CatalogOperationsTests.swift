import Foundation
import SpotifyWebAPI
import SpotifyWebAPITesting
import Testing

@testable import SpotifyEmulator

/// The library's catalog operations end to end against the emulator. Each call is made inside
/// `covering(_:)`, which checks the emulator served that operation: the list of covered
/// operations that `scripts/api-coverage` reads is proven here, not just claimed.
@Suite("Catalog operations through the library", .timeLimit(.minutes(3)))
struct CatalogOperationsTests {
    /// An app-only client in `mode`, the emulator set to match.
    func client(_ h: Harness, _ mode: QuotaMode) throws -> SpotifyClient<ClientCredentialsAuthorization> {
        h.emulator.setDevMode(mode == .development)
        let configuration = SpotifyClientConfiguration(
            clientID: h.client.clientID, clientSecret: ClientSecret(h.client.clientSecret),
            accountsBaseURL: try #require(URL(string: h.origin)), apiBaseURL: try #require(URL(string: h.api)), quotaMode: mode
        )
        return SpotifyClient(
            configuration: configuration, authorization: ClientCredentialsAuthorization(flow: try ClientCredentialsFlow(configuration: configuration))
        )
    }

    @Test("albums: one album with its first tracks, its track list walked, several at once on extended quota")
    @available(*, deprecated)
    func albums() async throws {
        try await Harness.run { h in
            let spotify = try client(h, .development)
            let seeded = try #require(h.emulator.catalog.albums.max { $0.trackIndices.count < $1.trackIndices.count })
            let id = try AlbumID(seeded.id)
            let album = try await h.covering("GET /albums/{id}") { try await spotify.album(id: id) }
            #expect(album.id == id && album.name == seeded.name)
            #expect(album.tracks.total == seeded.trackIndices.count)
            #expect(album.label == nil && album.popularity == nil && album.copyrights?.count == 2)
            let page = try await h.covering("GET /albums/{id}/tracks") { try await spotify.albumTracks(id: id, limit: 2, offset: 1) }
            #expect(page.items.map(\.id?.rawValue) == seeded.trackIndices[1...2].map { h.emulator.catalog.tracks[$0].id })
            let walked = try await spotify.allAlbumTracks(id: id).collect()
            #expect(walked.map(\.trackNumber) == Array(1...seeded.trackIndices.count))

            let extended = try client(h, .extended)
            let ids = try h.emulator.catalog.albums.prefix(45).map { try AlbumID($0.id) }
            let many = try await h.covering("GET /albums") { try await extended.albums(ids: ids) }
            #expect(many.map(\.id) == ids)
            #expect(many.first?.label != nil)
        }
    }

    @Test("artists: one, several, their albums by group, top tracks and related artists")
    @available(*, deprecated)
    func artists() async throws {
        try await Harness.run { h in
            let spotify = try client(h, .extended)
            let catalog = h.emulator.catalog
            let seeded = try #require(
                catalog.artists.first { artist in catalog.albums.filter { $0.artistIndices.contains(catalog.artistIndexByID[artist.id]!) }.count >= 2
                })
            let id = try ArtistID(seeded.id)
            #expect(try await h.covering("GET /artists/{id}") { try await spotify.artist(id: id) }.name == seeded.name)
            let several = try await h.covering("GET /artists") { try await spotify.artists(ids: [id, try ArtistID(catalog.artists[0].id)]) }
            #expect(several.count == 2)
            let albums = try await h.covering("GET /artists/{id}/albums") {
                try await spotify.artistAlbums(id: id, groups: [.album, .single, .compilation])
            }
            #expect(albums.total >= 2)
            #expect(albums.items.allSatisfy { $0.album.artists?.contains { $0.id == id } == true && $0.albumGroup != "appears_on" })
            let all = try await spotify.allArtistAlbums(id: id).collect()
            #expect(all.count == (try await spotify.artistAlbums(id: id, limit: 1)).total)
            let top = try await h.covering("GET /artists/{id}/top-tracks") { try await spotify.artistTopTracks(id: id, market: "GB") }
            #expect(!top.isEmpty && top.allSatisfy { $0.artists.contains { $0.id == id } })
            #expect(zip(top, top.dropFirst()).allSatisfy { ($0.popularity ?? 0) >= ($1.popularity ?? 0) })
            let related = try await h.covering("GET /artists/{id}/related-artists") { try await spotify.relatedArtists(id: id) }
            #expect(related.allSatisfy { !Set($0.genres ?? []).isDisjoint(with: seeded.genres) && $0.id != id })
        }
    }

    @Test("tracks, new releases and markets")
    @available(*, deprecated)
    func tracksAndBrowse() async throws {
        try await Harness.run { h in
            let spotify = try client(h, .extended)
            let ids = try h.emulator.catalog.tracks.prefix(3).map { try TrackID($0.id) }
            #expect(try await h.covering("GET /tracks/{id}") { try await spotify.track(id: ids[0]) }.id == ids[0])
            #expect(try await h.covering("GET /tracks") { try await spotify.tracks(ids: ids) }.map(\.id) == ids)
            let releases = try await h.covering("GET /browse/new-releases") { try await spotify.newReleases(limit: 5) }
            #expect(releases.items.count == 5)
            var everyRelease: [AlbumID?] = []
            for try await album in spotify.allNewReleases() { everyRelease.append(album.id) }
            #expect(everyRelease.count == releases.total && Array(everyRelease.prefix(5)) == releases.items.map(\.id))
            #expect(try await spotify.allNewReleases().collect().map(\.id) == everyRelease)
            #expect(zip(releases.items, releases.items.dropFirst()).allSatisfy { ($0.releaseDate ?? "") >= ($1.releaseDate ?? "") })
            #expect(try await h.covering("GET /markets") { try await spotify.availableMarkets() }.contains("GB"))
            // Last: a development-mode client puts the emulator in development mode.
            let development = try client(h, .development)
            let refused = await #expect(throws: SpotifyAPIError.self) { try await development.allNewReleases().collect() }
            #expect(refused?.code == .unavailableInDevelopmentMode)
        }
    }

    @Test("search finds by words and filters, and its walking twin pages by 10 in development mode")
    func search() async throws {
        try await Harness.run { h in
            let spotify = try client(h, .development)
            let artist = h.emulator.catalog.artists[3]
            let results = try await h.covering("GET /search") { try await spotify.search(artist.name, types: [.artist, .track, .show]) }
            #expect(results.artists?.items.first?.name == artist.name)
            // Every word of the query is in the track's name or one of its artists' names.
            let words = artist.name.lowercased().split(separator: " ")
            let tracks = try #require(results.tracks?.items)
            #expect(!tracks.isEmpty)
            for track in tracks {
                let names = ([track.name] + track.artists.map(\.name)).map { $0.lowercased() }
                #expect(words.allSatisfy { word in names.contains { $0.contains(word) } })
            }
            #expect(results.shows?.total == 0 && results.albums == nil)
            let filtered = try await spotify.search("artist:\"\(artist.name)\"", types: [.album], limit: 10)
            #expect(filtered.albums?.items.allSatisfy { $0.artists?.contains { $0.name == artist.name } == true } == true)

            let before = h.emulator.counters.requests["GET /v1/search 200"] ?? 0
            let walked = try await spotify.allSearchResults("year:1990-1999", in: .tracks).collect(maxConcurrentRequests: 1)
            let served = (h.emulator.counters.requests["GET /v1/search 200"] ?? 0) - before
            #expect(walked.count > 10)
            #expect(served == (walked.count + 9) / 10)
            #expect(walked.allSatisfy { ($0.album?.releaseDate ?? "").hasPrefix("199") })
        }
    }

    @Test("development mode: removed operations fail before sending; the emulator answers 403 to a client that sends anyway")
    @available(*, deprecated)
    func developmentMode() async throws {
        try await Harness.run { h in
            let spotify = try client(h, .development)
            let id = try ArtistID(h.emulator.catalog.artists[0].id)
            let before = h.emulator.counters.requests.values.reduce(0, +)
            let error = await #expect(throws: SpotifyAPIError.self) { try await spotify.artistTopTracks(id: id) }
            #expect(error?.code == .unavailableInDevelopmentMode)
            #expect(h.emulator.counters.requests.values.reduce(0, +) == before)  // not even a token was fetched
            // An extended-quota client against a development-mode app gets Spotify's bare 403.
            let mismatched = try client(h, .extended)
            h.emulator.setDevMode(true)
            let refused = await #expect(throws: SpotifyAPIError.self) { try await mismatched.artistTopTracks(id: id) }
            #expect(refused?.code == .forbidden && refused?.status == 403)
        }
    }
}

extension Harness {
    /// Runs `body` and checks that the emulator answered the spec operation `operation` (such
    /// as `GET /albums/{id}`) with a 2xx meanwhile.
    @discardableResult
    func covering<T>(_ operation: String, _ body: () async throws -> T) async throws -> T {
        let before = servedCount(operation)
        let result = try await body()
        #expect(servedCount(operation) > before, "the emulator served no \(operation)")
        return result
    }

    private func servedCount(_ operation: String) -> Int {
        let parts = operation.split(separator: " ", maxSplits: 1)
        let wanted = Harness.pattern(String(parts[1])).split(separator: "/", omittingEmptySubsequences: false)
        return emulator.counters.requests.reduce(0) { total, entry in
            let fields = entry.key.split(separator: " ")
            guard fields.count == 3, fields[0] == parts[0], fields[2].hasPrefix("2") else { return total }
            // A route's parameter also stands for a fixed segment: `/me/top/{type}` serves `/me/top/tracks`.
            let route = Harness.pattern(String(fields[1].dropFirst(3))).split(separator: "/", omittingEmptySubsequences: false)
            guard route.count == wanted.count, zip(route, wanted).allSatisfy({ $0 == $1 || $0 == "{}" }) else { return total }
            return total + entry.value
        }
    }

    /// A path template with every parameter written the same way: `/albums/{}/tracks`.
    static func pattern(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.hasPrefix("{") || $0.hasPrefix(":") ? "{}" : String($0) }.joined(separator: "/")
    }
}
