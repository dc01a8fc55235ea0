import Foundation
import Hummingbird
import SpotifyWebAPI

/// "Save as playlist": a private playlist of the user's top tracks.
struct PlaylistController {
    let spotify: SpotifyAccess
    let pages: Pages
    let clock: any SpotifyClock

    func routes() -> RouteCollection<SignedInContext> {
        let routes = RouteCollection(context: SignedInContext.self)
        routes.post("/playlists/from-top", use: createFromTop)
        routes.get("/playlists/:id", use: show)
        return routes
    }

    /// Creates the playlist (`POST /v1/me/playlists`), adds the tracks
    /// (`POST /v1/playlists/{id}/items`) and sends the browser to a page linking it.
    @Sendable func createFromTop(_ request: Request, context: SignedInContext) async throws -> Response {
        let form = try await request.form(SaveTopTracksForm.self, context: context)
        try pages.checkCSRF(token: form.csrfToken, sessionID: context.sessionID, request: request)
        let range: TimeRange
        if let value = form.timeRange {
            guard let parsed = TimeRange(rawValue: value) else {
                throw AppError.badParameter(name: "time_range", message: "must be short_term, medium_term or long_term")
            }
            range = parsed
        } else {
            range = .mediumTerm
        }
        let limit: Int
        if let value = form.limit {
            guard let parsed = Int(value), (1...50).contains(parsed) else {
                throw AppError.badParameter(name: "limit", message: "must be a whole number between 1 and 50")
            }
            limit = parsed
        } else {
            limit = 20
        }
        let userID = context.userID
        let name = "Encore · Top tracks · \(Display.rangeLabel(range)) · \(Display.date(clock.now()))"
        let playlist = try await spotify(userID: userID) { users in
            try await users.client(userID: userID).saveTopTracksAsPlaylist(timeRange: range, limit: limit, name: name) { count in
                "Your \(count) most played tracks (\(Display.rangeLabel(range).lowercased())), saved by Encore."
            }.playlist
        }
        context.logger.info("playlist created", metadata: ["user": .string(spotify.users.vault.pseudonyms(userID))])
        return .redirecting(to: "/playlists/\(playlist.id)?saved=\(Self.savedProof(playlist.id, sessionID: context.sessionID, csrf: pages.csrf))")
    }

    /// Proof that this session created the playlist: an HMAC of the session and the playlist id
    /// under the app's key, so "Saved to Spotify" is never shown for a playlist someone else's
    /// link names, and no state is stored to say so.
    static func savedProof(_ playlistID: PlaylistID, sessionID: String, csrf: CSRFTokens) -> String {
        csrf.token(forSession: sessionID + "\u{0}saved-playlist\u{0}" + playlistID.rawValue)
    }

    /// A page linking a playlist the user just saved.
    @Sendable func show(_ request: Request, context: SignedInContext) async throws -> Response {
        // Only a bare playlist ID can name a page here: not a URI, not a link.
        let text = context.parameters.get("id") ?? ""
        guard !text.contains(":"), let id = try? PlaylistID(text) else { throw AppError.notFound }
        // Only the session that saved it sees "Saved to Spotify" (checked in constant time).
        let proof = (try? QueryReader(request).single("saved")) ?? nil
        guard let proof, SecureCompare.equal(proof, Self.savedProof(id, sessionID: context.sessionID, csrf: pages.csrf)) else {
            throw AppError.notFound
        }
        let playlist = try await spotify(userID: context.userID) { users in
            try await users.client(userID: context.userID).playlist(id: id)
        }
        return pages.views.render("playlist", PlaylistView(playlist, chrome: pages.chrome(sessionID: context.sessionID)))
    }
}
