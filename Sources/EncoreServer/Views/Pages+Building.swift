import Foundation
import NIOCore
import SpotifyWebAPI

// Building the home page's profile card (its wording about the grant, and the details shown)
// and the saved-playlist page.

extension CurrentUser {
    /// The profile in a stored answer of `GET /me`.
    static func decoded(from body: ByteBuffer) throws(AppError) -> CurrentUser {
        do {
            return try SpotifyJSON.makeDecoder().decode(CurrentUser.self, from: body)
        } catch {
            throw AppError.upstream(SpotifyAPIError(code: .decoding, service: .webAPI, message: "the profile was not in the expected shape"))
        }
    }

}

extension ProfileCard {
    /// The card on the home page: who is signed in, and when their six-month grant ends.
    init(_ profile: CurrentUser, grantEnd: Date, warning: Bool, csrfToken: String) {
        let grantMessage =
            warning
            ? "Your Spotify sign-in ends on \(Display.date(grantEnd)) (Spotify ends sign-ins six months after you agree). Sign in again before then to keep using Encore without interruption."
            : "Your Spotify sign-in lasts until \(Display.date(grantEnd)); Spotify ends sign-ins six months after you agree."
        let name = profile.displayName.flatMap { $0.isEmpty ? nil : $0 } ?? profile.id.rawValue
        var details: [String] = []
        if let followers = profile.followers?.total { details.append("\(followers) follower\(followers == 1 ? "" : "s")") }
        if let product = profile.product { details.append("Spotify \(product.capitalized)") }
        if let country = profile.country { details.append(country) }
        self.init(
            displayName: name,
            initial: String(name.first.map { String($0).uppercased() } ?? "?"),
            avatarURL: profile.images?.bestImage(atLeast: 96)?.url,
            details: details.isEmpty ? nil : details.joined(separator: " · "),
            profileURL: Display.webLink(profile.externalURLs?.spotify),
            grantMessage: grantMessage,
            grantWarning: warning,
            grantRole: warning ? "alert" : "status",
            csrfToken: csrfToken,
            ranges: Display.ranges(selected: .mediumTerm)
        )
    }
}

extension PlaylistView {
    /// The page for a playlist the user just saved: its name, size and link.
    init(_ playlist: Playlist, chrome: Chrome) {
        let count = playlist.items?.total ?? 0
        self.init(
            chrome: chrome,
            name: playlist.name,
            trackCount: "\(count) track\(count == 1 ? "" : "s")",
            spotifyURL: Display.spotifyURL(external: playlist.externalURLs, uri: playlist.uri, kind: "playlist", id: playlist.id.rawValue)
        )
    }
}
