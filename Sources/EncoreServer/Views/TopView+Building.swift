import Foundation
import NIOCore
import SpotifyWebAPI

// Building the top-items page from Spotify's answer: its wording, links and rows.

extension TopView {
    /// The rows of a page and the total Spotify reported, as decoded from one answer.
    struct Rows: Sendable {
        var rows: [TopView.Row]
        var total: Int
    }

    /// The page's view model; `csrfToken` goes in the header's logout form and the save form.
    init(_ kind: TopItemsType, timeRange: TimeRange, limit: Int, offset: Int, _ decoded: Rows, csrfToken: String) {
        let rows = decoded.rows, total = decoded.total
        let path = "/top/\(kind.rawValue)"
        func href(range: TimeRange, offset start: Int) -> String {
            var href = "\(path)?time_range=\(range.rawValue)"
            if limit != 20 { href += "&limit=\(limit)" }
            if start > 0 { href += "&offset=\(start)" }
            return href
        }
        let noun = kind == .tracks ? "tracks" : "artists"
        self.init(
            title: "Top \(noun)",
            heading: "Your top \(noun)",
            caption:
                "\(Display.rangeLabel(timeRange)): \(noun) \(rows.isEmpty ? 0 : offset + 1)–\(offset + rows.count) of \(total)",
            chrome: Chrome(csrfToken: csrfToken, onTracks: kind == .tracks, onArtists: kind == .artists),
            tabs: TimeRange.allCases.map {
                NavLink(label: Display.rangeLabel($0), href: href(range: $0, offset: 0), current: $0 == timeRange)
            },
            rows: rows,
            hasRows: !rows.isEmpty,
            isTracks: kind == .tracks,
            imageColumn: kind == .tracks ? "Cover" : "Photo",
            titleColumn: kind == .tracks ? "Title" : "Artist",
            timeRange: timeRange.rawValue,
            csrfToken: csrfToken,
            limit: limit,
            previousHref: offset > 0 ? href(range: timeRange, offset: max(0, offset - limit)) : nil,
            nextHref: offset + rows.count < total && !rows.isEmpty ? href(range: timeRange, offset: offset + limit) : nil
        )
    }
}

extension TopView.Rows {
    /// Decodes Spotify's page into display rows.
    init(_ kind: TopItemsType, offset: Int, from body: ByteBuffer) throws(AppError) {
        let decoder = SpotifyJSON.makeDecoder()
        do {
            switch kind {
            case .tracks:
                let page = try decoder.decode(Page<Track>.self, from: body)
                self.init(rows: page.items.enumerated().map { index, track in TopView.Row(track, rank: offset + index + 1) }, total: page.total)
            case .artists:
                let page = try decoder.decode(Page<Artist>.self, from: body)
                self.init(rows: page.items.enumerated().map { index, artist in TopView.Row(artist, rank: offset + index + 1) }, total: page.total)
            }
        } catch {
            throw AppError.upstream(SpotifyAPIError(code: .decoding, service: .webAPI, message: "the top items were not in the expected shape"))
        }
    }

}

extension TopView.Row {
    init(_ track: Track, rank: Int) {
        let artists = track.artists.map(\.name).joined(separator: ", ")
        self.init(
            rank: rank,
            imageURL: track.album?.images?.bestImage(atLeast: 64)?.url,
            imageAlt: track.album.map { "Cover of \($0.name)" } ?? "",
            title: track.name,
            subtitle: artists.isEmpty ? nil : artists,
            detail: track.album?.name ?? "",
            duration: Display.duration(milliseconds: track.durationMs),
            spotifyURL: Display.spotifyURL(external: track.externalURLs, uri: track.uri, kind: "track", id: track.id?.rawValue)
        )
    }

    init(_ artist: Artist, rank: Int) {
        self.init(
            rank: rank,
            imageURL: artist.images?.bestImage(atLeast: 64)?.url,
            imageAlt: "Photo of \(artist.name)",
            title: artist.name,
            subtitle: nil,
            detail: (artist.genres ?? []).prefix(3).joined(separator: ", "),
            duration: nil,
            spotifyURL: Display.spotifyURL(external: artist.externalURLs, uri: artist.uri, kind: "artist", id: artist.id.rawValue)
        )
    }
}
