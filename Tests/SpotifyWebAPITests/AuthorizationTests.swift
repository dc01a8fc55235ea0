import Foundation
import SpotifyWebAPITesting
import Testing

@testable import SpotifyWebAPI

@Suite("Authorization URLs, PKCE and state")
struct AuthorizationTests {
    @Test("PKCE S256 challenge matches RFC 7636 appendix B")
    func rfc7636Vector() throws {
        let verifier = try #require(CodeVerifier(rawValue: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"))
        #expect(verifier.challenge == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
    }

    @Test("random verifiers are 43-128 characters of the unreserved set and differ")
    func verifierShape() {
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        for length in [10, 43, 64, 128, 500] {
            let verifier = CodeVerifier.random(length: length)
            #expect((43...128).contains(verifier.rawValue.count))
            #expect(verifier.rawValue.allSatisfy(allowed.contains))
        }
        #expect(CodeVerifier.random() != CodeVerifier.random())
    }

    @Test(
        "verifiers breaking RFC 7636 are refused",
        arguments: [
            String(repeating: "a", count: 42), String(repeating: "a", count: 129), String(repeating: "a", count: 42) + "+",
        ])
    func verifierRejects(candidate: String) {
        #expect(CodeVerifier(rawValue: candidate) == nil)
    }

    @Test("every character appears in random verifiers: no alphabet is cut short")
    func verifierCoverage() {
        var seen = Set<Character>()
        for _ in 0..<200 { seen.formUnion(CodeVerifier.random(length: 128).rawValue) }
        #expect(seen.count == 66)
    }

    @Test("state carries 256 bits and matches only itself")
    func stateShape() {
        let state = AuthorizationState.random()
        #expect(state.rawValue.count == 43)
        #expect(state.matches(state.rawValue))
        #expect(!state.matches(String(state.rawValue.dropLast()) + (state.rawValue.last == "x" ? "y" : "x")))
        #expect(!state.matches(""))
        #expect(!state.matches(nil))
        #expect(AuthorizationState.random() != state)
    }

    @Test("the authorize URL carries every parameter, encoded")
    func authorizeURL() throws {
        let flow = try AuthorizationCodeFlow(configuration: testConfiguration, transport: ScriptedTransport { _, _ in .json(500, "") })
        let pending = flow.startAuthorization(showDialog: true)
        let components = try #require(URLComponents(url: pending.authorizeURL, resolvingAgainstBaseURL: false))
        #expect(components.scheme == "https")
        #expect(components.host == "accounts.test")
        #expect(components.path == "/authorize")
        let query = Dictionary(uniqueKeysWithValues: (components.queryItems ?? []).map { ($0.name, $0.value ?? "") })
        #expect(query["response_type"] == "code")
        #expect(query["client_id"] == "client-abc")
        #expect(query["redirect_uri"] == "http://127.0.0.1:9000/callback")
        #expect(query["scope"] == "user-read-email user-read-private user-top-read playlist-modify-private")
        #expect(query["state"] == pending.state.rawValue)
        #expect(query["code_challenge_method"] == "S256")
        #expect(query["code_challenge"] == pending.codeVerifier.challenge)
        #expect(query["show_dialog"] == "true")
        #expect(pending.authorizeURL.absoluteString.contains("redirect_uri=http%3A%2F%2F127.0.0.1%3A9000%2Fcallback"))
        #expect(pending.authorizeURL.absoluteString.contains("scope=user-read-email%20user-read-private"))
        #expect(!pending.authorizeURL.absoluteString.contains("s3cr3t"))
    }

    @Test("a mismatched or missing state stops the exchange before anything is sent")
    func stateMismatchSendsNothing() async throws {
        let transport = ScriptedTransport { _, _ in .json(200, try Fixture.string("token.authorization-code")) }
        let flow = try AuthorizationCodeFlow(configuration: testConfiguration, transport: transport)
        let pending = flow.startAuthorization()
        for callback in [
            AuthorizationCallback(code: "c", state: "forged", error: nil),
            AuthorizationCallback(code: "c", state: nil, error: nil),
            AuthorizationCallback(
                url: URL(string: "http://127.0.0.1:9000/callback?code=c&state=\(pending.state.rawValue)&state=\(pending.state.rawValue)")!),
        ] {
            let error = await #expect(throws: SpotifyAPIError.self) { try await flow.completeAuthorization(callback, pending: pending) }
            #expect(error?.code == .stateMismatch)
        }
        #expect(transport.count == 0)
    }

