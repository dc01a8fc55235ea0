import Hummingbird
import SpotifyWebAPI

extension TopTracksServer {
    /// Step 3: `/login` starts a sign-in and sends the browser to Spotify's consent page.
    ///
    /// `startAuthorization()` makes a fresh random `state` and PKCE verifier; the pending sign-in
    /// stays on the server under a new session cookie.
    func login() async -> Response {
        let id = sessions.newID()
        let pending = flow.startAuthorization()
        await sessions.startSignIn(pending, for: id)
        var response = Response.redirect(to: pending.authorizeURL.absoluteString)
        response.setCookie(Cookie(name: "session", value: id, path: "/", httpOnly: true, sameSite: .lax))
        return response
    }
}
