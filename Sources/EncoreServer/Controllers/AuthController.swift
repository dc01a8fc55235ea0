import Foundation
import HTTPTypes
import Hummingbird
import Logging
import SpotifyWebAPI

/// Sign-in with Spotify (`/login`, `/callback`) and sign-out (`/logout`).
struct AuthController {
    /// What sign-in and sign-out use, and nothing else.
    struct Dependencies: Sendable {
        let users: SpotifyUsers
        let store: any EncoreStore
        let history: HistoryStore
        let cookies: SessionCookies
        let cipher: TokenCipher
        let pages: Pages
        let clock: any SpotifyClock
        let metrics: AppMetrics
        let signInLifetime: Duration
        let sessionLifetime: Duration
    }

    let services: Dependencies

    func routes() -> RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("/login", use: login)
        routes.get("/callback", use: callback)
        routes.post("/logout", use: logout)
        return routes
    }

    /// Starts a sign-in: a fresh `state` and PKCE verifier, sealed into this browser's cookie
    /// (nothing is stored), then a 302 to Spotify's consent page.
    ///
    /// `scope=` (space-separated) asks for more than the configured scopes, keeping those the
    /// signed-in person already granted: how a feature asks for a permission when it first needs it.
    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = QueryReader(request)
        let returnTo = ReturnPath.validated(try? query.single("next"))
        let now = services.clock.now()
        let started: PendingAuthorization
        if let extra = try query.single("scope") {
            let scopes = Scope.parseList(extra)
            guard !scopes.isEmpty, scopes.isSubset(of: Scope.all) else {
                throw AppError.badParameter(name: "scope", message: "must name Spotify scopes such as user-read-recently-played")
            }
            var granted: Set<Scope> = []
            if let userID = context.session?.record.userID, let client = try? await services.users.client(userID: userID) {
                granted = await client.authorization.grantedScopes ?? []
            }
            started = services.users.flow.startAuthorization(adding: scopes.sorted { $0.rawValue < $1.rawValue }, to: granted)
        } else {
            started = services.users.flow.startAuthorization(redirectURI: nil, scopes: nil, showDialog: false)
        }
        var pending = PendingSignIns.opening(context.pendingSignIns, cipher: services.cipher) ?? PendingSignIns()
        pending.removeStarted(atOrBefore: now.addingTimeInterval(-signInLifetime.timeInterval))
        pending.add(
            PendingSignIn(
                stateDigest: Identifiers.digest(started.state.rawValue), verifier: started.codeVerifier.rawValue,
                redirectURI: started.redirectURI, returnTo: returnTo, startedAt: now.unixSeconds
            ))
        let sealed = try pending.sealed(cipher: services.cipher)
        var response = Response.redirecting(to: started.authorizeURL.absoluteString, status: .found)
        response.setCookie(services.cookies.issue(id: context.session?.id, pending: sealed))
        return response
    }

    /// Finishes a sign-in. The `state` must be one this browser's cookie carries, under ten
    /// minutes old and not used before; otherwise nothing is sent to Spotify.
    @Sendable func callback(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = QueryReader(request)
        if let error = try? query.single("error") {
            // The sign-in under way stays in the cookie until it expires; it can do no harm.
            services.metrics.signIn(outcome: error == "access_denied" ? "denied" : "error")
            throw error == "access_denied"
                ? AppError.accessDenied
                : AppError.upstream(SpotifyAPIError(code: .accessDenied, service: .accounts, reason: String(error.prefix(64))))
        }
        let now = services.clock.now()
        let (entry, underWay) = try await acceptedSignIn(state: try? query.single("state"), context: context, now: now)
        guard let code = try? query.single("code"), !code.isEmpty, code.utf8.count <= 2048 else {
            throw AppError.badParameter(name: "code", message: "is missing from Spotify's answer")
        }
        guard try await services.store.useSignInState(digest: entry.stateDigest, expiresAt: expiry(of: entry)) else {
            throw rejected(.unknownOrUsed)
        }
        let (tokens, profile) = try await exchange(code: code, for: entry)
        let userID = profile.stableID
        try await services.users.install(tokens, userID: userID)
        await startHistory(userID: userID, tokens: tokens, country: profile.country, now: now, logger: context.logger)

        // A new session id at sign-in, so an id planted before sign-in is worth nothing after it.
        let newID = Identifiers.random()
        let record = SessionRecord(
            idDigest: Identifiers.digest(newID), userID: userID, createdAt: now,
            expiresAt: now.addingTimeInterval(services.sessionLifetime.timeInterval)
        )
        try await services.store.insertSession(record)
        if let previous = context.session { try await services.store.deleteSession(digest: previous.record.idDigest) }
        services.metrics.signIn(outcome: "ok")
        context.logger.info("signed in", metadata: ["user": .string(services.users.vault.pseudonyms(userID))])
        // Another tab's sign-in under way can still finish.
        let stillPending = try underWay.sealed(cipher: services.cipher)
        var response = Response.redirecting(to: entry.returnTo ?? "/")
        response.setCookie(services.cookies.issue(id: newID, pending: stillPending))
        return response
    }

    /// The sign-in under way in this browser's cookie that `state` names, still within its ten
    /// minutes, and the cookie's other sign-ins. Single use is the store's part (the cookie
    /// alone cannot give it: an old copy of the cookie could be replayed).
    private func acceptedSignIn(state: String?, context: AppRequestContext, now: Date) async throws -> (PendingSignIn, PendingSignIns) {
        guard let state, !state.isEmpty else { throw rejected(.missing) }
        guard Identifiers.isWellFormed(state) else { throw rejected(.malformed) }
        guard context.session != nil || context.pendingSignIns != nil else { throw rejected(.noSession) }
        guard var pending = PendingSignIns.opening(context.pendingSignIns, cipher: services.cipher) else {
            context.logger.warning("a sign-in under way could not be decrypted with any configured key; asked the person to start again")
            throw rejected(.unknownOrUsed)
        }
        guard let entry = pending.take(stateDigest: Identifiers.digest(state)) else { throw rejected(.unknownOrUsed) }
        guard expiry(of: entry) > now else { throw rejected(.expired) }
        return (entry, pending)
    }

    private func expiry(of entry: PendingSignIn) -> Date {
        Date(unixSeconds: entry.startedAt).addingTimeInterval(signInLifetime.timeInterval)
    }

    /// The code exchange and the profile lookup; a refused code means "start again".
    private func exchange(code: String, for entry: PendingSignIn) async throws -> (UserTokens, CurrentUser) {
        guard let verifier = CodeVerifier(rawValue: entry.verifier) else { throw rejected(.unknownOrUsed) }
        do {
            let tokens = try await services.users.flow.exchange(code: code, verifier: verifier, redirectURI: entry.redirectURI)
            return (tokens, try await services.users.client(for: tokens).currentUserProfile())
        } catch let error as SpotifyAPIError {
            services.metrics.signIn(outcome: "failed")
            if error.code == .invalidGrant {
                throw AppError.badState(.unknownOrUsed)
            }
            throw AppError.upstream(error)
        }
    }

    /// Every signed-in person has a history (imports need nothing more); with the
    /// `user-read-recently-played` scope the recorder starts polling them at once, to catch the
    /// 50 plays Spotify still keeps. A failure here does not fail the sign-in.
    private func startHistory(userID: String, tokens: UserTokens, country: String?, now: Date, logger: Logger) async {
        do {
            let history = services.history
            try await history.ensureListener(userID: userID, timeZone: LocalCalendar.guess(country: country), now: now)
            if tokens.scopes.contains(.userReadRecentlyPlayed) {
                try await history.setRecording(userID: userID, true, firstPollAt: now)
            }
        } catch {
            logger.warning("could not start the listening history", metadata: ["error": .string(String(describing: error))])
        }
    }

    /// Ends the session and deletes the user's stored tokens.
    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let session = context.session else {
            var response = Response.redirecting(to: "/")
            response.setCookie(services.cookies.expire())
            return response
        }
        let form = try await request.form(CSRFForm.self, context: context)
        try services.pages.checkCSRF(token: form.csrfToken, sessionID: session.id, request: request)
        // Signing out deletes the grant, so every other session of this person (other browsers,
        // other instances) could only fail later: they end now, and no instance calls Spotify
        // with the grant again — the next request of each is refused at its session.
        try await services.store.deleteSession(digest: session.record.idDigest)
        if let userID = session.record.userID { try await services.users.endGrant(userID: userID) }
        var response = Response.redirecting(to: "/")
        response.setCookie(services.cookies.expire())
        return response
    }

    private var signInLifetime: Duration { services.signInLifetime }

    private func rejected(_ reason: AppError.BadStateReason) -> AppError {
        services.metrics.signIn(outcome: "bad_state")
        return .badState(reason)
    }
}
