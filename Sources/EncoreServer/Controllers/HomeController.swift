import Foundation
import Hummingbird
import NIOCore
import SpotifyWebAPI

/// The home page: a sign-in button, or the user's profile card, grant expiry and links.
struct HomeController {
    let services: AppServices

    func routes() -> RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("/", use: home)
        return routes
    }

    @Sendable func home(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let session = context.session, let userID = session.record.userID else {
            return services.views.render("home", HomeView())
        }
        do {
            return try await signedInHome(request, session: session, userID: userID)
        } catch AppError.reauthorizationRequired {
            // The grant is gone (revoked, six months old, signed out elsewhere, or sealed under a
            // key no longer configured): the home page is the sign-in page again.
            return services.views.render("home", HomeView(notice: "Your Spotify sign-in has ended. Log in again to carry on."))
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
        let answer = try await services.spotify(userID: userID) {
            try await services.users.cachedAnswer(userID: userID, request: SpotifyRequest(path: "me", endpointName: "GET /me"), bypassCache: bypass)
        }
        // The user's token manager already holds the grant date: no second database read.
        let grantedAt = try await services.spotify(userID: userID) {
            try await services.users.client(userID: userID).authorization.tokens.grantedAt
        }
        let grantEnd = UserTokens.grantLifetimeEnd(from: grantedAt)
        let warning = grantEnd.timeIntervalSince(services.clock.now()) < services.configuration.grantWarning.timeInterval
        // Rendered once per stored profile and grant state; each view puts its CSRF token in.
        let home = try answer.derived.value(where: { (home: RenderedHome) in home.grantEnd == grantEnd && home.warning == warning }) {
            () throws(AppError) -> RenderedHome in
            let profile = try Self.profile(from: answer.body)
            let card = Self.card(profile, grantEnd: grantEnd, warning: warning, csrfToken: ViewRenderer.csrfPlaceholder)
            let view = HomeView(chrome: Chrome(csrfToken: ViewRenderer.csrfPlaceholder), profile: card)
            return RenderedHome(grantEnd: grantEnd, warning: warning, page: services.views.prerender("home", view))
        }
        return ViewRenderer.response(home.page.html(csrfToken: services.csrf.token(forSession: session.id)))
    }

    static func profile(from body: ByteBuffer) throws(AppError) -> CurrentUser {
        do {
            return try SpotifyJSON.makeDecoder().decode(CurrentUser.self, from: body)
        } catch {
            throw AppError.upstream(SpotifyAPIError(code: .decoding, service: .webAPI, message: "the profile was not in the expected shape"))
        }
    }

    static func card(_ profile: CurrentUser, grantEnd: Date, warning: Bool, csrfToken: String) -> ProfileCard {
        let grantMessage =
            warning
            ? "Your Spotify sign-in ends on \(Display.date(grantEnd)) (Spotify ends sign-ins six months after you agree). Sign in again before then to keep using Encore without interruption."
            : "Your Spotify sign-in lasts until \(Display.date(grantEnd)); Spotify ends sign-ins six months after you agree."
        let name = profile.displayName.flatMap { $0.isEmpty ? nil : $0 } ?? profile.id
        var details: [String] = []
        if let followers = profile.followers?.total { details.append("\(followers) follower\(followers == 1 ? "" : "s")") }
        if let product = profile.product { details.append("Spotify \(product.capitalized)") }
        if let country = profile.country { details.append(country) }
        return ProfileCard(
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
