import Foundation
import HTTPTypes
import Hummingbird
import SpotifyWebAPI

/// Every way a request can fail, with the status and the plain words a person sees.
///
/// Upstream bodies, tokens and codes never reach these messages.
enum AppError: Error, Sendable {
    /// A query or form parameter is wrong; the message names it.
    case badParameter(name: String, message: String)
    /// The request needs a signed-in session.
    case signInRequired
    /// The user's grant is gone (revoked, expired after six months, or signed out elsewhere).
    case reauthorizationRequired
    /// The callback's `state` cannot be accepted.
    case badState(BadStateReason)
    /// The user chose Cancel on Spotify's consent page.
    case accessDenied
    /// A form arrived without the right CSRF token.
    case csrf
    /// Spotify (or the network to it) failed.
    case upstream(SpotifyAPIError)
    /// This user caused more calls to Spotify than ``AppConfiguration/userRateLimit`` allows.
    case userRateLimited(retryAfter: Int)
    /// The database did not answer.
    case storage
    /// Nothing lives here.
    case notFound
    /// The work asked for cannot start now (an import already running); the message says why,
    /// and how many seconds to wait.
    case busy(String, retryAfter: Int = 60)
    /// An upload larger than the configured limit.
    case uploadTooLarge(limitBytes: Int64)

    enum BadStateReason: Sendable {
        case missing, unknownOrUsed, expired, noSession, malformed
    }
}

/// How an error is shown: status, title, explanation, optional wait and a way forward.
struct ErrorPresentation: Sendable {
    var status: HTTPResponse.Status
    /// A stable machine-readable code for JSON (`not_authenticated`, `rate_limited`, …).
    var code: String
    var title: String
    var message: String
    var retryAfter: Int?
    var action: (label: String, href: String)?
}

extension AppError {
    var presentation: ErrorPresentation {
        switch self {
        case .badParameter(let name, let message):
            return ErrorPresentation(
                status: .badRequest, code: "invalid_parameter", title: "That address is not quite right",
                message: "The \(name) parameter \(message).", action: ("Go home", "/"))
        case .signInRequired:
            return ErrorPresentation(
                status: .unauthorized, code: "not_authenticated", title: "Please sign in",
                message: "Sign in with Spotify to see this page.", action: ("Log in with Spotify", "/login"))
        case .reauthorizationRequired:
            return ErrorPresentation(
                status: .unauthorized, code: "reauthorization_required", title: "Please sign in again",
                message: "Your Spotify sign-in has ended — it was revoked, or it reached Spotify's six-month limit. Sign in again to carry on.",
                action: ("Log in with Spotify", "/login"))
        case .badState(let reason):
            let message =
                switch reason {
                case .missing, .malformed:
                    "This sign-in link is incomplete, so Encore did not use it."
                case .unknownOrUsed:
                    "This sign-in link was already used, or was not started in this browser, so Encore did not use it."
                case .expired:
                    "This sign-in took more than ten minutes, so it expired."
                case .noSession:
                    "Your session expired or cookies are blocked, so this sign-in cannot be finished."
                }
            return ErrorPresentation(
                status: .badRequest, code: "invalid_state", title: "Sign-in could not be finished",
                message: message + " Nothing was sent to Spotify. Start again from the beginning.",
                action: ("Start again", "/login"))
        case .accessDenied:
            return ErrorPresentation(
                status: .forbidden, code: "access_denied", title: "No problem",
                message: "You chose not to connect your Spotify account, so Encore has nothing to show yet. You can try again whenever you like.",
                action: ("Try again", "/login"))
        case .csrf:
            return ErrorPresentation(
                status: .forbidden, code: "csrf_failed", title: "This form has expired",
                message: "The form was not sent from this site's current page, so nothing was changed. Go back, reload the page and try again.",
                action: ("Go home", "/"))
        case .userRateLimited(let retryAfter):
            return ErrorPresentation(
                status: .tooManyRequests, code: "user_rate_limited", title: "Slow down a little",
                message:
                    "You asked for a lot from Spotify in the last 30 seconds. Please wait about \(retryAfter) second\(retryAfter == 1 ? "" : "s") and try again; what you already loaded is still here.",
                retryAfter: retryAfter, action: ("Go home", "/"))
        case .storage:
            return ErrorPresentation(
                status: .serviceUnavailable, code: "storage_unavailable", title: "Encore is having trouble",
                message: "Encore's database is not answering right now. Please try again in a moment.", retryAfter: 5,
                action: ("Try again", "/"))
        case .notFound:
            return ErrorPresentation(
                status: .notFound, code: "not_found", title: "Page not found",
                message: "There is nothing at this address.", action: ("Go home", "/"))
        case .busy(let message, let retryAfter):
            return ErrorPresentation(
                status: .serviceUnavailable, code: "busy", title: "Not just now", message: message, retryAfter: max(1, retryAfter),
                action: ("Back to your history", "/history"))
        case .uploadTooLarge(let limit):
            return ErrorPresentation(
                status: .contentTooLarge, code: "upload_too_large", title: "That upload is too large",
                message:
                    "Encore takes uploads of up to \(limit >> 20) MiB. Upload the files of your export one at a time, or ask the operator to raise ENCORE_HISTORY_UPLOAD_MAX_BYTES.",
                action: ("Back to your history", "/history"))
        case .upstream(let error):
            return Self.presentation(of: error)
        }
    }

