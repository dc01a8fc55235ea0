import Crypto
import Foundation
import Testing

@testable import SpotifyEmulator

@Suite("Accounts service: /api/token", .timeLimit(.minutes(3)))
struct TokenEndpointTests {
    static let formType = ("Content-Type", "application/x-www-form-urlencoded")

    func code(_ h: Harness, challenge: String? = nil, redirect: String = Harness.redirect) async throws -> String {
        var fields = [
            ("client_id", h.client.clientID), ("response_type", "code"), ("redirect_uri", redirect), ("scope", "user-top-read"), ("state", "s"),
        ]
        if let challenge { fields += [("code_challenge_method", "S256"), ("code_challenge", challenge)] }
        let response = try await http("GET", "\(h.origin)/authorize?" + form(fields))
        return try #require(response.redirectQuery["code"])
    }

    func token(_ h: Harness, _ fields: [(String, String)], auth: Bool = true) async throws -> HTTPResult {
        try await http(
            "POST", "\(h.origin)/api/token", headers: [Self.formType] + (auth ? [basic(h.client.clientID, h.client.clientSecret)] : []),
            body: form(fields))
    }

    @Test("a code exchanged with Basic credentials gives Spotify's token body")
    func exchange() async throws {
        try await Harness.run { h in
            let response = try await token(
                h, [("grant_type", "authorization_code"), ("code", try await code(h)), ("redirect_uri", Harness.redirect)])
            #expect(response.status == 200)
            #expect(response.headers["content-type"] == "application/json; charset=utf-8")
            let body = response.json
            #expect(body["token_type"] as? String == "Bearer")
            #expect(body["expires_in"] as? Int == 3600)
            #expect(body["scope"] as? String == "user-top-read")
            #expect((body["access_token"] as? String)?.isEmpty == false)
            #expect((body["refresh_token"] as? String)?.isEmpty == false)
            #expect(h.emulator.counters.tokenGrants["authorization_code"] == 1)
        }
    }

    @Test("codes are single use, bound to the redirect URI, and live ten minutes")
    func codeRules() async throws {
        try await Harness.run { h in
            let first = try await code(h)
            _ = try await token(h, [("grant_type", "authorization_code"), ("code", first), ("redirect_uri", Harness.redirect)])
            let reuse = try await token(h, [("grant_type", "authorization_code"), ("code", first), ("redirect_uri", Harness.redirect)])
            #expect(reuse.status == 400)
            #expect(reuse.json as NSDictionary == ["error": "invalid_grant", "error_description": "Invalid authorization code"])

            let wrongRedirect = try await token(
                h, [("grant_type", "authorization_code"), ("code", try await code(h)), ("redirect_uri", "http://127.0.0.1:9000/other")])
            #expect(wrongRedirect.json["error_description"] as? String == "Invalid redirect URI")

            let late = try await code(h)
            h.emulator.advanceClock(by: .seconds(601))
            let expired = try await token(h, [("grant_type", "authorization_code"), ("code", late), ("redirect_uri", Harness.redirect)])
            #expect(expired.json as NSDictionary == ["error": "invalid_grant", "error_description": "Authorization code expired"])
        }
    }

    @Test("PKCE: the verifier must match the S256 challenge, and is required")
    func pkce() async throws {
        try await Harness.run { h in
            let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
            let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
            let publicFields = [("grant_type", "authorization_code"), ("redirect_uri", Harness.redirect), ("client_id", h.client.clientID)]
            let missing = try await token(h, publicFields + [("code", try await code(h, challenge: challenge))], auth: false)
            #expect(missing.json as NSDictionary == ["error": "invalid_request", "error_description": "code_verifier required"])
            let wrong = try await token(
                h, publicFields + [("code", try await code(h, challenge: challenge)), ("code_verifier", verifier + "x")], auth: false)
            #expect(wrong.json as NSDictionary == ["error": "invalid_grant", "error_description": "code_verifier was incorrect"])
            let right = try await token(
                h, publicFields + [("code", try await code(h, challenge: challenge)), ("code_verifier", verifier)], auth: false)
            #expect(right.status == 200)
            let noPKCE = try await token(h, publicFields + [("code", try await code(h))], auth: false)
            #expect(noPKCE.status == 400)
        }
    }

