import Foundation
import Testing

@testable import SpotifyWebAPI

@Suite("Decoding Spotify's payloads")
struct ModelDecodingTests {
    let decoder = SpotifyJSON.makeDecoder()

    @Test("a full track decodes every field")
    func fullTrack() throws {
        let track = try decoder.decode(Track.self, from: Fixture.data("track.full"))
        #expect(track.name == "Teeth")
        #expect(track.id?.rawValue == "26wLOs3ZuHJa2Ihhx6QIE6")
        #expect(track.durationMs == 204887)
        #expect(track.popularity == 78)
        #expect(track.externalIDs?["isrc"] == "USUG11902528")
        #expect(track.album?.name == "13 Reasons Why (Season 3)")
        #expect(track.album?.images?.count == 3)
        #expect(track.artists.map(\.name) == ["5 Seconds of Summer"])
        #expect(track.availableMarkets?.isEmpty == false)
    }

    @Test("a development-mode track without popularity and markets decodes")
    func devModeTrack() throws {
        let track = try decoder.decode(Track.self, from: Fixture.data("track.devmode-2026"))
        #expect(track.name == "Teeth")
        #expect(track.popularity == nil)
        #expect(track.availableMarkets == nil)
        #expect(track.album?.availableMarkets == nil)
        #expect(track.previewURL == nil)
    }

    @Test("artists decode with and without followers and popularity")
    func artists() throws {
        let full = try decoder.decode(Artist.self, from: Fixture.data("artist.full"))
        let dev = try decoder.decode(Artist.self, from: Fixture.data("artist.devmode-2026"))
        #expect(full.name == "Band of Horses")
        #expect(full.followers != nil)
        #expect(full.popularity != nil)
        #expect(dev.name == full.name)
        #expect(dev.followers == nil)
        #expect(dev.popularity == nil)
    }

    @Test(
        "the current user decodes in every shape, keyed by account_id when present",
        arguments: [
            "user-private.full", "user-private.devmode-2026", "user-private.no-private-scopes-pre2026",
        ])
    func users(fixture: String) throws {
        let user = try decoder.decode(CurrentUser.self, from: Fixture.data(fixture))
        #expect(user.id.rawValue == "wizzler")
        #expect(user.stableID == (user.accountID ?? "wizzler"))
        if fixture == "user-private.full" {
            #expect(user.email == "root@spotify.com")
            #expect(user.product == "premium")
            #expect(user.accountID == "aB3dE5fG7h")
        } else {
            #expect(user.email == nil)
            #expect(user.product == nil)
        }
    }

    @Test(
        "top-item pages decode with all seven paging fields",
        arguments: [
            "top-tracks-page.full", "top-tracks-page.devmode-2026", "top-tracks-page.last-page",
        ])
    func topTracksPages(fixture: String) throws {
        let page = try decoder.decode(Page<Track>.self, from: Fixture.data(fixture))
        #expect(!page.items.isEmpty)
        #expect(page.href.contains("/me/top/tracks"))
        #expect(page.limit > 0 && page.items.count <= page.limit)
        if fixture == "top-tracks-page.last-page" {
            #expect(page.next == nil)
            #expect(page.previous != nil)
            #expect(page.total == 41)
        }
    }

    @Test("top artists, saved tracks and recently played decode")
    func otherPages() throws {
        let artists = try decoder.decode(Page<Artist>.self, from: Fixture.data("top-artists-page.full"))
        #expect(!artists.items.isEmpty)
        let saved = try decoder.decode(Page<SavedTrack>.self, from: Fixture.data("saved-tracks-page"))
        #expect(!saved.items.isEmpty)
        #expect(saved.items[0].addedAt.timeIntervalSince1970 > 0)
        let recent = try decoder.decode(CursorPage<PlayHistory>.self, from: Fixture.data("recently-played-page"))
        #expect(!recent.items.isEmpty)
        #expect(recent.cursors?.before != nil)
    }

