import Foundation
import Testing

@testable import EncoreServer

@Suite("Sign-in with Spotify", .timeLimit(.minutes(3)))
struct SignInTests {
    @Test("a full sign-in sends every authorize parameter, rotates the session and shows the profile")
    func fullSignIn() async throws {
        try await AppHarness.run { app in
            let browser = app.browser()
            let login = try await browser.get("/login")
            #expect(login.status == 302)
            let authorize = try #require(login.location.flatMap(URLComponents.init(string:)))
            let items = Dictionary((authorize.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { a, _ in a })
            #expect(authorize.path == "/authorize")
            #expect(items["response_type"] == "code")
            #expect(items["client_id"] == app.client.clientID)
            #expect(items["redirect_uri"] == "http://127.0.0.1:9000/callback")
            #expect(items["scope"] == "user-read-email user-read-private user-top-read playlist-modify-private")
            #expect(items["code_challenge_method"] == "S256")
            #expect(items["code_challenge"]?.count == 43)
            #expect((items["state"]?.count ?? 0) >= 43)
            let cookieHeader = try #require(login.header("set-cookie"))
            #expect(cookieHeader.contains("HttpOnly"))
            #expect(cookieHeader.contains("SameSite=Lax"))
            #expect(cookieHeader.contains("Path=/"))
            #expect(!cookieHeader.contains("Secure"))
            let before = try #require(browser.sessionCookie)

            let consent = try await http("GET", try #require(login.location))
            let callback = try await browser.get("/callback?" + (consent.locationQuery ?? ""))
            #expect(callback.status == 303)
            #expect(callback.location == "/")
            let after = try #require(browser.sessionCookie)
            #expect(after != before)
            #expect(!callback.body.contains("access_token"))

            let home = try await browser.get("/")
            #expect(home.status == 200)
            #expect(home.body.contains("Maya Okafor"))
            #expect(home.body.contains("Log out"))
            #expect(home.body.contains("name=\"csrf_token\""))
            #expect(home.body.contains("Save as playlist"))

            // The id used before sign-in is worth nothing after it.
            let planted = Browser(base: app.appBase)
            planted.setSessionCookie(before)
            #expect(try await planted.get("/api/me").status == 401)
        }
    }

    @Test(
        "next is honoured for a same-origin path and ignored otherwise",
        arguments: [
            ("/top/artists", "/top/artists"), ("//evil.example", "/"), ("https://evil.example/", "/"), ("/%5Cevil.example", "/"),
            ("javascript:alert(1)", "/"),
        ])
    func nextParameter(next: String, expected: String) async throws {
        try await AppHarness.run { app in
            let browser = app.browser()
            let callback = try await app.signIn(browser, next: next)
            #expect(callback.status == 303)
            #expect(callback.location == expected)
        }
    }

    @Test("a page without a session redirects to /login and comes back after sign-in")
    func redirectThroughLogin() async throws {
        try await AppHarness.run { app in
            let browser = app.browser()
            let page = try await browser.get("/top/tracks?time_range=short_term")
            #expect(page.status == 303)
            let location = try #require(page.location)
            #expect(location.hasPrefix("/login?next="))
            let next = try #require(URLComponents(string: location)?.queryItems?.first { $0.name == "next" }?.value)
            let callback = try await app.signIn(browser, next: next.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
            #expect(callback.location == "/top/tracks?time_range=short_term")
        }
    }

    enum Attack: String, CaseIterable, Sendable {
        case missing, unknown, replayed, foreign, expired, noCookie, malformed
    }

    @Test("a bad state gets a 400 page and nothing is sent to Spotify", arguments: Attack.allCases)
    func stateAttacks(attack: Attack) async throws {
        try await AppHarness.run { app in
            let browser = app.browser()
            var query = try await app.startSignIn(browser)
            let code = try #require(URLComponents(string: "/?" + query)?.queryItems?.first { $0.name == "code" }?.value)
            let state = try #require(URLComponents(string: "/?" + query)?.queryItems?.first { $0.name == "state" }?.value)
            var who = browser
            switch attack {
            case .missing:
                query = "code=\(code)"
            case .unknown:
                query = "code=\(code)&state=" + String(repeating: "A", count: 43)
            case .malformed:
                query = "code=\(code)&state=%FF%FE<script>"
            case .replayed:
                #expect(try await browser.get("/callback?" + query).status == 303)
            case .foreign:
                // An attacker's own sign-in state, delivered to a victim's browser.
                who = app.browser()
                _ = try await who.get("/login")
            case .expired:
                app.clock.advance(by: .seconds(601))
            case .noCookie:
                who = app.browser()
            }
            let grantsBefore = app.tokenGrants("authorization_code")
            let answer = try await who.get("/callback?" + query)
            #expect(answer.status == 400)
            #expect(answer.body.contains("Nothing was sent to Spotify"))
            #expect(!answer.body.contains(code))
            #expect(!answer.body.contains(state))
            #expect(app.tokenGrants("authorization_code") == grantsBefore)
        }
    }

    @Test("a replayed callback with the cookie as it was before sign-in is refused, and nothing is sent to Spotify")
    func replayWithOldCookie() async throws {
        try await AppHarness.run { app in
            let browser = app.browser()
            let query = try await app.startSignIn(browser)
            let cookieBefore = try #require(browser.sessionCookie)
            #expect(try await browser.get("/callback?" + query).status == 303)
            let grants = app.tokenGrants("authorization_code")
            let replay = Browser(base: app.appBase)
            replay.setSessionCookie(cookieBefore)
            let answer = try await replay.get("/callback?" + query)
            #expect(answer.status == 400)
            #expect(answer.body.contains("already used"))
            #expect(app.tokenGrants("authorization_code") == grants)
        }
    }

    @Test("a thousand /login hits without a cookie write no row; one cookie keeps at most three sign-ins under way")
    func loginWritesNothing() async throws {
        try await AppHarness.run { app in
            let tables = ["encore_sessions", "encore_pending_sign_ins", "encore_used_sign_in_states"]
            for batch in 0..<50 {
                let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<20 { group.addTask { try await http("GET", app.appBase + "/login?next=/b\(batch)").status } }
                    return try await group.reduce(into: [Int]()) { $0.append($1) }
                }
                #expect(statuses.allSatisfy { $0 == 302 })
            }
            for table in tables { #expect(try await app.rows(in: table) == 0, "\(table) grew") }

            // One browser hitting /login over and over carries a bounded cookie, and its last
            // sign-in still finishes.
            let browser = app.browser()
            var sizes: [Int] = []
            for _ in 0..<25 {
                _ = try await browser.get("/login")
                sizes.append(try #require(browser.sessionCookie).utf8.count)
            }
            #expect(sizes[2] == sizes[24], "the cookie stops growing at three sign-ins")
            #expect(sizes[24] < 1_600)
            for table in tables { #expect(try await app.rows(in: table) == 0) }
            #expect(try await app.signIn(browser).status == 303)
            #expect(try await app.rows(in: "encore_used_sign_in_states") == 1)
            #expect(try await app.rows(in: "encore_sessions") == 1)
        }
    }

    @Test("two tabs that each start a sign-in both finish, in either order")
    func twoTabs() async throws {
        try await AppHarness.run { app in
            let browser = app.browser()
            let first = try await app.startSignIn(browser)
            let second = try await app.startSignIn(browser)
            let answerSecond = try await browser.get("/callback?" + second)
            #expect(answerSecond.status == 303)
            let answerFirst = try await browser.get("/callback?" + first)
            #expect(answerFirst.status == 303)
            #expect(try await browser.get("/api/me").json["id"] as? String == "maya")
            #expect(app.tokenGrants("authorization_code") == 2)
        }
    }

    @Test("a sealed sign-in that was altered is refused without a call to Spotify")
    func alteredCookie() async throws {
        try await AppHarness.run { app in
            let browser = app.browser()
            let query = try await app.startSignIn(browser)
            let cookie = try #require(browser.sessionCookie)
            let dot = try #require(cookie.firstIndex(of: "."))
            var bytes = Array(cookie.utf8)
            let position = cookie.utf8.distance(from: cookie.utf8.startIndex, to: dot.samePosition(in: cookie.utf8)!) + 20
            bytes[position] = bytes[position] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            browser.setSessionCookie(String(decoding: bytes, as: UTF8.self))
            let answer = try await browser.get("/callback?" + query)
            #expect(answer.status == 400)
            #expect(app.tokenGrants("authorization_code") == 0)
            #expect(app.logs.all.contains { $0.contains("could not be decrypted") })
        }
    }

    @Test("a repeated state parameter is not accepted")
    func repeatedState() async throws {
        try await AppHarness.run { app in
            let browser = app.browser()
            let query = try await app.startSignIn(browser)
            let answer = try await browser.get("/callback?" + query + "&state=other")
            #expect(answer.status == 400)
            #expect(app.tokenGrants("authorization_code") == 0)
        }
    }

    @Test("choosing Cancel on Spotify's page gives a friendly page with a way to try again")
    func accessDenied() async throws {
        try await AppHarness.run(AppHarness.Options(autoApprove: nil)) { app in
            let browser = app.browser()
            app.emulator.setAutoApprove(user: nil)
            let login = try await browser.get("/login")
            let authorize = try #require(login.location.flatMap(URLComponents.init(string:)))
            var fields = (authorize.queryItems ?? []).map { ($0.name, $0.value ?? "") }
            fields.append(("user", "maya"))
            fields.append(("decision", "cancel"))
            let cancel = try await http(
                "POST", app.emulatorOrigin + "/authorize/consent",
                headers: [("Content-Type", "application/x-www-form-urlencoded")], body: formBody(fields))
            #expect(cancel.locationParameter("error") == "access_denied")
            let page = try await browser.get("/callback?" + (cancel.locationQuery ?? ""))
            #expect(page.status == 403)
            #expect(page.body.contains("You chose not to connect"))
            #expect(page.body.contains("href=\"/login\""))
            #expect(app.tokenGrants("authorization_code") == 0)
        }
    }

    @Test("a PKCE-only configuration signs in without a client secret")
    func pkceOnly() async throws {
        try await AppHarness.run(AppHarness.Options(pkceOnly: true)) { app in
            let browser = app.browser()
            let callback = try await app.signIn(browser)
            #expect(callback.status == 303)
            #expect(try await browser.get("/api/me").json["id"] as? String == "maya")
        }
    }
}
