import Hummingbird
import SpotifyWebAPI

/// Step 6: the errors a user can meet, each as a page that says what to do.
///
/// Every failure of the library is a `SpotifyAPIError`; its `advice` is written for people.
struct SpotifyErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as SpotifyAPIError {
            if error.requiresSignIn {
                // Revoked, expired after six months, or refused: sign in again.
                return Response.redirect(to: "/login")
            }
            switch error.code {
            case .stateMismatch, .accessDenied, .invalidGrant:
                return .text("Sign-in did not complete: \(error.advice) Try /login again.", status: .badRequest)
            case .rateLimited:
                var response = Response.text("Spotify asks us to slow down. \(error.advice)", status: .serviceUnavailable)
                if let wait = error.retryAfter { response.headers[.retryAfter] = String(wait.secondsRoundedUp) }
                return response
            case .forbidden:
                return .text("Spotify refused: \(error.advice)", status: .forbidden)
            default:
                return .text("Spotify could not answer: \(error.shortDescription). \(error.advice)", status: .badGateway)
            }
        }
    }
}
