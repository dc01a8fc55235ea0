import Foundation
import PropertyBased
import Testing
@testable import EncoreServer

/// Generated hostile input against every route: never a 500, never a crash, always a message.
@Suite("Hostile input")
struct HostileInputTests {
    /// Pieces of query strings and cookies that have broken web apps before: bad percent-encoding
    /// (and percent-encoded invalid UTF-8), repeated and empty parameters, huge values, scheme-
    /// relative paths, separators in odd places.
    static let fragments = [
        "%", "%Z", "%ZZ", "%FF", "%00", "%C3%28", "%E2%82", "%ED%A0%80", "%F4%90%80%80", "%2F%2F", "%5C", "%0D%0A",
        "&", "=", "==", "&&", "state", "code", "error", "limit", "offset", "time_range", "next", "access_denied",
        "//evil.example", "https:", "javascript:", "+", "..", ";", ",", "!", "*", "'", "(", ")", "~",
        "99999999999999999999", "-1", "0", "50", "51", "short_term", "long_term", "A",
        String(repeating: "A", count: 3000), String(repeating: "%41", count: 500),
    ]

    static let hostileText = Gen<String?>.element(of: fragments).map { $0 ?? "" }.array(of: 1...12).map { $0.joined() }

    static let routes = ["/", "/login", "/callback", "/top/tracks", "/top/artists", "/api/me", "/api/top/tracks", "/api/top/artists", "/playlists/x", "/healthz"]
    static let route = Gen<String?>.element(of: routes).map { $0 ?? "/" }

    @Test("generated query strings never cause a 500, on any route, signed in or not")
    func queries() async throws {
        try await AppHarness.run { app in
            let signedIn = app.browser()
            try await app.signIn(signedIn)
            let anonymous = app.browser()
            await propertyCheck(count: 60, input: Self.hostileText, Self.route) { query, route in
                for browser in [signedIn, anonymous] {
                    let answer = try await browser.get(route + "?" + query)
                    #expect(answer.status < 500, "\(route)?\(query.prefix(200)) answered \(answer.status)")
                    if answer.status >= 400 { #expect(!answer.body.isEmpty) }
                }
            }
            #expect(try await signedIn.get("/api/me").status == 200)
            #expect(try await anonymous.get("/healthz").status == 200)
        }
    }

    @Test("generated cookies and headers never cause a 500 and never sign anyone in")
    func cookiesAndHeaders() async throws {
        try await AppHarness.run { app in
            let victim = app.browser()
            try await app.signIn(victim)
            let realCookie = try #require(victim.sessionCookie)
            await propertyCheck(count: 80, input: Self.hostileText, Self.route) { text, route in
                let cookies = [
                    "encore_session=\(text)",
                    "encore_session=\(realCookie); encore_session=\(text)",
                    "\(text)=\(text); encore_session=",
                    "encore_session=\(realCookie.dropLast())\(realCookie.last == "A" ? "B" : "A")",
                ]
                for cookie in cookies {
                    let answer = try await http("GET", app.appBase + route, headers: [
                        ("Cookie", cookie), ("Cache-Control", text), ("Origin", text), ("Accept", text),
                    ])
                    #expect(answer.status < 500, "\(route) with cookie \(cookie.prefix(120)) answered \(answer.status)")
                    if route.hasPrefix("/api/") { #expect(answer.status == 401) }
                }
                let post = try await http("POST", app.appBase + "/playlists/from-top", headers: [
                    ("Cookie", "encore_session=\(realCookie)"), ("Content-Type", "application/x-www-form-urlencoded"),
                ], body: text)
                #expect(post.status == 403 || post.status == 400, "form \(text.prefix(120)) answered \(post.status)")
            }
            #expect(app.emulator.counters.requests["POST /v1/me/playlists 201"] == nil)
            #expect(try await victim.get("/api/me").status == 200)
        }
    }
}
