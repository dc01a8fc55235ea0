import Foundation
import SpotifyWebAPI
import Testing

@testable import SpotifyEmulator

/// Editing playlists through the library, against the emulator.
@Suite("Playlist operations through the library", .timeLimit(.minutes(3)))
struct PlaylistOperationsTests {
    static let scopes: [Scope] = [.playlistReadPrivate, .playlistModifyPrivate, .playlistModifyPublic, .ugcImageUpload, .userLibraryModify]

    func tracks(_ h: Harness, _ range: Range<Int>) throws -> [SpotifyURI] {
        try h.emulator.catalog.tracks[range].map { SpotifyURI(try TrackID($0.id)) }
    }

    @Test("details change, items reorder, get replaced past 100 and removed; the playlist lists and walks")
    func editing() async throws {
        try await Harness.run { h in
            let spotify = try await LibraryOperationsTests.userClient(h, .development, scopes: Self.scopes)
            let playlist = try await spotify.createPlaylist(name: "Draft")
            try await h.covering("PUT /playlists/{playlist_id}") {
                try await spotify.changePlaylistDetails(playlist.id, name: "Final", description: "Edited")
            }
            let renamed = try await spotify.playlist(id: playlist.id)
            #expect(renamed.name == "Final" && renamed.description == "Edited" && renamed.isPublic == false)

            let five = try tracks(h, 0..<5)
            try await spotify.addItems(five, to: playlist.id)
            try await h.covering("PUT /playlists/{playlist_id}/items") {
                try await spotify.reorderPlaylistItems(playlist.id, rangeStart: 0, insertBefore: 5, rangeLength: 2)
            }
            let order = try await spotify.playlistItems(id: playlist.id).items.compactMap { $0.track?.uri }
            #expect(order == ([2, 3, 4, 0, 1].map { five[$0].description }))

            let many = try tracks(h, 10..<160)
            try await spotify.replacePlaylistItems(playlist.id, with: many)
            let walked = try await spotify.allPlaylistItems(id: playlist.id).collect()
            #expect(walked.compactMap { $0.track?.uri } == many.map(\.description))
            try await h.covering("DELETE /playlists/{playlist_id}/items") {
                try await spotify.removePlaylistItems(Array(many.prefix(120)), from: playlist.id)
            }
            #expect(try await spotify.playlistItems(id: playlist.id).total == 30)

            let mine = try await h.covering("GET /me/playlists") { try await spotify.currentUserPlaylists() }
            #expect(mine.items.contains { $0.id == playlist.id && $0.items?.total == 30 && $0.items?.items == nil })
            #expect(try await spotify.allCurrentUserPlaylists().collect().count == mine.total)
        }
    }

    @Test("a cover is uploaded as base64 JPEG and then listed; a non-JPEG or oversized one is refused before sending")
    func cover() async throws {
        try await Harness.run { h in
            let spotify = try await LibraryOperationsTests.userClient(h, .development, scopes: Self.scopes)
            let playlist = try await spotify.createPlaylist(name: "Covered")
            #expect(try await h.covering("GET /playlists/{playlist_id}/images") { try await spotify.playlistCoverImages(playlist.id) }.isEmpty)
            let jpeg = Data([0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: 0x11, count: 2_000))
            try await h.covering("PUT /playlists/{playlist_id}/images") { try await spotify.uploadPlaylistCover(playlist.id, jpeg: jpeg) }
            let images = try await spotify.playlistCoverImages(playlist.id)
            #expect(images.count == 1 && images[0].width == nil)
            let png = await #expect(throws: SpotifyAPIError.self) { try await spotify.uploadPlaylistCover(playlist.id, jpeg: Data([0x89, 0x50])) }
            #expect(png?.parameter == "image")
            let huge = Data([0xFF, 0xD8] + Array(repeating: 0, count: 200_000))
            let tooBig = await #expect(throws: SpotifyAPIError.self) { try await spotify.uploadPlaylistCover(playlist.id, jpeg: huge) }
            #expect(tooBig?.message?.contains("256 KB") == true)
        }
    }

    @Test("the /tracks endpoints and other users' profiles and playlists, on extended quota; refused before sending in development mode")
    @available(*, deprecated)
    func legacy() async throws {
        try await Harness.run { h in
            let spotify = try await LibraryOperationsTests.userClient(h, .extended, scopes: Self.scopes)
            let maya = try UserID("maya")
            let playlist = try await h.covering("POST /users/{user_id}/playlists") {
                try await spotify.createPlaylist(for: maya, name: "Old way", isPublic: true)
            }
            let three = try tracks(h, 20..<23)
            try await h.covering("POST /playlists/{playlist_id}/tracks") { try await spotify.addTracks(three, to: playlist.id) }
            try await h.covering("PUT /playlists/{playlist_id}/tracks") { try await spotify.replaceTracks(playlist.id, with: three.reversed()) }
            try await h.covering("DELETE /playlists/{playlist_id}/tracks") { try await spotify.removeTracks([three[1]], from: playlist.id) }
            let page = try await h.covering("GET /playlists/{playlist_id}/tracks") { try await spotify.playlistTracks(id: playlist.id) }
            #expect(page.items.compactMap { $0.track?.uri } == [three[2].description, three[0].description])
            let profile = try await h.covering("GET /users/{user_id}") { try await spotify.userProfile(id: try UserID("jonas")) }
            #expect(profile.displayName == "Jonas Lindqvist" && profile.followers != nil)
            let theirs = try await h.covering("GET /users/{user_id}/playlists") { try await spotify.userPlaylists(id: maya) }
            // The new one beside the two public playlists maya starts with.
            #expect(theirs.items.count == 3 && theirs.items.map(\.id).contains(playlist.id))
            #expect(
                try await spotify.allPlaylistTracks(id: playlist.id).collect().compactMap { $0.track?.uri } == page.items.compactMap { $0.track?.uri }
            )
            #expect(try await spotify.allUserPlaylists(id: maya).collect().map(\.id) == theirs.items.map(\.id))

            let development = try await LibraryOperationsTests.userClient(h, .development, scopes: Self.scopes)
            let error = await #expect(throws: SpotifyAPIError.self) { try await development.addTracks(three, to: playlist.id) }
            #expect(error?.message?.contains("POST /playlists/{playlist_id}/items") == true)
        }
    }
}
