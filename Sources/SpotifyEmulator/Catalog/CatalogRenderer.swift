import Synchronization

/// Spotify's JSON for every catalog object, in both shapes: full (extended quota) and
/// development mode (February 2026 removals).
///
/// Each object is written once per seed as a template split where the emulator's origin goes,
/// so emulators on different ports share the work and a response only joins the parts.
final class RenderedCatalog: Sendable {
    /// Stands where the origin goes: a private-use character no catalog name contains.
    static let originMark = "\u{E000}"
    private static let cache = Mutex<[UInt64: RenderedCatalog]>([:])

    let catalog: Catalog
    let tracksFull: [[String]]
    let tracksDev: [[String]]
    let artistsFull: [[String]]
    let artistsDev: [[String]]
    let albumsFull: [[String]]
    let albumsDev: [[String]]
    let simplifiedTracksFull: [[String]]
    let simplifiedTracksDev: [[String]]

    /// The rendering for a seed, made once per process.
    static func shared(seed: UInt64) -> RenderedCatalog {
        if let cached = cache.withLock({ $0[seed] }) { return cached }
        let rendered = RenderedCatalog(catalog: Catalog(seed: seed))
        return cache.withLock { cache in
            if let existing = cache[seed] { return existing }
            cache[seed] = rendered
            return rendered
        }
    }

    private init(catalog: Catalog) {
        self.catalog = catalog
        let shapes = Shapes(catalog: catalog, origin: Self.originMark)
        tracksFull = catalog.tracks.indices.map { shapes.track($0, devMode: false) }
        tracksDev = catalog.tracks.indices.map { shapes.track($0, devMode: true) }
        artistsFull = catalog.artists.indices.map { shapes.artist($0, devMode: false) }
        artistsDev = catalog.artists.indices.map { shapes.artist($0, devMode: true) }
        albumsFull = catalog.albums.indices.map { Self.template(shapes.album($0, devMode: false).serialized) }
        albumsDev = catalog.albums.indices.map { Self.template(shapes.album($0, devMode: true).serialized) }
        simplifiedTracksFull = catalog.tracks.indices.map { Self.template(shapes.track($0, devMode: false, withAlbum: false).serialized) }
        simplifiedTracksDev = catalog.tracks.indices.map { Self.template(shapes.track($0, devMode: true, withAlbum: false).serialized) }
    }

    /// Spotify's JSON shapes of catalog objects, with `origin` where the emulator's origin goes.
    private struct Shapes {
        let catalog: Catalog
        let origin: String
        var apiBase: String { origin + "/v1" }

        func simplifiedArtist(_ index: Int) -> JSONValue {
            let artist = catalog.artists[index]
            return .object([
                ("external_urls", .object([("spotify", .string("https://open.spotify.com/artist/\(artist.id)"))])),
                ("href", .string("\(apiBase)/artists/\(artist.id)")),
                ("id", .string(artist.id)),
                ("name", .string(artist.name)),
                ("type", "artist"),
                ("uri", .string("spotify:artist:\(artist.id)")),
            ])
        }
        func images(_ key: String) -> JSONValue {
            .array(
                [640, 300, 64].map { size in
                    .object([("height", .int(size)), ("url", .string("\(origin)/image/\(key)-\(size)")), ("width", .int(size))])
                })
        }
        func album(_ index: Int, devMode: Bool) -> JSONValue {
            let album = catalog.albums[index]
            var fields: [(String, JSONValue)] = [
                ("album_type", .string(album.albumType)),
                ("artists", .array(album.artistIndices.map(simplifiedArtist))),
            ]
            if !devMode { fields.append(("available_markets", .array(Catalog.markets.map(JSONValue.string)))) }
            fields += [
                ("external_urls", .object([("spotify", .string("https://open.spotify.com/album/\(album.id)"))])),
                ("href", .string("\(apiBase)/albums/\(album.id)")),
                ("id", .string(album.id)),
                ("images", images("album-\(album.id)")),
                ("name", .string(album.name)),
                ("release_date", .string(album.releaseDate)),
                ("release_date_precision", "day"),
                ("total_tracks", .int(album.trackIndices.count)),
                ("type", "album"),
                ("uri", .string("spotify:album:\(album.id)")),
            ]
            return .object(fields)
        }
        func track(_ index: Int, devMode: Bool) -> [String] {
            RenderedCatalog.template(track(index, devMode: devMode, withAlbum: true).serialized)
        }
        /// A track; without its album, the simplified track object of an album's track list.
        func track(_ index: Int, devMode: Bool, withAlbum: Bool) -> JSONValue {
            let track = catalog.tracks[index]
            var fields: [(String, JSONValue)] = withAlbum ? [("album", album(track.albumIndex, devMode: devMode))] : []
            fields.append(("artists", .array(track.artistIndices.map(simplifiedArtist))))
            if !devMode { fields.append(("available_markets", .array(Catalog.markets.map(JSONValue.string)))) }
            fields += [
                ("disc_number", 1),
                ("duration_ms", .int(track.durationMs)),
                ("explicit", .bool(track.explicit)),
                ("external_ids", .object([("isrc", .string(track.isrc))])),
                ("external_urls", .object([("spotify", .string("https://open.spotify.com/track/\(track.id)"))])),
                ("href", .string("\(apiBase)/tracks/\(track.id)")),
                ("id", .string(track.id)),
                ("is_local", false),
                ("name", .string(track.name)),
            ]
            if !devMode { fields.append(("popularity", .int(track.popularity))) }
            fields += [
                ("preview_url", .null),
                ("track_number", .int(track.trackNumber)),
                ("type", "track"),
                ("uri", .string("spotify:track:\(track.id)")),
            ]
            if !withAlbum { fields.removeAll { $0.0 == "external_ids" || $0.0 == "popularity" } }
            return .object(fields)
        }
        func artist(_ index: Int, devMode: Bool) -> [String] {
            let artist = catalog.artists[index]
            var fields: [(String, JSONValue)] = [
                ("external_urls", .object([("spotify", .string("https://open.spotify.com/artist/\(artist.id)"))]))
            ]
            if !devMode { fields.append(("followers", .object([("href", .null), ("total", .int(artist.followers))]))) }
            fields += [
                ("genres", .array(artist.genres.map(JSONValue.string))),
                ("href", .string("\(apiBase)/artists/\(artist.id)")),
                ("id", .string(artist.id)),
                ("images", images("artist-\(artist.id)")),
                ("name", .string(artist.name)),
            ]
            if !devMode { fields.append(("popularity", .int(artist.popularity))) }
            fields += [("type", "artist"), ("uri", .string("spotify:artist:\(artist.id)"))]
            return RenderedCatalog.template(JSONValue.object(fields).serialized)
        }
    }

