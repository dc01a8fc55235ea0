import Foundation
import Testing

@testable import SpotifyEmulator

@Suite("Accounts service: /authorize", .timeLimit(.minutes(3)))
struct AuthorizeEndpointTests {
    func authorizeURL(_ h: Harness, _ overrides: [(String, String)] = [], dropping: Set<String> = []) -> String {
        var fields: [(String, String)] = [
            ("client_id", h.client.clientID), ("response_type", "code"), ("redirect_uri", Harness.redirect),
            ("scope", "user-top-read user-read-email"), ("state", "abc 123"),
        ]
        for (key, value) in overrides {
            fields.removeAll { $0.0 == key }
            fields.append((key, value))
        }
        fields.removeAll { dropping.contains($0.0) }
        return "\(h.origin)/authorize?" + form(fields)
    }

    @Test(
        "errors Spotify shows as a page, never as a redirect",
        arguments: [
            ([("client_id", "nope")], Set<String>(), "INVALID_CLIENT: Invalid client"),
            ([], Set(["client_id"]), "Missing required parameter: client_id"),
            ([("redirect_uri", "http://127.0.0.1:9000/other")], Set<String>(), "INVALID_CLIENT: Invalid redirect URI"),
            ([("redirect_uri", "http://localhost:9000/callback")], Set<String>(), "INVALID_CLIENT: Insecure redirect URI"),
            ([("redirect_uri", "http://example.com/callback")], Set<String>(), "INVALID_CLIENT: Insecure redirect URI"),
            ([("response_type", "token")], Set<String>(), "response_type must be code"),
            ([("scope", "user-top-read made-up-scope")], Set<String>(), "Illegal scope"),
        ])
    func errorPages(overrides: [(String, String)], dropping: Set<String>, text: String) async throws {
        try await Harness.run(.init()) { h in
            let response = try await http("GET", authorizeURL(h, overrides, dropping: dropping))
            #expect(response.status == 400)
            #expect(response.headers["location"] == nil)
            #expect(response.body.contains(text))
        }
    }

    @Test("the consent page names the app, the scopes in plain words and the users to sign in as")
    func consentPage() async throws {
        try await Harness.run(.init()) { h in
            let response = try await http("GET", authorizeURL(h))
            #expect(response.status == 200)
            #expect(response.headers["content-type"]?.hasPrefix("text/html") == true)
            #expect(response.body.contains("Encore Tests"))
            #expect(response.body.contains("Read your top artists and content"))
            #expect(response.body.contains("Get your real email address"))
            #expect(response.body.contains("Maya Okafor"))
            #expect(response.body.contains(">Agree<") && response.body.contains(">Cancel<"))
        }
    }

    @Test("Agree redirects with a code and the state unchanged; Cancel with access_denied")
    func consentDecisions() async throws {
        try await Harness.run(.init()) { h in
            let common = [
                ("client_id", h.client.clientID), ("response_type", "code"), ("redirect_uri", Harness.redirect),
                ("scope", "user-top-read"), ("state", "abc 123"), ("user", "jonas"),
            ]
            let agree = try await http(
                "POST", "\(h.origin)/authorize/consent", headers: [("Content-Type", "application/x-www-form-urlencoded")],
                body: form(common + [("decision", "agree")]))
            #expect(agree.status == 302)
            #expect(agree.location?.absoluteString.hasPrefix(Harness.redirect + "?") == true)
            #expect(agree.redirectQuery["state"] == "abc 123")
            #expect((agree.redirectQuery["code"]?.count ?? 0) > 20)
            let cancel = try await http(
                "POST", "\(h.origin)/authorize/consent", headers: [("Content-Type", "application/x-www-form-urlencoded")],
                body: form(common + [("decision", "cancel")]))
            #expect(cancel.status == 302)
            #expect(cancel.redirectQuery == ["error": "access_denied", "state": "abc 123"])
        }
    }

    @Test("a remembered consent skips the page unless show_dialog=true")
    func rememberedConsent() async throws {
        try await Harness.run(.init()) { h in
            let agree = try await http(
                "POST", "\(h.origin)/authorize/consent", headers: [("Content-Type", "application/x-www-form-urlencoded")],
                body: form([
                    ("client_id", h.client.clientID), ("response_type", "code"), ("redirect_uri", Harness.redirect),
                    ("scope", "user-top-read user-read-email"), ("user", "priya"), ("decision", "agree"),
                ]))
            let cookie = try #require(agree.headers["set-cookie"]?.split(separator: ";").first.map(String.init))
            let again = try await http("GET", authorizeURL(h), headers: [("Cookie", cookie)])
            #expect(again.status == 302)
            #expect(again.redirectQuery["code"] != nil)
            let forced = try await http("GET", authorizeURL(h, [("show_dialog", "true")]), headers: [("Cookie", cookie)])
            #expect(forced.status == 200)
            let wider = try await http("GET", authorizeURL(h, [("scope", "user-top-read user-library-read")]), headers: [("Cookie", cookie)])
            #expect(wider.status == 200)
        }
    }

    @Test("a loopback URI registered without a port accepts any port")
    func loopbackAnyPort() async throws {
        try await Harness.run { h in
            let response = try await http("GET", authorizeURL(h, [("redirect_uri", "http://127.0.0.1:53682/loopback")]))
            #expect(response.status == 302)
            #expect(response.location?.port == 53682)
        }
    }

    @Test("a PKCE challenge must be S256 and well formed")
    func pkceParameters() async throws {
        try await Harness.run { h in
            let plain = try await http("GET", authorizeURL(h, [("code_challenge_method", "plain"), ("code_challenge", "x")]))
            #expect(plain.status == 302)
            #expect(plain.redirectQuery["error"] == "invalid_request")
            #expect(plain.redirectQuery["state"] == "abc 123")
        }
    }
}
