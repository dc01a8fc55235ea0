import Foundation
import SpotifyWebAPI
import Testing

@testable import SpotifyEmulator

/// The player through the library, against the emulator's player and its clock.
@Suite("Player operations through the library", .timeLimit(.minutes(3)))
struct PlayerOperationsTests {
    static let scopes: [Scope] = [.userReadPlaybackState, .userModifyPlaybackState, .userReadCurrentlyPlaying]

    @Test("with no active device the state is empty and commands fail with NO_ACTIVE_DEVICE; a free user gets PREMIUM_REQUIRED")
    func refusals() async throws {
        try await Harness.run { h in
            let spotify = try await LibraryOperationsTests.userClient(h, .development, scopes: Self.scopes)
            #expect(try await h.covering("GET /me/player") { try await spotify.playbackState() } == nil)
            #expect(try await spotify.currentlyPlaying() == nil)
            let album = SpotifyURI(try AlbumID(h.emulator.catalog.albums[0].id))
            let none = await #expect(throws: SpotifyAPIError.self) { try await spotify.play(context: album) }
            #expect(none?.code == .noActiveDevice && none?.reason == "NO_ACTIVE_DEVICE" && none?.status == 404)

            _ = h.emulator.setAutoApprove(user: "priya")
            let free = try await LibraryOperationsTests.userClient(h, .development, scopes: Self.scopes)
            let premium = await #expect(throws: SpotifyAPIError.self) { try await free.pause() }
            #expect(premium?.code == .premiumRequired && premium?.status == 403)
        }
    }

    @Test("play an album on a device; the position advances with the clock into the next track; skip, seek, pause, repeat, shuffle, volume")
    func playback() async throws {
        try await Harness.run { h in
            let spotify = try await LibraryOperationsTests.userClient(h, .development, scopes: Self.scopes)
            let catalog = h.emulator.catalog
            let devices = try await h.covering("GET /me/player/devices") { try await spotify.availableDevices() }
            let kitchen = try #require(devices.first { $0.type == "Speaker" }?.id)
            #expect(devices.allSatisfy { !$0.isActive })
            let seeded = try #require(catalog.albums.first { $0.trackIndices.count >= 4 })
            let album = SpotifyURI(try AlbumID(seeded.id))
            let played = ContinuousClock.now
            try await h.covering("PUT /me/player/play") { try await spotify.play(context: album, offset: .position(1), deviceID: kitchen) }
            let state = try #require(try await spotify.playbackState())
            #expect(state.device.id == kitchen && state.isPlaying && state.context?.uri == album.description)
            #expect(state.item?.uri == "spotify:track:\(catalog.tracks[seeded.trackIndices[1]].id)")

            // 10 s past the second track's end, the third is playing 10 s in (and the real time
            // the requests took: the emulator's clock runs on, and a loaded machine is slow).
            let second = catalog.tracks[seeded.trackIndices[1]].durationMs
            h.emulator.advanceClock(by: .milliseconds(second + 10_000))
            let later = try #require(try await h.covering("GET /me/player/currently-playing") { try await spotify.currentlyPlaying() })
            #expect(later.item?.uri == "spotify:track:\(catalog.tracks[seeded.trackIndices[2]].id)")
            #expect((10_000...(10_000 + Self.milliseconds(since: played))).contains(later.progressMs ?? 0))

            try await h.covering("POST /me/player/next") { try await spotify.skipToNext() }
            #expect(try await spotify.currentlyPlaying()?.item?.uri == "spotify:track:\(catalog.tracks[seeded.trackIndices[3]].id)")
            try await h.covering("POST /me/player/previous") { try await spotify.skipToPrevious() }
            #expect(try await spotify.currentlyPlaying()?.item?.uri == "spotify:track:\(catalog.tracks[seeded.trackIndices[2]].id)")
            let seeking = ContinuousClock.now
            try await h.covering("PUT /me/player/seek") { try await spotify.seek(toMs: 42_000) }
            try await h.covering("PUT /me/player/pause") { try await spotify.pause() }
            let betweenSeekAndPause = Self.milliseconds(since: seeking)
            h.emulator.advanceClock(by: .seconds(60))
            let paused = try #require(try await spotify.playbackState())
            #expect(!paused.isPlaying && (42_000...(42_000 + betweenSeekAndPause)).contains(paused.progressMs ?? 0))
            try await h.covering("PUT /me/player/repeat") { try await spotify.setRepeat(.context) }
            try await h.covering("PUT /me/player/shuffle") { try await spotify.setShuffle(true) }
            try await h.covering("PUT /me/player/volume") { try await spotify.setVolume(60) }
            let settings = try #require(try await spotify.playbackState())
            #expect(settings.repeatState == "context" && settings.shuffleState == true && settings.device.volumePercent == 60)
            let tooLoud = await #expect(throws: SpotifyAPIError.self) { try await spotify.setVolume(101) }
            #expect(tooLoud?.parameter == "volume_percent")
        }
    }

    @Test("the queue: added items play before the context goes on; transfer moves playback to another device")
    func queueAndTransfer() async throws {
        try await Harness.run { h in
            let spotify = try await LibraryOperationsTests.userClient(h, .development, scopes: Self.scopes)
            let catalog = h.emulator.catalog
            let devices = try await spotify.availableDevices()
            let items = try catalog.tracks[0..<3].map { SpotifyURI(try TrackID($0.id)) }
            try await spotify.play(items: items, deviceID: devices[0].id)
            let episode = SpotifyURI(try EpisodeID(catalog.spoken.episodes[0].id))
            try await h.covering("POST /me/player/queue") { try await spotify.addToQueue(episode) }
            let queue = try await h.covering("GET /me/player/queue") { try await spotify.queue() }
            #expect(queue.currentlyPlaying?.uri == items[0].description)
            #expect(queue.queue.map(\.uri) == [episode.description, items[1].description, items[2].description])
            try await spotify.skipToNext()
            let now = try #require(try await spotify.currentlyPlaying())
            guard case .episode(let playing)? = now.item else {
                Issue.record("expected the queued episode, got \(String(describing: now.item))")
                return
            }
            #expect(playing.show.id.rawValue == catalog.spoken.shows[catalog.spoken.episodes[0].showIndex].id)
            #expect(now.currentlyPlayingType == "episode")

            try await h.covering("PUT /me/player") { try await spotify.transferPlayback(to: devices[1].id ?? "", play: false) }
            let moved = try #require(try await spotify.playbackState())
            #expect(moved.device.id == devices[1].id && !moved.isPlaying)
            let album = SpotifyURI(try AlbumID(catalog.albums[0].id))
            let refused = await #expect(throws: SpotifyAPIError.self) { try await spotify.addToQueue(album) }
            #expect(refused?.parameter == "uri")
        }
    }

    /// Whole milliseconds since `start`, rounded up.
    static func milliseconds(since start: ContinuousClock.Instant) -> Int {
        let elapsed = ContinuousClock.now - start
        return Int(elapsed.components.seconds) * 1000 + Int(elapsed.components.attoseconds / 1_000_000_000_000_000) + 1
    }
}
