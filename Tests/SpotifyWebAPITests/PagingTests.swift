import Foundation
import SpotifyWebAPITesting
import Testing

@testable import SpotifyWebAPI

@Suite("Paging")
struct PagingTests {
    /// Serves a list of `total` artists in pages, with Spotify's next/previous links.
    static func pagedArtists(total: Int) -> ScriptedTransport {
        ScriptedTransport { request, _ in
            let components = URLComponents(string: request.url)!
            let query = Dictionary(uniqueKeysWithValues: (components.queryItems ?? []).map { ($0.name, $0.value ?? "") })
            let limit = Int(query["limit"] ?? "20")!
            let offset = Int(query["offset"] ?? "0")!
            let items = (offset..<min(offset + limit, total)).map {
                #"{"id":"a\#($0)","name":"Artist \#($0)","uri":"spotify:artist:a\#($0)"}"#
            }
            func link(_ at: Int) -> String { "\"https://api.test/v1/me/top/artists?limit=\(limit)&offset=\(at)&time_range=medium_term\"" }
            let next = offset + limit < total ? link(offset + limit) : "null"
            let previous = offset > 0 ? link(max(0, offset - limit)) : "null"
            return .json(
                200,
                #"{"href":\#(link(offset)),"items":[\#(items.joined(separator: ","))],"limit":\#(limit),"next":\#(next),"offset":\#(offset),"previous":\#(previous),"total":\#(total)}"#
            )
        }
    }

    @Test("iterating follows next to the end")
    func followsNext() async throws {
        let transport = Self.pagedArtists(total: 120)
        let client = SpotifyClient(
            configuration: testConfiguration, authorization: StaticAuthorization(), transport: transport, clock: VirtualClock())
        var names: [String] = []
        for try await artist in client.allCurrentUserTopArtists() { names.append(artist.name) }
        #expect(names.count == 120)
        #expect(names.first == "Artist 0")
        #expect(names.last == "Artist 119")
        #expect(transport.count == 3)
    }

    @Test("collect fetches the rest concurrently and keeps the order")
    func collectInOrder() async throws {
        let transport = Self.pagedArtists(total: 230)
        let client = SpotifyClient(
            configuration: testConfiguration, authorization: StaticAuthorization(), transport: transport, clock: VirtualClock())
        let artists = try await client.allCurrentUserTopArtists().collect(maxConcurrentRequests: 3)
        #expect(artists.map(\.id.rawValue) == (0..<230).map { "a\($0)" })
        #expect(transport.count == 5)
    }

    @Test("a single page needs one request")
    func singlePage() async throws {
        let transport = Self.pagedArtists(total: 7)
        let client = SpotifyClient(
            configuration: testConfiguration, authorization: StaticAuthorization(), transport: transport, clock: VirtualClock())
        #expect(try await client.allCurrentUserTopArtists().collect().count == 7)
        #expect(transport.count == 1)
    }

    @Test("a next URL on another host is refused, so the token never leaves")
    func foreignNextRefused() async throws {
        let transport = ScriptedTransport { _, _ in
            .json(
                200,
                #"{"href":"x","items":[],"limit":50,"next":"https://evil.test/v1/me/top/artists?offset=50","offset":0,"previous":null,"total":100}"#)
        }
        let client = SpotifyClient(
            configuration: testConfiguration, authorization: StaticAuthorization(), transport: transport, clock: VirtualClock())
        let error = await #expect(throws: SpotifyAPIError.self) {
            for try await _ in client.allCurrentUserTopArtists() {}
        }
        #expect(error?.code == .invalidRequest)
        #expect(transport.requests.allSatisfy { $0.url.hasPrefix("https://api.test/v1/") })
    }

    @Test("the top-items request carries limit, offset and time_range")
    func topItemsQuery() async throws {
        let transport = Self.pagedArtists(total: 5)
        let client = SpotifyClient(
            configuration: testConfiguration, authorization: StaticAuthorization(), transport: transport, clock: VirtualClock())
        _ = try await client.currentUserTopArtists(timeRange: .shortTerm, limit: 5, offset: 0)
        #expect(transport.requests.first?.url == "https://api.test/v1/me/top/artists?limit=5&offset=0&time_range=short_term")
        #expect(transport.requests.first?.header("Authorization") == "Bearer static-token")
    }

    @Test("adding 250 items sends three chunks of at most 100, in order")
    func addItemsChunks() async throws {
        let transport = ScriptedTransport { _, call in .json(201, #"{"snapshot_id":"snap-\#(call)"}"#) }
        let client = SpotifyClient(
            configuration: testConfiguration, authorization: StaticAuthorization(), transport: transport, clock: VirtualClock())
        let uris = (0..<250).map { "spotify:track:" + base62ID($0) }
        let snapshots = try await client.addItems(try uris.map(SpotifyURI.init), to: try PlaylistID(base62ID(1)))
        #expect(snapshots == ["snap-0", "snap-1", "snap-2"])
        let bodies = try transport.requests.map { try JSONDecoder().decode([String: [String]].self, from: Data($0.bodyString.utf8))["uris"] ?? [] }
        #expect(bodies.map(\.count) == [100, 100, 50])
        #expect(bodies.flatMap { $0 } == uris)
        #expect(transport.requests.allSatisfy { $0.url == "https://api.test/v1/playlists/\(base62ID(1))/items" && $0.method == .post })
    }
}