    @Test("access_denied at the redirect becomes accessDenied")
    func accessDenied() async throws {
        let transport = ScriptedTransport { _, _ in .json(500, "") }
        let flow = try AuthorizationCodeFlow(configuration: testConfiguration, clientAuthentication: .pkceOnly, transport: transport)
        let pending = flow.startAuthorization()
        let callback = AuthorizationCallback(url: URL(string: "http://127.0.0.1:9000/callback?error=access_denied&state=\(pending.state.rawValue)")!)
        let error = await #expect(throws: SpotifyAPIError.self) { try await flow.completeAuthorization(callback, pending: pending) }
        #expect(error?.code == .accessDenied)
        #expect(transport.count == 0)
    }

    @Test("the confidential flow sends Basic credentials, the code, the redirect URI and the verifier")
    func confidentialExchange() async throws {
        let clock = VirtualClock()
        let transport = ScriptedTransport { _, _ in .json(200, try Fixture.string("token.authorization-code")) }
        let flow = try AuthorizationCodeFlow(configuration: testConfiguration, transport: transport, clock: clock)
        let pending = flow.startAuthorization()
        let tokens = try await flow.completeAuthorization(
            AuthorizationCallback(code: "the-code", state: pending.state.rawValue, error: nil), pending: pending)
        let request = try #require(transport.requests.first)
        #expect(request.method == .post)
        #expect(request.url == "https://accounts.test/api/token")
        #expect(request.header("Content-Type") == "application/x-www-form-urlencoded")
        #expect(request.header("Authorization") == "Basic " + Data("client-abc:s3cr3t-value".utf8).base64EncodedString())
        #expect(
            request.formFields == [
                "grant_type": "authorization_code", "code": "the-code",
                "redirect_uri": "http://127.0.0.1:9000/callback", "code_verifier": pending.codeVerifier.rawValue,
            ])
        #expect(tokens.accessToken.rawValue == "BQBLuPRYBQ...BP8stIv5xr-Iwaf4l8eg")
        #expect(tokens.refreshToken?.rawValue == "AQAQfyEFmJJuCvAFh...cG_m-2KTgNDaDMQqjrOa3")
        #expect(tokens.expiresAt == clock.now().addingTimeInterval(3600))
        #expect(tokens.scopes == [.userReadEmail, .userReadPrivate])
        #expect(tokens.grantedAt == clock.now())
    }

    @Test("the PKCE flow sends client_id and verifier and no secret")
    func pkceExchange() async throws {
        let transport = ScriptedTransport { _, _ in .json(200, try Fixture.string("token.authorization-code")) }
        let flow = try AuthorizationCodeFlow(configuration: testConfiguration, clientAuthentication: .pkceOnly, transport: transport)
        let pending = flow.startAuthorization()
        _ = try await flow.completeAuthorization(AuthorizationCallback(code: "c", state: pending.state.rawValue, error: nil), pending: pending)
        let request = try #require(transport.requests.first)
        #expect(request.header("Authorization") == nil)
        #expect(request.formFields["client_id"] == "client-abc")
        #expect(request.formFields["code_verifier"] == pending.codeVerifier.rawValue)
        #expect(!request.bodyString.contains("s3cr3t"))
    }

    @Test("the client credentials flow asks for an app token with Basic credentials")
    func clientCredentials() async throws {
        let transport = ScriptedTransport { _, _ in .json(200, try Fixture.string("token.client-credentials")) }
        let flow = try ClientCredentialsFlow(configuration: testConfiguration, transport: transport)
        let token = try await flow.requestToken()
        #expect(token.accessToken.rawValue == "NgCXRKc...MzYjw")
        #expect(transport.requests.first?.formFields == ["grant_type": "client_credentials"])
        #expect(transport.requests.first?.header("Authorization")?.hasPrefix("Basic ") == true)
    }

    @Test("flows refuse configurations they cannot work with")
    func flowConfigurationErrors() {
        var configuration = testConfiguration
        configuration.clientSecret = nil
        #expect(throws: SpotifyConfigurationError.self) { try AuthorizationCodeFlow(configuration: configuration) }
        #expect(throws: SpotifyConfigurationError.self) { try ClientCredentialsFlow(configuration: configuration) }
        configuration.redirectURI = nil
        #expect(throws: SpotifyConfigurationError.self) { try AuthorizationCodeFlow(configuration: configuration, clientAuthentication: .pkceOnly) }
    }
}
