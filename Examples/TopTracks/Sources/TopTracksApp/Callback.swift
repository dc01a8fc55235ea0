import Hummingbird
import SpotifyWebAPI

extension TopTracksServer {
    /// Step 4: `/callback` is where Spotify sends the browser back, with `code` and `state` (or
    /// `error`).
    ///
    /// `completeAuthorization` compares `state` with the pending sign-in's in constant time and
    /// only then exchanges the code for tokens, with the client secret and the PKCE verifier. A
    /// callback without a pending sign-in (forged, replayed, or from another browser) is refused
    /// before anything is sent to Spotify.
    func callback(_ request: Request) async throws -> Response {
        guard let id = request.cookies["session"]?.value, let pending = await sessions.finishSignIn(for: id) else {
            throw SpotifyAPIError(code: .stateMismatch, message: "this sign-in was not started here, or was already used")
        }
        let query = request.uri.queryParameters
        let answer = AuthorizationCallback(
            code: query.get("code"), state: query.get("state"), error: query.get("error"))
        let tokens = try await flow.completeAuthorization(answer, pending: pending)
        // The refresh handler: a TokenManager refreshes before expiry, once for all callers. A
        // real app wraps the flow in PersistingRefresher to store each new set before its use.
        await sessions.signIn(id, manager: TokenManager(tokens: tokens, refresher: flow, clock: clock))
        return Response.redirect(to: "/top")
    }
}
