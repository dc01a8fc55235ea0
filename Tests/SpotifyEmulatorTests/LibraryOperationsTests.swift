import Foundation
import SpotifyWebAPI
import Testing

@testable import SpotifyEmulator

/// The user's library and follows through the library, against the emulator.
@Suite("Library and following operations through the library", .timeLimit(.minutes(3)))
struct LibraryOperationsTests {
    static let scopes: [Scope] = [
        .userLibraryRead, .userLibraryModify, .userFollowRead, .userFollowModify, .playlistReadPrivate, .playlistModifyPublic, .playlistModifyPrivate,
    ]

    /// A signed-in client for maya in `mode`, the emulator set to match.
    static func userClient(_ h: Harness, _ mode: QuotaMode, scopes: [Scope] = scopes) async throws -> SpotifyClient<TokenManager> {
        h.emulator.setDevMode(mode == .development)
        let configuration = SpotifyClientConfiguration(
            clientID: h.client.clientID, clientSecret: ClientSecret(h.client.clientSecret), redirectURI: try RedirectURI(Harness.redirect),
            scopes: scopes, accountsBaseURL: try #require(URL(string: h.origin)), apiBaseURL: try #require(URL(string: h.api)), quotaMode: mode
        )
        let flow = try AuthorizationCodeFlow(configuration: configuration)
        let pending = flow.startAuthorization()
        let hop = try await http("GET", pending.authorizeURL.absoluteString)
        let tokens = try await flow.completeAuthorization(AuthorizationCallback(url: try #require(hop.location)), pending: pending)
        return SpotifyClient(configuration: configuration, authorization: TokenManager(tokens: tokens, refresher: flow))
    }

    @Test("saved lists of every kind, newest first, walked to the end")
    func savedLists() async throws {
        try await Harness.run { h in
            let spotify = try await Self.userClient(h, .development)
            let maya = try #require(h.emulator.catalog.user(id: "maya"))
            let tracks = try await h.covering("GET /me/tracks") { try await spotify.savedTracks(limit: 5) }
            #expect(tracks.total == maya.savedTracks.count)
            let albums = try await h.covering("GET /me/albums") { try await spotify.savedAlbums(limit: 50) }
            #expect(albums.items.count == albums.total && albums.total > 0)
            #expect(zip(albums.items, albums.items.dropFirst()).allSatisfy { $0.addedAt >= $1.addedAt })
            #expect(albums.items.allSatisfy { $0.album.tracks.total == $0.album.totalTracks })
            let episodes = try await h.covering("GET /me/episodes") { try await spotify.savedEpisodes() }
            #expect(episodes.items.allSatisfy { $0.episode.show.id.rawValue.count == 22 })
            let shows = try await h.covering("GET /me/shows") { try await spotify.savedShows() }
            #expect(shows.total == 3)
            let books = try await h.covering("GET /me/audiobooks") { try await spotify.savedAudiobooks() }
            #expect(books.items.first?.audiobook.chapters.total ?? 0 > 0)
            #expect(try await spotify.allSavedAlbums().collect().count == albums.total)
            #expect(try await spotify.allSavedEpisodes().collect().count == episodes.total)
            #expect(try await spotify.allSavedShows().collect().count == shows.total)
            #expect(try await spotify.allSavedAudiobooks().collect().count == books.total)
        }
    }

    @Test("PUT and DELETE /me/library save and remove every kind in chunks of 40; contains answers in order")
    func library() async throws {
        try await Harness.run { h in
            let spotify = try await Self.userClient(h, .development)
            let catalog = h.emulator.catalog
            let saved = Set(try #require(catalog.user(id: "maya")).savedTracks.map { catalog.tracks[$0.track].id })
            let fresh = catalog.tracks.map(\.id).filter { !saved.contains($0) }.prefix(45)
            let uris =
                try fresh.map { try SpotifyURI("spotify:track:\($0)") } + [
                    SpotifyURI(try AlbumID(catalog.albums[5].id)), SpotifyURI(try ShowID(catalog.spoken.shows[11].id)),
                    SpotifyURI(try ArtistID(catalog.artists[300].id)), SpotifyURI(try UserID("jonas")),
                ]
            let before = try await h.covering("GET /me/library/contains") { try await spotify.libraryContains(uris) }
            #expect(before == Array(repeating: false, count: uris.count))
            try await h.covering("PUT /me/library") { try await spotify.saveToLibrary(uris) }
            #expect(h.emulator.counters.requests["PUT /v1/me/library 200"] == 2)  // 49 URIs: 40 + 9
            #expect(try await spotify.libraryContains(uris) == Array(repeating: true, count: uris.count))
            let newest = try await spotify.savedTracks(limit: 45)
            // Each request saves its chunk in front, in order: the second chunk is the newest.
            #expect(newest.items.map { $0.track.id?.rawValue ?? "" } == Array(fresh.suffix(5) + fresh.prefix(40)))
            try await h.covering("DELETE /me/library") { try await spotify.removeFromLibrary(Array(uris.suffix(4))) }
            #expect(try await spotify.libraryContains(Array(uris.suffix(5))) == [true, false, false, false, false])
        }
    }

    @Test("a library write without the scope its kind needs says which scope is missing")
    func libraryScopes() async throws {
        try await Harness.run { h in
            let spotify = try await Self.userClient(h, .development, scopes: [.userLibraryModify])
            let artist = SpotifyURI(try ArtistID(h.emulator.catalog.artists[0].id))
            let error = await #expect(throws: SpotifyAPIError.self) { try await spotify.saveToLibrary([artist]) }
            #expect(error?.code == .insufficientScope)
        }
    }

    @Test("the type-specific save, remove and contains endpoints, on extended quota")
    @available(*, deprecated)
    func byType() async throws {
        try await Harness.run { h in
            let spotify = try await Self.userClient(h, .extended)
            let catalog = h.emulator.catalog
            let track = try TrackID(catalog.tracks[7].id)
            try await h.covering("PUT /me/tracks") { try await spotify.saveTracks([track]) }
            #expect(try await h.covering("GET /me/tracks/contains") { try await spotify.savedTracksContain([track]) } == [true])
            try await h.covering("DELETE /me/tracks") { try await spotify.removeSavedTracks([track]) }
            #expect(try await spotify.savedTracksContain([track]) == [false])
            let album = try AlbumID(catalog.albums[9].id)
            try await h.covering("PUT /me/albums") { try await spotify.saveAlbums([album]) }
            #expect(try await h.covering("GET /me/albums/contains") { try await spotify.savedAlbumsContain([album]) } == [true])
            try await h.covering("DELETE /me/albums") { try await spotify.removeSavedAlbums([album]) }
            let episode = try EpisodeID(catalog.spoken.episodes[40].id)
            try await h.covering("PUT /me/episodes") { try await spotify.saveEpisodes([episode]) }
            #expect(try await h.covering("GET /me/episodes/contains") { try await spotify.savedEpisodesContain([episode]) } == [true])
            try await h.covering("DELETE /me/episodes") { try await spotify.removeSavedEpisodes([episode]) }
            let show = try ShowID(catalog.spoken.shows[10].id)
            try await h.covering("PUT /me/shows") { try await spotify.saveShows([show]) }
            #expect(try await h.covering("GET /me/shows/contains") { try await spotify.savedShowsContain([show]) } == [true])
            try await h.covering("DELETE /me/shows") { try await spotify.removeSavedShows([show]) }
            let book = try AudiobookID(catalog.spoken.audiobooks[7].id)
            try await h.covering("PUT /me/audiobooks") { try await spotify.saveAudiobooks([book]) }
            #expect(try await h.covering("GET /me/audiobooks/contains") { try await spotify.savedAudiobooksContain([book]) } == [true])
            try await h.covering("DELETE /me/audiobooks") { try await spotify.removeSavedAudiobooks([book]) }
            #expect(try await spotify.savedAudiobooksContain([book]) == [false])
            // The same calls on a development-mode app fail before sending, naming /me/library.
            let development = try await Self.userClient(h, .development)
            let error = await #expect(throws: SpotifyAPIError.self) { try await development.saveTracks([track]) }
            #expect(error?.code == .unavailableInDevelopmentMode && error?.message?.contains("PUT /me/library") == true)
        }
    }

    @Test("followed artists are cursor paged and walked; follow, unfollow and contains for artists, users and playlists")
    @available(*, deprecated)
    func following() async throws {
        try await Harness.run { h in
            let spotify = try await Self.userClient(h, .extended)
            let catalog = h.emulator.catalog
            let first = try await h.covering("GET /me/following") { try await spotify.followedArtists(limit: 4) }
            #expect(first.items.count == 4 && first.total == 15 && first.next != nil)
            let next = try await spotify.followedArtists(limit: 4, after: first.items.last?.id)
            #expect(Set(next.items.map(\.id)).isDisjoint(with: first.items.map(\.id)))
            let walked = try await spotify.allFollowedArtists().collect()
            #expect(walked.count == 15 && Set(walked.map(\.id)).count == 15)

            let artist = try ArtistID(catalog.artists[310].id)
            try await h.covering("PUT /me/following") { try await spotify.follow(artists: [artist]) }
            #expect(try await h.covering("GET /me/following/contains") { try await spotify.followsArtists([artist]) } == [true])
            #expect(try await spotify.followedArtists(limit: 1).items.first?.id == artist)
            try await h.covering("DELETE /me/following") { try await spotify.unfollow(artists: [artist]) }
            #expect(try await spotify.followsArtists([artist]) == [false])
            try await spotify.follow(users: [try UserID("jonas")])
            #expect(try await spotify.followsUsers([try UserID("jonas"), try UserID("priya")]) == [true, false])

            let playlist = try await spotify.createPlaylist(name: "Shared")
            try await h.covering("PUT /playlists/{playlist_id}/followers") { try await spotify.followPlaylist(playlist.id) }
            let maya = try UserID("maya")
            #expect(
                try await h.covering("GET /playlists/{playlist_id}/followers/contains") {
                    try await spotify.follows(playlist: playlist.id, user: maya)
                })
            try await h.covering("DELETE /playlists/{playlist_id}/followers") { try await spotify.unfollowPlaylist(playlist.id) }
            #expect(try await spotify.follows(playlist: playlist.id, user: maya) == false)
        }
    }
}

@Suite("Development-mode allowlist", .timeLimit(.minutes(3)))
struct AllowListTests {
    @Test("a development-mode app answers only its allow-listed users (403 in plain text, as Spotify); extended mode answers everyone")
    func allowList() async throws {
        try await Harness.run { h in
            let narrow = h.emulator.registerClient(
                clientID: "narrow", clientSecret: "narrow-secret", redirectURIs: [Harness.redirect], allowedUsers: ["maya", "a", "b", "c", "d", "e"])
            #expect(narrow.allowedUsers == ["maya", "a", "b", "c", "d"])  // at most five, as on the dashboard
            func token(as user: String) async throws -> String {
                _ = h.emulator.setAutoApprove(user: user)
                let authorize = try await http(
                    "GET",
                    "\(h.origin)/authorize?"
                        + form([("client_id", "narrow"), ("response_type", "code"), ("redirect_uri", Harness.redirect), ("scope", "")]))
                let answer = try await http(
                    "POST", "\(h.origin)/api/token",
                    headers: [("Content-Type", "application/x-www-form-urlencoded"), basic("narrow", "narrow-secret")],
                    body: form([
                        ("grant_type", "authorization_code"), ("code", authorize.redirectQuery["code"] ?? ""), ("redirect_uri", Harness.redirect),
                    ]))
                return try #require(answer.json["access_token"] as? String)
            }
            h.emulator.setDevMode(true)
            let jonas = try await token(as: "jonas")
            let refused = try await h.get("/me", token: jonas)
            #expect(refused.status == 403 && refused.body == "User not registered in the Developer Dashboard")
            #expect(refused.headers["content-type"]?.hasPrefix("text/plain") == true)
            #expect(try await h.get("/me", token: try await token(as: "maya")).status == 200)
            h.emulator.setDevMode(false)
            #expect(try await h.get("/me", token: jonas).status == 200)
            let tooMany = try await http(
                "POST", h.origin + "/_emulator/clients", headers: [("Content-Type", "application/json")],
                body: #"{"redirect_uris":["http://127.0.0.1:9000/callback"],"allowed_users":["1","2","3","4","5","6"]}"#)
            #expect(tooMany.status == 400)
        }
    }
}
