import Foundation
import HTTPTypes
import Hummingbird
import Logging
import SpotifyWebAPI

/// Everything the app is built from; only ``buildRouter(_:)`` sees all of it, and hands each
/// controller the few parts it uses.
struct AppServices: Sendable {
    let configuration: AppConfiguration
    let spotify: SpotifyClientConfiguration
    let store: any EncoreStore
    let history: HistoryStore
    let users: SpotifyUsers
    let recorder: HistoryRecorder
    let imports: HistoryImportJobs
    let maintenance: HistoryMaintenance
    /// Opens when the database is migrated.
    let ready: ReadyGate
    let views: ViewRenderer
    let csrf: CSRFTokens
    let cookies: SessionCookies
    let cipher: TokenCipher
    let clock: any SpotifyClock
    let metrics: AppMetrics
    let logger: Logger

    var spotifyAccess: SpotifyAccess {
        SpotifyAccess(users: users, timeout: spotify.timeout, clock: clock)
    }
    var pages: Pages { Pages(views: views, csrf: csrf) }
}

/// What the pages and the JSON API ask of Spotify for a signed-in user.
struct SpotifyAccess: Sendable {
    let users: SpotifyUsers
    /// `SPOTIFY_TIMEOUT`: the budget of all of one request's calls to Spotify.
    let timeout: Duration
    let clock: any SpotifyClock

    /// Calls Spotify for a user; a lost grant is ended and the user asked to sign in again.
    ///
    /// Everything `body` asks of Spotify, however many calls, shares one `SPOTIFY_TIMEOUT`.
    func callAsFunction<T: Sendable>(userID: String, _ body: (SpotifyUsers) async throws -> T) async throws -> T {
        do {
            let deadline = clock.now().addingTimeInterval(timeout.timeInterval)
            // A storage failure goes on to ErrorMiddleware, which logs it and answers 503.
            return try await SpotifyDeadline.run(until: deadline) { try await body(users) }
        } catch let error as SpotifyAPIError where !error.requiresSignIn {
            throw AppError.upstream(error)
        } catch is SpotifyAPIError, AccessFailure.signedOut {
            // Spotify refused the grant, or it is gone from storage: end it everywhere.
            try? await users.endGrant(userID: userID)
            throw AppError.reauthorizationRequired
        } catch let failure as AccessFailure {
            throw failure.appError
        }
    }

    /// A signed-in user's client, for calls that go past the cache (writes, one-off reads).
    func client(userID: String) async throws -> SpotifyClient<TokenManager> {
        try await users.client(userID: userID)
    }
}

/// Rendering pages and checking the forms they carry.
struct Pages: Sendable {
    let views: ViewRenderer
    let csrf: CSRFTokens

    /// Checks the CSRF token of a form, and that a browser-sent Origin is this site.
    func checkCSRF(token: String?, sessionID: String, request: Request) throws {
        try checkOrigin(request)
        guard csrf.isValid(token, forSession: sessionID) else { throw AppError.csrf }
    }

    /// Checks that a browser-sent Origin is this site: what can be known of a form before its body.
    func checkOrigin(_ request: Request) throws {
        if let origin = request.headers[.origin], origin != "null", let host = request.head.authority {
            let allowed = ["http://\(host)", "https://\(host)"]
            guard allowed.contains(origin) else { throw AppError.csrf }
        }
    }

    func chrome(sessionID: String) -> Chrome {
        Chrome(csrfToken: csrf.token(forSession: sessionID))
    }

    func csrfToken(sessionID: String) -> String {
        csrf.token(forSession: sessionID)
    }
}