    @Test("null items are dropped and unknown fields ignored")
    func nullItemsAndUnknownFields() throws {
        let track = try Fixture.string("track.devmode-2026")
        let json = """
            {"href":"https://api.test/v1/me/tracks","limit":3,"next":null,"offset":0,"previous":null,"total":3,
             "brand_new_field":{"x":1},
             "items":[null, {"added_at":"2026-01-02T03:04:05Z","track":\(track),"extra":true}, null]}
            """
        let page = try decoder.decode(Page<SavedTrack>.self, from: Data(json.utf8))
        #expect(page.items.count == 1)
        #expect(page.items[0].track.name == "Teeth")
    }

    @Test("played_at with milliseconds decodes")
    func fractionalDates() throws {
        let date = try #require(SpotifyJSON.parseDate("2016-12-13T20:44:04.589Z"))
        #expect(abs(date.timeIntervalSince1970 - 1481661844.589) < 0.001)
        #expect(SpotifyJSON.parseDate("2016-12-13T20:44:04Z") != nil)
        #expect(SpotifyJSON.parseDate("yesterday") == nil)
    }

    @Test("playlists decode from the 2026 items field and the older tracks field")
    func playlists() throws {
        let track = try Fixture.string("track.devmode-2026")
        for key in ["items", "tracks"] {
            let entryKey = key == "items" ? "item" : "track"
            let json = """
                {"id":"p1","name":"Mine","public":false,"collaborative":false,"uri":"spotify:playlist:p1","snapshot_id":"s1",
                 "owner":{"id":"wizzler","display_name":"JM"},
                 "\(key)":{"href":"x","total":2,"items":[{"added_at":"2026-01-02T03:04:05Z","is_local":false,"\(entryKey)":\(track)}, null]}}
                """
            let playlist = try decoder.decode(Playlist.self, from: Data(json.utf8))
            #expect(playlist.items?.total == 2)
            #expect(playlist.items?.items?.first?.track?.name == "Teeth")
            #expect(playlist.isPublic == false)
        }
    }

    @Test(
        "token bodies decode, refresh_token present or not",
        arguments: [
            ("token.authorization-code", true), ("token.refresh-no-new-refresh-token", false), ("token.refresh-with-new-refresh-token", true),
            ("token.client-credentials", false),
        ])
    func tokens(fixture: String, hasRefreshToken: Bool) throws {
        let response = try JSONDecoder().decode(TokenResponse.self, from: Fixture.data(fixture))
        #expect(response.expiresIn == 3600)
        #expect((response.refreshToken != nil) == hasRefreshToken)
    }
}

/// Real answers captured by spotify-web-api-java for its own tests (see Fixtures/README.md):
/// older than the 2026 shapes, so they also prove the models take what Spotify used to send.
@Suite("Decoding captured answers of every object kind")
struct CapturedAnswerTests {
    let decoder = SpotifyJSON.makeDecoder()

    @Test("an album with its first page of tracks; a missing total_tracks falls back to the page's total")
    func album() throws {
        let album = try decoder.decode(Album.self, from: Fixture.data("album.full"))
        #expect(album.id == AlbumID(trusted: "0sNOF9WDwhWunNAHPD3Baj"))
        #expect(album.name == "She's So Unusual")
        #expect(album.releaseDatePrecision == "year")
        #expect(album.totalTracks == 13)
        #expect(album.tracks.items.first?.name == "Money Changes Everything")
        #expect(album.copyrights?.first?.type == "P")
        #expect(album.externalIDs?["upc"] == "5099749994324")
    }

    @Test("a show with its episodes, an episode with its show")
    func showAndEpisode() throws {
        let show = try decoder.decode(Show.self, from: Fixture.data("show.full"))
        #expect(show.name == "Acht Milliarden – Der Auslands-Podcast")
        #expect(show.publisher == "DER SPIEGEL")
        #expect(show.episodes.total == 1)
        let episode = try decoder.decode(Episode.self, from: Fixture.data("episode.full"))
        #expect(episode.durationMs == 8_052_140)
        #expect(episode.show.name == "The Giant Beastcast")
        #expect(episode.resumePoint?.resumePositionMs == 3_576_000)
        #expect(episode.releaseDate == "2015-05-22")
    }

