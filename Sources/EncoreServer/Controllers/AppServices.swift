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
        } catch is SpotifyAPIError, AppError.reauthorizationRequired {
            // Spotify refused the grant, or it is gone from storage: end it everywhere.
            try? await users.endGrant(userID: userID)
            throw AppError.reauthorizationRequired
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

/// Reading query parameters strictly: each at most once, with a message naming the bad one.
struct QueryReader {
    let parameters: [(name: String, value: String)]

    init(_ request: Request) {
        parameters = request.uri.queryParameters.map { (String($0.key), String($0.value)) }
    }

    /// The parameter's value, `nil` when absent.
    /// - Throws: ``AppError/badParameter(name:message:)`` when it appears more than once.
    func single(_ name: String) throws(AppError) -> String? {
        let values = parameters.filter { $0.name == name }
        guard values.count <= 1 else { throw .badParameter(name: name, message: "must be given once") }
        return values.first?.value
    }

    /// A whole number of at most nine digits, sign included; its range is the caller's to check.
    func wholeNumber(_ name: String, default fallback: Int) throws(AppError) -> Int {
        guard let text = try single(name) else { return fallback }
        guard text.utf8.count <= 9, let value = Int(text) else {
            throw .badParameter(name: name, message: "must be a whole number")
        }
        return value
    }

    func timeRange() throws(AppError) -> TimeRange {
        guard let text = try single("time_range") else { return .mediumTerm }
        guard let range = TimeRange(rawValue: text) else {
            throw .badParameter(name: "time_range", message: "must be short_term, medium_term or long_term")
        }
        return range
    }
}

/// Where to send a person after sign-in: only a path on this site.
enum ReturnPath {
    /// The path when it is a same-origin relative path; `nil` for anything that could leave the site.
    static func validated(_ candidate: String?) -> String? {
        guard let candidate, candidate.utf8.count <= 512, candidate.hasPrefix("/") else { return nil }
        // "//host" and "/\host" are read by browsers as another origin.
        if candidate.hasPrefix("//") || candidate.hasPrefix("/\\") { return nil }
        guard candidate.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != "\\" }) else { return nil }
        guard let components = URLComponents(string: candidate), components.scheme == nil, components.host == nil else { return nil }
        return candidate
    }
}

extension Response {
    static func redirecting(to location: String, status: HTTPResponse.Status = .seeOther) -> Response {
        Response(status: status, headers: [.location: location, .cacheControl: "no-store"])
    }
}
