import Configuration
import Foundation
import SpotifyWebAPITesting
import Testing

@testable import SpotifyWebAPI

@Suite("Quota mode")
struct QuotaModeTests {
    func client(_ mode: QuotaMode, transport: ScriptedTransport) -> SpotifyClient<StaticAuthorization> {
        var configuration = testConfiguration
        configuration.quotaMode = mode
        return SpotifyClient(configuration: configuration, authorization: StaticAuthorization(), transport: transport, clock: VirtualClock())
    }

    @Test("in development mode a removed endpoint fails before sending and names its replacement, or says there is none")
    @available(*, deprecated)
    func removedEndpoints() async throws {
        let transport = ScriptedTransport { _, _ in .json(200, #"{"tracks":[]}"#) }
        let development = client(.development, transport: transport)
        let several = await #expect(throws: SpotifyAPIError.self) { try await development.tracks(ids: [try TrackID(base62ID(1))]) }
        #expect(several?.code == .unavailableInDevelopmentMode)
        #expect(several?.message?.contains("use GET /tracks/{id} instead") == true)
        let markets = await #expect(throws: SpotifyAPIError.self) { try await development.availableMarkets() }
        #expect(markets?.message?.contains("there is no replacement") == true)
        #expect(transport.count == 0)
        _ = try await client(.extended, transport: transport).tracks(ids: [try TrackID(base62ID(1))])
        #expect(transport.count == 1)
    }

    @Test("multi-gets are split at Spotify's per-request maximum and joined in order")
    @available(*, deprecated)
    func chunking() async throws {
        let transport = ScriptedTransport { request, _ in
            let ids = URLComponents(string: request.url)?.queryItems?.first { $0.name == "ids" }?.value?.split(separator: ",") ?? []
            let items = ids.map { #"{"id":"\#($0)","name":"n","uri":"spotify:artist:\#($0)"}"# }
            return .json(200, #"{"artists":[\#(items.joined(separator: ","))]}"#)
        }
        let ids = try (0..<120).map { try ArtistID(base62ID($0)) }
        let artists = try await client(.extended, transport: transport).artists(ids: ids)
        #expect(artists.map(\.id) == ids)
        #expect(transport.count == 3)
    }

    @Test("search and an artist's albums take at most 10 per page in development mode, 50 otherwise")
    func smallerLimits() async throws {
        let transport = ScriptedTransport { _, _ in .json(200, #"{"href":"","items":[],"limit":0,"next":null,"offset":0,"previous":null,"total":0}"#)
        }
        let development = client(.development, transport: transport)
        let search = await #expect(throws: SpotifyAPIError.self) { try await development.search("q", types: [.track], limit: 11) }
        #expect(search?.parameter == "limit")
        #expect(search?.message == "limit must be between 1 and 10 in development mode, got 11")
        let albums = await #expect(throws: SpotifyAPIError.self) { try await development.artistAlbums(id: try ArtistID(base62ID(1)), limit: 20) }
        #expect(albums?.parameter == "limit")
        #expect(transport.count == 0)
        _ = try await client(.extended, transport: transport).artistAlbums(id: try ArtistID(base62ID(1)), limit: 50)
        #expect(transport.count == 1)
    }

    @Test("the quota mode is read from configuration, development unless said")
    func configuration() throws {
        #expect(SpotifyClientConfiguration(clientID: "c").quotaMode == .development)
        let read = { (values: [AbsoluteConfigKey: ConfigValue]) throws(SpotifyConfigurationError) in
            try SpotifyClientConfiguration(reader: ConfigReader(provider: InMemoryProvider(values: values)))
        }
        #expect(try read(["client.id": "c"]).quotaMode == .development)
        #expect(try read(["client.id": "c", "quota": "Extended"]).quotaMode == .extended)
        let error = #expect(throws: SpotifyConfigurationError.self) { try read(["client.id": "c", "quota": "premium"]) }
        #expect(error?.key == "quota")
    }
}