    /// Splits written JSON where the origin goes.
    private static func template(_ json: String) -> [String] {
        json.split(separator: Character(originMark), omittingEmptySubsequences: false).map(String.init)
    }

    /// A track's JSON for an emulator at `origin`.
    func track(_ index: Int, devMode: Bool, origin: String) -> String {
        (devMode ? tracksDev[index] : tracksFull[index]).joined(separator: origin)
    }

    /// A simplified album's JSON (as in a track or a search result).
    func simplifiedAlbum(_ index: Int, devMode: Bool, origin: String) -> String {
        (devMode ? albumsDev[index] : albumsFull[index]).joined(separator: origin)
    }

    /// A track of an album's track list: the track without its album.
    func simplifiedTrack(_ index: Int, devMode: Bool, origin: String) -> String {
        (devMode ? simplifiedTracksDev[index] : simplifiedTracksFull[index]).joined(separator: origin)
    }

    /// An artist's JSON for an emulator at `origin`.
    func artist(_ index: Int, devMode: Bool, origin: String) -> String {
        (devMode ? artistsDev[index] : artistsFull[index]).joined(separator: origin)
    }

    /// The user object for `GET /me`, with the fields the granted scopes and the mode allow.
    func user(_ user: Catalog.User, scopes: Set<String>, devMode: Bool, origin: String) -> String {
        let apiBase = origin + "/v1"
        var fields: [(String, JSONValue)] = [("account_id", .string(user.accountID))]
        let privateScope = scopes.contains("user-read-private") && !devMode
        let emailScope = scopes.contains("user-read-email") && !devMode
        if privateScope { fields.append(("country", .string(user.country))) }
        fields.append(("display_name", .string(user.displayName)))
        if emailScope { fields.append(("email", .string(user.email))) }
        if privateScope {
            fields.append(("explicit_content", .object([("filter_enabled", false), ("filter_locked", false)])))
        }
        fields.append(("external_urls", .object([("spotify", .string("https://open.spotify.com/user/\(user.id)"))])))
        if !devMode { fields.append(("followers", .object([("href", .null), ("total", .int(user.followers))]))) }
        fields += [
            ("href", .string("\(apiBase)/users/\(user.id)")),
            ("id", .string(user.id)),
            (
                "images",
                .array(
                    [300, 64].map { size in
                        .object([("height", .int(size)), ("url", .string("\(origin)/image/user-\(user.id)-\(size)")), ("width", .int(size))])
                    })
            ),
        ]
        if privateScope { fields.append(("product", .string(user.product))) }
        fields += [("type", "user"), ("uri", .string("spotify:user:\(user.id)"))]
        return JSONValue.object(fields).serialized
    }

    /// The public user object used as a playlist's owner.
    func owner(_ user: Catalog.User, origin: String) -> JSONValue {
        let apiBase = origin + "/v1"
        return .object([
            ("display_name", .string(user.displayName)),
            ("external_urls", .object([("spotify", .string("https://open.spotify.com/user/\(user.id)"))])),
            ("href", .string("\(apiBase)/users/\(user.id)")),
            ("id", .string(user.id)),
            ("type", "user"),
            ("uri", .string("spotify:user:\(user.id)")),
        ])
    }
}