    private static func presentation(of error: SpotifyAPIError) -> ErrorPresentation {
        let retryAfter = error.retryAfter.map { max(1, min($0, SpotifyAPIError.longestRetryAfter).secondsRoundedUp) }
        switch error.code {
        case .rateLimited:
            let wait = retryAfter.map { " Please wait about \($0) second\($0 == 1 ? "" : "s") and try again." } ?? " Please try again shortly."
            return ErrorPresentation(
                status: .serviceUnavailable, code: "rate_limited", title: "Spotify asked us to slow down",
                message: "Spotify is limiting how often Encore may ask for data." + wait, retryAfter: retryAfter ?? 1)
        case .timeout:
            return ErrorPresentation(
                status: .gatewayTimeout, code: "spotify_timeout", title: "Spotify is taking too long",
                message: "Spotify did not answer in time. Please try again in a moment.", retryAfter: retryAfter)
        case .server where error.status == 503:
            return ErrorPresentation(
                status: .serviceUnavailable, code: "spotify_unavailable", title: "Spotify is unavailable",
                message: "Spotify says it is temporarily unavailable. Please try again in a moment.", retryAfter: retryAfter ?? 5)
        case _ where error.requiresSignIn:
            return AppError.reauthorizationRequired.presentation
        case .insufficientScope:
            return ErrorPresentation(
                status: .forbidden, code: "insufficient_scope", title: "Encore needs another permission",
                message: "This needs a permission you have not given Encore yet. Sign in again to review the permissions.",
                action: ("Sign in again", "/login"))
        case .notFound:
            return ErrorPresentation(
                status: .notFound, code: "not_found", title: "Not found on Spotify",
                message: "Spotify has nothing at that address.", action: ("Go home", "/"))
        case .accessDenied:
            return AppError.accessDenied.presentation
        case .stateMismatch:
            return AppError.badState(.unknownOrUsed).presentation
        default:
            // Spotify failing, an answer out of shape, or a code this version does not know.
            return ErrorPresentation(
                status: .badGateway, code: "spotify_error", title: "Spotify is having trouble",
                message: "Encore could not get a good answer from Spotify. Please try again in a moment.", retryAfter: retryAfter)
        }
    }
}

extension AppError: HTTPResponseError {
    var status: HTTPResponse.Status { presentation.status }

    /// The error as JSON (`{"error", "message", "retry_after"?}`) with `Retry-After` where there
    /// is a wait: what `/api/` answers, and what any route answers where no page can be drawn.
    /// Pages get the same words in HTML from ``ErrorMiddleware``, which holds the templates.
    func response(from request: Request, context: some RequestContext) throws -> Response {
        ErrorMiddleware.json(presentation)
    }
}

extension AccessFailure {
    /// How the web app answers a call to Spotify that was not made.
    var appError: AppError {
        switch self {
        case .signedOut: .reauthorizationRequired
        case .userRateLimited(let retryAfter): .userRateLimited(retryAfter: retryAfter)
        }
    }
}
