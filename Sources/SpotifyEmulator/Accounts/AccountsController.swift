import Crypto
import Foundation
import Hummingbird
import NIOCore

/// The accounts service: `GET /authorize`, the consent form, and `POST /api/token`.
struct AccountsController: Sendable {
    let state: EmulatorState
    let catalog: Catalog

    static let userCookie = "sp_emulator_user"

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/authorize", use: authorize)
        router.post("/authorize/consent", use: consent)
        router.post("/api/token", use: token)
    }

    // MARK: /authorize

    /// A validated authorization request, or the page Spotify shows instead of redirecting.
    struct AuthorizeRequest {
        var client: EmulatorClient
        var redirectURI: String
        var scopes: [String]
        var state: String?
        var codeChallenge: String?
        var showDialog: Bool
    }

    enum Validation {
        case valid(AuthorizeRequest)
        case page(Response)
        case redirect(Response)
    }

    func validate(_ query: [String: String]) -> Validation {
        func errorPage(_ text: String, status: HTTPResponse.Status = .badRequest) -> Validation {
            .page(SpotifyResponses.page(title: "Error", body: "<h1>\(SpotifyResponses.escapeHTML(text))</h1>", status: status))
        }
        guard let clientID = query["client_id"], !clientID.isEmpty else {
            return errorPage("Missing required parameter: client_id")
        }
        guard let client = state.client(clientID) else { return errorPage("INVALID_CLIENT: Invalid client") }
        guard query["response_type"] == "code" else { return errorPage("response_type must be code") }
        guard let redirect = query["redirect_uri"], !redirect.isEmpty else {
            return errorPage("Missing required parameter: redirect_uri")
        }
        guard RedirectMatching.isSecure(redirect) else { return errorPage("INVALID_CLIENT: Insecure redirect URI") }
        guard client.redirectURIs.contains(where: { RedirectMatching.matches(registered: $0, requested: redirect) }) else {
            return errorPage("INVALID_CLIENT: Invalid redirect URI")
        }
        let scopes = (query["scope"] ?? "").split(separator: " ").map(String.init)
        guard scopes.allSatisfy({ ScopeDescriptions.all[$0] != nil }) else { return errorPage("Illegal scope") }
        let stateValue = query["state"]
        var challenge: String?
        if query["code_challenge_method"] != nil || query["code_challenge"] != nil {
            guard query["code_challenge_method"] == "S256", let value = query["code_challenge"],
                value.utf8.count == 43, value.utf8.allSatisfy(RedirectMatching.isBase64URL)
            else {
                return .redirect(
                    RedirectMatching.redirect(
                        redirect,
                        [("error", "invalid_request"), ("error_description", "code_challenge_method must be S256 with a valid code_challenge")],
                        state: stateValue
                    ))
            }
            challenge = value
        }
        return .valid(
            AuthorizeRequest(
                client: client, redirectURI: redirect, scopes: scopes, state: stateValue, codeChallenge: challenge,
                showDialog: query["show_dialog"] == "true"
            ))
    }

    @Sendable func authorize(request: Request, context: BasicRequestContext) async throws -> Response {
        let query = FormFields.parse(Substring(request.uri.query ?? ""))
        let authorization: AuthorizeRequest
        switch validate(query) {
        case .page(let response), .redirect(let response): return response
        case .valid(let valid): authorization = valid
        }
        let settings = state.settings
        if let user = settings.autoApproveUser, catalog.user(id: user) != nil {
            return approve(authorization, userID: user)
        }
        if !authorization.showDialog, let user = request.cookies[Self.userCookie]?.value, catalog.user(id: user) != nil,
            state.hasConsent(userID: user, clientID: authorization.client.clientID, scopes: authorization.scopes)
        {
            return approve(authorization, userID: user)
        }
        return consentPage(authorization, query: query, signedIn: request.cookies[Self.userCookie]?.value)
    }

    private func consentPage(_ authorization: AuthorizeRequest, query: [String: String], signedIn: String?) -> Response {
        let escape = SpotifyResponses.escapeHTML
        let hidden = ["client_id", "response_type", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method", "show_dialog"]
            .compactMap { key in query[key].map { "<input type=\"hidden\" name=\"\(key)\" value=\"\(escape($0))\">" } }
            .joined(separator: "\n")
        let scopeList =
            authorization.scopes.isEmpty
            ? "<li>Access your public information</li>"
            : authorization.scopes.map { "<li>\(escape(ScopeDescriptions.all[$0] ?? $0))</li>" }.joined()
        let selected = signedIn.flatMap { catalog.user(id: $0) }?.id ?? catalog.users.first?.id
        let users = catalog.users.map { user in
            "<label><input type=\"radio\" name=\"user\" value=\"\(escape(user.id))\"\(user.id == selected ? " checked" : "")> \(escape(user.displayName)) <span class=\"note\">(\(escape(user.id)))</span></label>"
        }.joined(separator: "\n")
        let body = """
            <h1><span class="app">\(escape(authorization.client.name))</span> wants to access your Spotify account</h1>
            <p>It will be able to:</p>
            <ul>\(scopeList)</ul>
            <form method="post" action="/authorize/consent">
            \(hidden)
            <fieldset><legend>Sign in as</legend>
            \(users)
            </fieldset>
            <div class="actions">
            <button class="agree" type="submit" name="decision" value="agree">Agree</button>
            <button class="cancel" type="submit" name="decision" value="cancel">Cancel</button>
            </div>
            </form>
            <p class="note">Spotify emulator — offline, seeded data.</p>
            """
        return SpotifyResponses.page(title: "Authorize \(authorization.client.name) — Spotify", body: body)
    }

    @Sendable func consent(request: Request, context: BasicRequestContext) async throws -> Response {
        let body = try await request.body.collect(upTo: 64 * 1024)
        let form = FormFields.parse(Substring(String(buffer: body)))
        let authorization: AuthorizeRequest
        switch validate(form) {
        case .page(let response), .redirect(let response): return response
        case .valid(let valid): authorization = valid
        }
        guard form["decision"] == "agree" else {
            return RedirectMatching.redirect(authorization.redirectURI, [("error", "access_denied")], state: authorization.state)
        }
        guard let user = form["user"], catalog.user(id: user) != nil else {
            return SpotifyResponses.page(title: "Error", body: "<h1>Choose a user to sign in as</h1>", status: .badRequest)
        }
        return approve(authorization, userID: user)
    }

    private func approve(_ authorization: AuthorizeRequest, userID: String) -> Response {
        let code = state.issueCode(
            AuthorizationCodeRecord(
                clientID: authorization.client.clientID,
                userID: userID,
                redirectURI: authorization.redirectURI,
                scopes: authorization.scopes,
                codeChallenge: authorization.codeChallenge,
                issuedAt: state.now()
            ))
        return RedirectMatching.redirect(
            authorization.redirectURI, [("code", code)], state: authorization.state,
            headers: [.setCookie: "\(Self.userCookie)=\(userID); Path=/; HttpOnly; SameSite=Lax"]
        )
    }

    // MARK: /api/token

    @Sendable func token(request: Request, context: BasicRequestContext) async throws -> Response {
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        guard contentType.hasPrefix("application/x-www-form-urlencoded") else {
            return SpotifyResponses.oauthError("unsupported_grant_type", "grant_type parameter is missing")
        }
        let body = try await request.body.collect(upTo: 64 * 1024)
        let form = FormFields.parse(Substring(String(buffer: body)))

        // Client authentication: HTTP Basic, else client_id (and client_secret) in the body.
        var clientID = form["client_id"]
        var secret = form["client_secret"]
        if let header = request.headers[.authorization] {
            guard header.lowercased().hasPrefix("basic "),
                let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
                let pair = String(data: decoded, encoding: .utf8), let colon = pair.firstIndex(of: ":")
            else {
                return SpotifyResponses.oauthError("invalid_client", "Invalid client")
            }
            clientID = String(pair[..<colon])
            secret = String(pair[pair.index(after: colon)...])
        }
        guard let clientID, !clientID.isEmpty else { return SpotifyResponses.oauthError("invalid_client") }
        guard let client = state.client(clientID) else { return SpotifyResponses.oauthError("invalid_client", "Invalid client") }
        if let secret, secret != client.clientSecret {
            return SpotifyResponses.oauthError("invalid_client", "Invalid client secret")
        }
        let confidential = secret != nil

        guard let grantType = form["grant_type"], !grantType.isEmpty else {
            return SpotifyResponses.oauthError("unsupported_grant_type", "grant_type parameter is missing")
        }
        switch grantType {
        case "authorization_code":
            return exchangeCode(form: form, client: client, confidential: confidential)
        case "refresh_token":
            guard let refreshToken = form["refresh_token"], !refreshToken.isEmpty else {
                return SpotifyResponses.oauthError("invalid_request", "refresh_token must be supplied")
            }
            switch state.refresh(refreshToken, clientID: client.clientID) {
            case .refreshed(let issued): return tokenResponse(issued)
            case .unknown, .wrongClient: return SpotifyResponses.oauthError("invalid_grant", "Invalid refresh token")
            case .revoked: return SpotifyResponses.oauthError("invalid_grant", "Refresh token revoked")
            case .expired: return SpotifyResponses.oauthError("invalid_grant")
            }
        case "client_credentials":
            guard confidential else { return SpotifyResponses.oauthError("invalid_client", "Invalid client secret") }
            let issued = state.issueAppToken(clientID: client.clientID)
            return SpotifyResponses.json(
                JSONValue.object([
                    ("access_token", .string(issued.accessToken)), ("token_type", "bearer"), ("expires_in", .int(issued.expiresIn)),
                ]).serialized)
        default:
            return SpotifyResponses.oauthError("unsupported_grant_type", "grant_type \(grantType) is not supported")
        }
    }

    private func exchangeCode(form: [String: String], client: EmulatorClient, confidential: Bool) -> Response {
        guard let code = form["code"], !code.isEmpty else {
            return SpotifyResponses.oauthError("invalid_grant", "Invalid authorization code")
        }
        let record: AuthorizationCodeRecord
        switch state.consumeCode(code) {
        case .unknownOrUsed: return SpotifyResponses.oauthError("invalid_grant", "Invalid authorization code")
        case .expired: return SpotifyResponses.oauthError("invalid_grant", "Authorization code expired")
        case .valid(let valid): record = valid
        }
        guard record.clientID == client.clientID else {
            return SpotifyResponses.oauthError("invalid_grant", "Invalid authorization code")
        }
        guard form["redirect_uri"] == record.redirectURI else {
            return SpotifyResponses.oauthError("invalid_grant", "Invalid redirect URI")
        }
        if let challenge = record.codeChallenge {
            guard let verifier = form["code_verifier"], !verifier.isEmpty else {
                return SpotifyResponses.oauthError("invalid_request", "code_verifier required")
            }
            state.noteVerifier(verifier)
            let computed = Data(SHA256.hash(data: Data(verifier.utf8))).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            guard computed == challenge else {
                return SpotifyResponses.oauthError("invalid_grant", "code_verifier was incorrect")
            }
        } else if !confidential {
            // A public client proves itself only through PKCE.
            return SpotifyResponses.oauthError("invalid_request", "code_verifier required")
        }
        return tokenResponse(state.issueGrant(userID: record.userID, clientID: client.clientID, scopes: record.scopes))
    }

    private func tokenResponse(_ issued: EmulatorState.IssuedTokens) -> Response {
        var fields: [(String, JSONValue)] = [
            ("access_token", .string(issued.accessToken)),
            ("token_type", "Bearer"),
            ("expires_in", .int(issued.expiresIn)),
        ]
        if let refresh = issued.refreshToken { fields.append(("refresh_token", .string(refresh))) }
        fields.append(("scope", .string(issued.scopes.joined(separator: " "))))
        return SpotifyResponses.json(JSONValue.object(fields).serialized)
    }
}