    @Test(
        "client authentication errors",
        arguments: [
            ([String: String](), nil as String?, #"{"error":"invalid_client"}"#),
            (["client_id": "unknown"], nil, #"{"error":"invalid_client","error_description":"Invalid client"}"#),
            (["client_id": "client-1", "client_secret": "wrong"], nil, #"{"error":"invalid_client","error_description":"Invalid client secret"}"#),
            ([:], "client-1:wrong", #"{"error":"invalid_client","error_description":"Invalid client secret"}"#),
        ])
    func clientErrors(bodyCredentials: [String: String], basicPair: String?, expected: String) async throws {
        try await Harness.run { h in
            var headers = [Self.formType]
            if let basicPair { headers.append(("Authorization", "Basic " + Data(basicPair.utf8).base64EncodedString())) }
            let fields = [("grant_type", "client_credentials")] + bodyCredentials.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            let response = try await http("POST", "\(h.origin)/api/token", headers: headers, body: form(fields))
            #expect(response.status == 400)
            #expect(response.body == expected)
        }
    }

    @Test("grant_type problems and non-form bodies")
    func grantTypes() async throws {
        try await Harness.run { h in
            let json = try await http(
                "POST", "\(h.origin)/api/token", headers: [("Content-Type", "application/json"), basic("client-1", "secret-1")],
                body: #"{"grant_type":"client_credentials"}"#)
            #expect(json.body == #"{"error":"unsupported_grant_type","error_description":"grant_type parameter is missing"}"#)
            let unknown = try await token(h, [("grant_type", "password")])
            #expect(unknown.body == #"{"error":"unsupported_grant_type","error_description":"grant_type password is not supported"}"#)
        }
    }

    @Test("refresh omits refresh_token by default and the old one keeps working")
    func refreshOmit() async throws {
        try await Harness.run { h in
            let tokens = try await h.signIn()
            let refresh = try #require(tokens["refresh_token"] as? String)
            for _ in 0..<2 {
                let response = try await token(h, [("grant_type", "refresh_token"), ("refresh_token", refresh)])
                #expect(response.status == 200)
                #expect(response.json["refresh_token"] == nil)
                #expect(response.json["access_token"] as? String != tokens["access_token"] as? String)
            }
            #expect(h.emulator.counters.refreshesByUser["maya"] == 2)
        }
    }

    @Test("rotation issues a new refresh token and revokes the old one")
    func refreshRotate() async throws {
        try await Harness.run(.init(refreshTokenPolicy: .rotate, autoApproveUser: "maya")) { h in
            let old = try #require(try await h.signIn()["refresh_token"] as? String)
            let rotated = try await token(h, [("grant_type", "refresh_token"), ("refresh_token", old)])
            let new = try #require(rotated.json["refresh_token"] as? String)
            #expect(new != old)
            let reuse = try await token(h, [("grant_type", "refresh_token"), ("refresh_token", old)])
            #expect(reuse.body == #"{"error":"invalid_grant","error_description":"Refresh token revoked"}"#)
            #expect(try await token(h, [("grant_type", "refresh_token"), ("refresh_token", new)]).status == 200)
        }
    }

    @Test("grants end six months after consent, and when the user revokes the app")
    func grantEnds() async throws {
        try await Harness.run { h in
            let refresh = try #require(try await h.signIn()["refresh_token"] as? String)
            h.emulator.advanceClock(by: .seconds(183 * 86_400))
            let expired = try await token(h, [("grant_type", "refresh_token"), ("refresh_token", refresh)])
            #expect(expired.body == #"{"error":"invalid_grant"}"#)

            let second = try #require(try await h.signIn()["refresh_token"] as? String)
            #expect(h.emulator.revokeGrants(of: "maya") >= 1)
            let revoked = try await token(h, [("grant_type", "refresh_token"), ("refresh_token", second)])
            #expect(revoked.body == #"{"error":"invalid_grant","error_description":"Refresh token revoked"}"#)
            let garbage = try await token(h, [("grant_type", "refresh_token"), ("refresh_token", "nonsense")])
            #expect(garbage.body == #"{"error":"invalid_grant","error_description":"Invalid refresh token"}"#)
        }
    }

    @Test("client credentials give an app token without refresh token")
    func clientCredentials() async throws {
        try await Harness.run { h in
            let response = try await token(h, [("grant_type", "client_credentials")])
            #expect(response.status == 200)
            #expect(response.json["refresh_token"] == nil)
            #expect(response.json["token_type"] as? String == "bearer")
            let me = try await h.get("/me", token: response.json["access_token"] as? String)
            #expect(me.status == 403)
        }
    }
}
