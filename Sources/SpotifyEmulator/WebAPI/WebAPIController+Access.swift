import Foundation
import Hummingbird

/// Who may call a Web API route, declared where the route is registered: every `/v1` handler
/// takes the caller the check produced, so a handler cannot be registered without its check,
/// and the check itself lives only here.
extension WebAPIController {
    typealias Handler = @Sendable (Request, BasicRequestContext) async throws -> Response
    typealias TokenHandler = @Sendable (Request, BasicRequestContext, TokenCaller) async throws -> Response
    typealias UserHandler = @Sendable (Request, BasicRequestContext, UserCaller) async throws -> Response

    /// A route any valid access token may call, an app's (client credentials) too.
    func anyToken(_ handler: @escaping TokenHandler) -> Handler {
        { request, context in
            let token = try authenticate(request).get()
            return try await handler(request, context, TokenCaller(token: token))
        }
    }

    /// A route for a user's token that carries every scope in `scopes` (the route may ask for
    /// more once it knows what is touched: a private playlist, a kind of saved item).
    func user(_ scopes: Set<WebAPIScope>, _ handler: @escaping UserHandler) -> Handler {
        { request, context in
            let (token, user) = try authenticateUser(request, scopes: scopes).get()
            return try await handler(request, context, UserCaller(token: token, user: user))
        }
    }

    /// A route for any user's token.
    func user(_ handler: @escaping UserHandler) -> Handler { user([], handler) }

    /// The caller's token, or the 400/401 Spotify answers instead.
    private func authenticate(_ request: Request) -> Result<AccessTokenRecord, ErrorResponse> {
        guard let header = request.headers[.authorization] else { return .failure(ErrorResponse(SpotifyResponses.unauthorized())) }
        guard header.count > 7, header.prefix(7).lowercased() == "bearer " else {
            return .failure(ErrorResponse(SpotifyResponses.webAPIError(.badRequest, "Only valid bearer authentication supported")))
        }
        guard let record = state.validAccessToken(header.dropFirst(7)) else { return .failure(ErrorResponse(SpotifyResponses.unauthorized())) }
        return .success(record)
    }

    /// A user token carrying every scope in `scopes`.
    private func authenticateUser(_ request: Request, scopes: Set<WebAPIScope>) -> Result<(AccessTokenRecord, Catalog.User), ErrorResponse> {
        switch authenticate(request) {
        case .failure(let error): return .failure(error)
        case .success(let record):
            guard let userID = record.userID, let user = catalog.user(id: userID) else {
                // An app-only (client credentials) token has no user to act for.
                return .failure(ErrorResponse(SpotifyResponses.webAPIError(.forbidden, "Insufficient client scope")))
            }
            // A development-mode app answers only the users on its dashboard's allowlist, in plain text.
            if state.settings.devMode, let allowed = state.client(record.clientID)?.allowedUsers, !allowed.contains(user.id) {
                return .failure(
                    ErrorResponse(
                        Response(
                            status: .forbidden, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: .init(string: "User not registered in the Developer Dashboard")))))
            }
            guard scopes.allSatisfy(record.has) else {
                return .failure(ErrorResponse(SpotifyResponses.webAPIError(.forbidden, "Insufficient client scope")))
            }
            return .success((record, user))
        }
    }
}

/// A valid token's holder: an app, or an app acting for a user.
struct TokenCaller: Sendable {
    let token: AccessTokenRecord
}

/// A user's token that passed the route's scope check, and the user it acts for.
struct UserCaller: Sendable {
    let token: AccessTokenRecord
    let user: Catalog.User

    /// 403 "Insufficient client scope" unless the token carries `scope`, or one of `alternatives`.
    func require(_ scope: WebAPIScope, or alternatives: WebAPIScope...) throws(ErrorResponse) {
        guard token.has(scope) || alternatives.contains(where: token.has) else {
            throw ErrorResponse(SpotifyResponses.webAPIError(.forbidden, "Insufficient client scope"))
        }
    }
}

/// The scopes the Web API's routes check, as Spotify names them.
enum WebAPIScope: String, Sendable, Hashable {
    case playlistModifyPrivate = "playlist-modify-private"
    case playlistModifyPublic = "playlist-modify-public"
    case playlistReadPrivate = "playlist-read-private"
    case ugcImageUpload = "ugc-image-upload"
    case userFollowModify = "user-follow-modify"
    case userFollowRead = "user-follow-read"
    case userLibraryModify = "user-library-modify"
    case userLibraryRead = "user-library-read"
    case userModifyPlaybackState = "user-modify-playback-state"
    case userReadCurrentlyPlaying = "user-read-currently-playing"
    case userReadPlaybackState = "user-read-playback-state"
    case userReadRecentlyPlayed = "user-read-recently-played"
    case userTopRead = "user-top-read"

    /// A playlist's modify scope: public and private playlists need different ones.
    static func playlistModify(isPublic: Bool) -> WebAPIScope { isPublic ? .playlistModifyPublic : .playlistModifyPrivate }
}

extension AccessTokenRecord {
    func has(_ scope: WebAPIScope) -> Bool { scopes.contains(scope.rawValue) }
}