/// Spotify's redirect-URI rules, from the accounts service's side.
enum RedirectMatching {
    /// https anywhere, http only on loopback IP literals, `localhost` never; custom schemes allowed.
    static func isSecure(_ uri: String) -> Bool {
        guard let components = URLComponents(string: uri), let scheme = components.scheme?.lowercased() else { return false }
        let host = (components.host ?? "").lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if host == "localhost" || host.hasSuffix(".localhost") { return false }
        if scheme == "http" { return host == "127.0.0.1" || host == "::1" }
        return components.fragment == nil
    }

    /// Exact match, except that a loopback URI registered without a port accepts any port.
    static func matches(registered: String, requested: String) -> Bool {
        if registered == requested { return true }
        guard let r = URLComponents(string: registered), let q = URLComponents(string: requested),
            r.scheme?.lowercased() == "http", r.port == nil, q.scheme?.lowercased() == "http",
            let host = r.host, host == q.host, host == "127.0.0.1" || host == "[::1]" || host == "::1"
        else { return false }
        return r.path == q.path && r.query == q.query
    }

    static func isBase64URL(_ byte: UInt8) -> Bool {
        (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) || byte == 45 || byte == 95
    }

    /// A 302 to the redirect URI with the given parameters and `state` echoed unchanged.
    static func redirect(_ uri: String, _ parameters: [(String, String)], state: String?, headers: HTTPFields = [:]) -> Response {
        var all = parameters
        if let state { all.append(("state", state)) }
        let query = all.map { "\($0.0)=\(FormFields.encode($0.1))" }.joined(separator: "&")
        let separator = uri.contains("?") ? "&" : "?"
        return SpotifyResponses.redirect(to: uri + separator + query, headers: headers)
    }
}
