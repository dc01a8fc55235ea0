import Foundation
import Hummingbird
import NIOCore
import SpotifyWebAPI

/// The home page: a sign-in button, or the user's profile card, grant expiry and links.
struct HomeController {
    let spotify: SpotifyAccess
    let pages: Pages
    let clock: any SpotifyClock
    /// How long before a grant's six months end the page warns.
    let grantWarning: Duration

    func routes() -> RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("/", use: home)
        return routes
    }

    @Sendable func home(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let session = context.session, let userID = session.record.userID else {
            return pages.views.render("home", HomeView())
        }
        do {
            return try await signedInHome(request, session: session, userID: userID)
        } catch AppError.reauthorizationRequired, AccessFailure.signedOut {
            // The grant is gone (revoked, six months old, signed out elsewhere, or sealed under a
            // key no longer configured): the home page is the sign-in page again.
            return pages.views.render("home", HomeView(notice: "Your Spotify sign-in has ended. Log in again to carry on."))
        }
    }

    /// The home page as rendered for one grant end and warning state.
    struct RenderedHome: Sendable {
        var grantEnd: Date
        var warning: Bool
        var page: PrerenderedPage
    }

    private func signedInHome(_ request: Request, session: ActiveSession, userID: String) async throws -> Response {
        let bypass = TopItemsController.bypass(request)
        let answer = try await spotify(userID: userID) { users in
            try await users.cachedAnswer(userID: userID, request: .currentUserProfile, bypassCache: bypass)
        }
        // The user's token manager already holds the grant date: no second database read.
        let grantedAt = try await spotify(userID: userID) { users in
            try await users.client(userID: userID).authorization.tokens.grantedAt
        }
        let grantEnd = UserTokens.grantLifetimeEnd(from: grantedAt)
        let warning = grantEnd.timeIntervalSince(clock.now()) < grantWarning.timeInterval
        // Rendered once per stored profile and grant state; each view puts its CSRF token in.
        let home = try answer.derived.value(where: { (home: RenderedHome) in home.grantEnd == grantEnd && home.warning == warning }) {
            () throws(AppError) -> RenderedHome in
            let profile = try CurrentUser.decoded(from: answer.body)
            let card = ProfileCard(profile, grantEnd: grantEnd, warning: warning, csrfToken: ViewRenderer.csrfPlaceholder)
            let view = HomeView(chrome: Chrome(csrfToken: ViewRenderer.csrfPlaceholder), profile: card)
            return RenderedHome(grantEnd: grantEnd, warning: warning, page: pages.views.prerender("home", view))
        }
        return ViewRenderer.response(home.page.html(csrfToken: pages.csrfToken(sessionID: session.id)))
    }
}
