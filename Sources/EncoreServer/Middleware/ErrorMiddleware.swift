import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SpotifyWebAPI

/// Turns every error into a page (or, under `/api/`, JSON) in plain words.
///
/// Nothing of the error's internals reaches the response: no upstream body, no stack trace.
/// Unknown errors become a 500 with a generic message and are logged by type only.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let views: ViewRenderer
    let csrf: CSRFTokens

    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            return respond(to: error, request: request, context: context)
        }
    }

    func respond(to error: any Error, request: Request, context: AppRequestContext) -> Response {
        let isAPI = request.uri.path.hasPrefix("/api/")
        let presentation: ErrorPresentation
        switch error {
        case AppError.signInRequired where !isAPI:
            // Pages send the person to sign in and bring them back afterwards.
            guard request.method == .get || request.method == .head else { return .redirecting(to: "/login") }
            let target = ReturnPath.validated(request.uri.description).map { "/login?next=" + Self.encode($0) } ?? "/login"
            return .redirecting(to: target)
        case let error as AppError:
            presentation = error.presentation
            if case .upstream(let upstream) = error {
                context.logger.warning(
                    "Spotify call failed",
                    metadata: ["code": .string(upstream.code.rawValue), "status": .string(upstream.status.map(String.init) ?? "-")])
            }
        case let failure as AccessFailure:
            presentation = failure.appError.presentation
        case let busy as HistoryBusy:
            presentation = AppError.busy(busy.description, retryAfter: busy.retryAfter.secondsRoundedUp).presentation
        case let error as StorageError:
            context.logger.error("storage failed", metadata: ["reason": .string(error.description)])
            presentation = AppError.storage.presentation
        case let error as SpotifyAPIError:
            presentation = AppError.upstream(error).presentation
        case let error as any HTTPResponseError:
            presentation = Self.presentation(status: error.status)
        default:
            context.logger.error("unexpected error", metadata: ["type": .string(String(reflecting: type(of: error)))])
            presentation = ErrorPresentation(
                status: .internalServerError, code: "internal_error", title: "Something went wrong",
                message: "Encore could not finish this request. Please try again.", action: ("Go home", "/"))
        }
        var response: Response
        if isAPI {
            response = Self.json(presentation)
        } else {
            let chrome = context.session.flatMap { session in
                session.record.userID.map { _ in Chrome(csrfToken: csrf.token(forSession: session.id)) }
            }
            response = views.render(
                "error",
                ErrorView(
                    title: presentation.title, heading: presentation.title, message: presentation.message,
                    retryAfter: presentation.retryAfter.map(String.init),
                    actionHref: presentation.action?.href, actionLabel: presentation.action?.label, chrome: chrome
                ), status: presentation.status)
            if let retryAfter = presentation.retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        }
        return response
    }

    static func presentation(status: HTTPResponse.Status) -> ErrorPresentation {
        switch status.code {
        case 404:
            return AppError.notFound.presentation
        case 405:
            return ErrorPresentation(
                status: status, code: "method_not_allowed", title: "Not allowed",
                message: "This address does not accept that kind of request.", action: ("Go home", "/"))
        case 413:
            return ErrorPresentation(
                status: status, code: "too_large", title: "Too large",
                message: "The request was larger than Encore accepts.", action: ("Go home", "/"))
        case 400..<500:
            return ErrorPresentation(
                status: status, code: "bad_request", title: "That request was not understood",
                message: "Encore could not read this request. Check the address and try again.", action: ("Go home", "/"))
        default:
            return ErrorPresentation(
                status: .internalServerError, code: "internal_error", title: "Something went wrong",
                message: "Encore could not finish this request. Please try again.", action: ("Go home", "/"))
        }
    }

    /// The JSON body of an error under `/api/`: `{"error", "message", "retry_after"?}`, with
    /// `Retry-After` where there is a wait.
    struct Body: Encodable {
        var error: String
        var message: String
        var retryAfter: Int?

        enum CodingKeys: String, CodingKey {
            case error, message, retryAfter = "retry_after"
        }
    }

    static func json(_ presentation: ErrorPresentation) -> Response {
        let body = Body(error: presentation.code, message: presentation.message, retryAfter: presentation.retryAfter)
        // Three plain fields cannot fail to encode; the fallback only keeps this path total.
        let bytes = (try? encoder.encode(body)) ?? Data(#"{"error":"internal_error"}"#.utf8)
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"]
        if let retryAfter = presentation.retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(status: presentation.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    private static func encode(_ path: String) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=?#+")
        return path.addingPercentEncoding(withAllowedCharacters: allowed) ?? "/"
    }
}
