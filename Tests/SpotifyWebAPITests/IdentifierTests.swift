import Foundation
import Testing

@testable import SpotifyWebAPI

@Suite("Identifiers and URIs")
struct IdentifierTests {
    static let id = "4uLU6hMCjMI75M1A2tKUQC"

    @Test(
        "a track ID is read from a bare ID, a URI or a link in any of the forms people paste",
        arguments: [
            id, " \(id)\n", "spotify:track:\(id)", "https://open.spotify.com/track/\(id)", "https://open.spotify.com/track/\(id)?si=a1b2c3",
            "https://open.spotify.com/intl-de/track/\(id)", "http://open.spotify.com/track/\(id)/",
        ])
    func trackForms(text: String) throws {
        let track = try TrackID(text)
        #expect(track.rawValue == Self.id)
        #expect(track.uri.description == "spotify:track:\(Self.id)")
        #expect(track.uri.openURL?.absoluteString == "https://open.spotify.com/track/\(Self.id)")
    }

    @Test(
        "malformed input is refused before any request, saying what was expected",
        arguments: [
            ("", "22 letters and digits"), ("4uLU6hMCjMI75M1A2tKUQ", "22 letters and digits"), ("4uLU6hMCjMI75M1A2tKUQ!", "22 letters and digits"),
            ("spotify:album:\(id)", "names a album, not a track"), ("spotify:track", "expected spotify:TYPE:ID"),
            ("https://example.com/track/\(id)", "open.spotify.com"), ("spotify:podcast:\(id)", "not a type"),
            ("https://open.spotify.com/track", "not /TYPE/ID"),
        ])
    func refused(text: String, why: String) {
        let error = #expect(throws: SpotifyAPIError.self) { try TrackID(text) }
        #expect(error?.code == .invalidRequest)
        #expect(error?.service == .local)
        #expect(error?.message?.contains(why) == true, "\(error?.message ?? "")")
    }

    @Test("URIs parse every type, the legacy user-playlist form, and print back")
    func uris() throws {
        for type in SpotifyItemType.allCases {
            let id = type == .user ? "wizzler" : Self.id
            let uri = try SpotifyURI("spotify:\(type.rawValue):\(id)")
            #expect(uri.type == type && uri.id == id)
            #expect(uri.description == "spotify:\(type.rawValue):\(id)")
            #expect(try SpotifyURI(uri.openURL?.absoluteString ?? "") == uri)
        }
        let legacy = try SpotifyURI("spotify:user:wizzler:playlist:37i9dQZF1DXcBWIGoYBM5M")
        #expect(legacy == SpotifyURI(try PlaylistID("37i9dQZF1DXcBWIGoYBM5M")))
        #expect(try SpotifyURI("https://open.spotify.com/user/wizzler/playlist/37i9dQZF1DXcBWIGoYBM5M").type == .playlist)
        #expect(legacy.id(as: SpotifyIDKinds.Playlist.self)?.rawValue == "37i9dQZF1DXcBWIGoYBM5M")
        #expect(legacy.id(as: SpotifyIDKinds.Track.self) == nil)
        // Local files have URIs of their own that name no catalog object.
        #expect(throws: SpotifyAPIError.self) { try SpotifyURI("spotify:local:Artist:Album:Title:215") }
    }

    @Test("user IDs are not base62: older accounts chose their own name")
    func userIDs() throws {
        #expect(try UserID("smedjan").rawValue == "smedjan")
        #expect(try UserID("spotify:user:1185dxvbsjad6hbwtjnhpsak9").rawValue == "1185dxvbsjad6hbwtjnhpsak9")
        #expect(throws: SpotifyAPIError.self) { try UserID("two words") }
        #expect(throws: SpotifyAPIError.self) { try UserID(String(repeating: "x", count: 257)) }
    }

    @Test("IDs encode as their bare string and decode what Spotify sends without second-guessing it")
    func coding() throws {
        let encoded = try JSONEncoder().encode([try ArtistID(Self.id)])
        #expect(String(decoding: encoded, as: UTF8.self) == #"["\#(Self.id)"]"#)
        let decoded = try JSONDecoder().decode([PlaylistID].self, from: Data(#"["37i9dQZF1DXcBWIGoYBM5M","p"]"#.utf8))
        #expect(decoded.map(\.rawValue) == ["37i9dQZF1DXcBWIGoYBM5M", "p"])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([TrackID].self, from: Data(#"[""]"#.utf8)) }
    }
}