    @Test("an audiobook with authors, narrators and chapters; a chapter with its audiobook")
    func audiobookAndChapter() throws {
        let book = try decoder.decode(Audiobook.self, from: Fixture.data("audiobook.full"))
        #expect(book.name == "Moby-Dick")
        #expect(book.authors?.map(\.name) == ["Herman Melville"])
        #expect(book.narrators?.map(\.name) == ["Frank Muller"])
        #expect(book.totalChapters == 135)
        #expect(book.chapters.total == 135)
        let chapter = try decoder.decode(Chapter.self, from: Fixture.data("chapter.full"))
        #expect(chapter.chapterNumber == 1)
        #expect(chapter.audiobook.name == "Moby-Dick")
        #expect(chapter.resumePoint?.fullyPlayed == false)
    }

    @Test("playback state and currently playing, with a track and with an episode")
    func player() throws {
        let track = try decoder.decode(PlaybackState.self, from: Fixture.data("playback-state.track"))
        #expect(track.device.name == "My fridge")
        #expect(track.device.volumePercent == 100)
        #expect(track.repeatState == "off")
        #expect(track.playing.progressMs == 69_937)
        guard case .track(let playing) = track.playing.item else {
            Issue.record("expected a track, got \(String(describing: track.playing.item))")
            return
        }
        #expect(playing.name == "Dancing Queen")

        let episode = try decoder.decode(PlaybackState.self, from: Fixture.data("playback-state.episode"))
        guard case .episode(let show) = episode.playing.item else {
            Issue.record("expected an episode, got \(String(describing: episode.playing.item))")
            return
        }
        #expect(show.name.hasPrefix("The Giant Beastcast"))
        #expect(episode.playing.context?.type == "show")

        let paused = try decoder.decode(CurrentlyPlaying.self, from: Fixture.data("currently-playing.track"))
        #expect(paused.isPlaying == false)
        #expect(paused.item?.uri.hasPrefix("spotify:track:") == true)
        let listening = try decoder.decode(CurrentlyPlaying.self, from: Fixture.data("currently-playing.episode"))
        #expect(listening.currentlyPlayingType == "episode")
        #expect(listening.item?.uri.hasPrefix("spotify:episode:") == true)
    }

    @Test("the queue mixes tracks and episodes; devices")
    func queueAndDevices() throws {
        let queue = try decoder.decode(Queue.self, from: Fixture.data("queue"))
        #expect(queue.queue.count == 20)
        #expect(queue.currentlyPlaying?.uri.hasPrefix("spotify:track:") == true)
        #expect(queue.queue.first?.uri.hasPrefix("spotify:episode:") == true)
        #expect(queue.queue.dropFirst().first?.uri.hasPrefix("spotify:track:") == true)
        let devices = try decoder.decode([String: [Device]].self, from: Fixture.data("devices"))["devices"] ?? []
        #expect(devices.map(\.name) == ["My fridge", "My Smartphone"])
        #expect(devices.map(\.supportsVolume) == [true, false])
    }

    @Test("audio features and a whole audio analysis: meta, track, segments")
    func audio() throws {
        let features = try decoder.decode(AudioFeatures.self, from: Fixture.data("audio-features"))
        #expect(features.tempo == 98.002)
        #expect(features.timeSignature == 4)
        let analysis = try decoder.decode(AudioAnalysis.self, from: Fixture.data("audio-analysis"))
        #expect(analysis.meta?.analyzerVersion == "4.0.0")
        #expect(analysis.meta?.statusCode == 0)
        #expect(analysis.track?.numSamples != nil)
        #expect(analysis.track?.tempo != nil)
        #expect(analysis.segments.count == 1)
        #expect(analysis.segments.first?.pitches.count == 12)
        #expect(analysis.segments.first?.timbre.count == 12)
        #expect(analysis.segments.first?.loudnessMax == -18.121)
        #expect(analysis.sections.first?.timeSignature == 4)
    }

    @Test("new releases and categories")
    func browse() throws {
        let releases = try decoder.decode([String: Page<SimplifiedAlbum>].self, from: Fixture.data("new-releases"))["albums"]
        #expect(releases?.total == 500)
        #expect(releases?.items.first?.name == "Runnin'")
        let categories = try decoder.decode([String: Page<Category>].self, from: Fixture.data("categories"))["categories"]
        #expect(categories?.items.map(\.name) == ["Top Lists", "Mood", "Party", "Pop", "Workout"])
    }
}
