import Foundation
import Testing

@testable import EncoreServer

@Suite("Pages and the JSON API", .timeLimit(.minutes(3)))
struct PagesAndAPITests {
    @Test("the top-tracks page lists 20 tracks with rank, cover, title, artists, album, length and a Spotify link")
    func topTracksPage() async throws {
        try await AppHarness.run { app in
            let browser = app.browser()
            try await app.signIn(browser)
            let page = try await browser.get("/top/tracks")
            #expect(page.status == 200)
            #expect(page.body.components(separatedBy: "<tr>").count - 2 == 20)
            #expect(page.body.contains("<td class=\"rank\">1</td>"))
            #expect(page.body.contains("<td class=\"rank\">20</td>"))
            #expect(page.body.contains("src=\"\(app.emulatorOrigin)/image/"))
            #expect(page.body.contains("href=\"https://open.spotify.com/track/"))
            #expect(page.body.range(of: #"<td class="duration">\d+:\d\d</td>"#, options: .regularExpression) != nil)
            #expect(page.body.contains("aria-current=\"page\">Last 6 months"))
            // Tabs for the three ranges, and the list differs per range.
            for range in ["short_term", "medium_term", "long_term"] { #expect(page.body.contains("time_range=\(range)")) }
            let short = try await browser.get("/top/tracks?time_range=short_term")
            #expect(short.body.contains("aria-current=\"page\">Last 4 weeks"))
            #expect(Self.firstTitle(short.body) != Self.firstTitle(page.body))
        }
    }

    @Test("the top-artists page lists artists with photos and genres")
    func topArtistsPage() async throws {
        try await AppHarness.run { app in
            let browser = app.browser()
            try await app.signIn(browser)
            let page = try await browser.get("/top/artists?time_range=long_term&limit=10&offset=10")
            #expect(page.status == 200)
            #expect(page.body.components(separatedBy: "<tr>").count - 2 == 10)
            #expect(page.body.contains("<td class=\"rank\">11</td>"))
            #expect(page.body.contains("href=\"https://open.spotify.com/artist/"))
            #expect(page.body.contains("rel=\"prev\""))
        }
    }

    @Test("the JSON API passes Spotify's objects through")
    func api() async throws {
        try await AppHarness.run { app in
            let browser = app.browser()
            try await app.signIn(browser)
            let me = try await browser.get("/api/me")
            #expect(me.status == 200)
            #expect(me.header("content-type")?.hasPrefix("application/json") == true)
            #expect(me.json["id"] as? String == "maya")
            let tracks = try await browser.get("/api/top/tracks?time_range=short_term&limit=5&offset=5")
            #expect(tracks.status == 200)
            #expect((tracks.json["items"] as? [Any])?.count == 5)
            #expect(tracks.json["offset"] as? Int == 5)
            #expect((tracks.json["href"] as? String)?.hasPrefix(app.emulatorOrigin + "/v1/me/top/tracks") == true)
            let artists = try await browser.get("/api/top/artists")
            #expect((artists.json["items"] as? [[String: Any]])?.first?["type"] as? String == "artist")
        }
    }

    @Test(
        "bad parameters get 400 naming the parameter",
        arguments: [
            ("/api/top/tracks?limit=0", "limit"), ("/api/top/tracks?limit=51", "limit"), ("/api/top/tracks?limit=ten", "limit"),
            ("/api/top/tracks?offset=-1", "offset"), ("/api/top/artists?time_range=forever", "time_range"),
            ("/api/top/tracks?limit=5&limit=6", "limit"), ("/top/tracks?time_range=%FF", "time_range"),
            ("/top/artists?limit=99999999999999999999", "limit"),
        ])
    func badParameters(path: String, parameter: String) async throws {
        try await AppHarness.run { app in
            let browser = app.browser()
            try await app.signIn(browser)
            let before = app.emulator.counters.requests.values.reduce(0, +)
            let answer = try await browser.get(path)
            #expect(answer.status == 400)
            #expect(answer.body.contains("The \(parameter) parameter"))
            #expect(app.emulator.counters.requests.values.reduce(0, +) == before)
        }
    }

    @Test("without a session the API answers 401 JSON and pages redirect to sign-in")
    func withoutSession() async throws {
        try await AppHarness.run { app in
            let browser = app.browser()
            for path in ["/api/me", "/api/top/tracks", "/api/top/artists"] {
                let answer = try await browser.get(path)
                #expect(answer.status == 401)
                #expect(answer.json["error"] as? String == "not_authenticated")
            }
            browser.setSessionCookie("forged-" + String(repeating: "x", count: 36))
            #expect(try await browser.get("/api/me").status == 401)
            let page = try await browser.get("/top/artists")
            #expect(page.status == 303)
            #expect(page.location == "/login?next=/top/artists")
        }
    }

    @Test("save as playlist creates a private playlist of the top tracks and links it")
    func saveAsPlaylist() async throws {
        try await AppHarness.run { app in
            let browser = app.browser()
            try await app.signIn(browser)
            let token = try #require(try await browser.csrfToken())
            let created = try await browser.post("/playlists/from-top", form: [("csrf_token", token), ("time_range", "short_term")])
            #expect(created.status == 303)
            let location = try #require(created.location)
            #expect(location.hasPrefix("/playlists/"))
            #expect(app.emulator.counters.requests["POST /v1/me/playlists 201"] == 1)
            #expect(app.emulator.counters.requests["POST /v1/playlists/{id}/items 201"] == 1)
            let page = try await browser.get(location)
            #expect(page.status == 200)
            #expect(page.body.contains("20 tracks"))
            #expect(page.body.contains("Encore · Top tracks · Last 4 weeks"))
            #expect(page.body.contains("https://open.spotify.com/playlist/"))
            // "Saved to Spotify" is for the session that saved it: not for the bare address, a
            // forged proof, or another browser following the same link.
            let bare = try #require(location.split(separator: "?").first.map(String.init))
            #expect(try await browser.get(bare).status == 404)
            #expect(try await browser.get(bare + "?saved=" + String(repeating: "A", count: 43)).status == 404)
            let other = app.browser()
            try await app.signIn(other)
            #expect(try await other.get(location).status == 404)
        }
    }

    @Test(
        "every form without the right CSRF token is refused with 403 and changes nothing",
        arguments: ["/playlists/from-top", "/logout"])
    func csrf(path: String) async throws {
        try await AppHarness.run { app in
            let browser = app.browser()
            try await app.signIn(browser)
            let token = try #require(try await browser.csrfToken())
            #expect(try await browser.post(path, form: [("time_range", "short_term")]).status == 403)
            // One character changed (a token that already starts with "A" gets a "B").
            let altered = (token.first == "A" ? "B" : "A") + token.dropFirst()
            #expect(try await browser.post(path, form: [("csrf_token", altered)]).status == 403)
            #expect(try await browser.post(path, form: [("csrf_token", token), ("csrf_token", token)]).status == 403)
            #expect(try await browser.post(path, form: [("csrf_token", token)], headers: [("Origin", "https://evil.example")]).status == 403)
            // A token from another session does not work either.
            let other = app.browser()
            try await app.signIn(other, as: "jonas")
            let otherToken = try #require(try await other.csrfToken())
            #expect(try await browser.post(path, form: [("csrf_token", otherToken)]).status == 403)
            #expect(app.emulator.counters.requests["POST /v1/me/playlists 201"] == nil)
            #expect(try await browser.get("/api/me").status == 200)
        }
    }

    @Test("signing out in one browser ends the person's other sessions, and nothing more is asked of Spotify with the grant")
    func logoutEverywhere() async throws {
        try await AppHarness.run { app in
            let first = app.browser(), second = app.browser()
            try await app.signIn(first)
            try await app.signIn(second)
            #expect(try await second.get("/api/me", headers: [("Cache-Control", "no-cache")]).status == 200)
            let token = try #require(try await first.csrfToken())
            #expect(try await first.post("/logout", form: [("csrf_token", token)]).status == 303)
            let calls = app.emulator.counters.requests.values.reduce(0, +)
            let api = try await second.get("/api/me", headers: [("Cache-Control", "no-cache")])
            #expect(api.status == 401)
            #expect(api.json["error"] as? String == "not_authenticated")
            let page = try await second.get("/top/tracks")
            #expect(page.status == 303)
            #expect(page.location?.hasPrefix("/login") == true)
            #expect(app.emulator.counters.requests.values.reduce(0, +) == calls)
        }
    }

    @Test("log out ends the session and deletes the stored tokens")
    func logout() async throws {
        try await AppHarness.run { app in
            let browser = app.browser()
            try await app.signIn(browser)
            #expect(try await app.store.grant(userID: app.stableID("maya")) != nil)
            let token = try #require(try await browser.csrfToken())
            let answer = try await browser.post("/logout", form: [("csrf_token", token)])
            #expect(answer.status == 303)
            #expect(answer.header("set-cookie")?.contains("Max-Age=0") == true)
            #expect(try await app.store.grant(userID: app.stableID("maya")) == nil)
            #expect(try await browser.get("/api/me").status == 401)
            #expect(try await browser.get("/").body.contains("Log in with Spotify"))
        }
    }

    @Test("two users in two browsers see only their own data")
    func twoUsers() async throws {
        try await AppHarness.run { app in
            let maya = app.browser(), jonas = app.browser()
            try await app.signIn(maya, as: "maya")
            try await app.signIn(jonas, as: "jonas")
            #expect(try await maya.get("/api/me").json["id"] as? String == "maya")
            #expect(try await jonas.get("/api/me").json["id"] as? String == "jonas")
            let mayaTop = try await maya.get("/api/top/tracks").body
            let jonasTop = try await jonas.get("/api/top/tracks").body
            #expect(mayaTop != jonasTop)
            #expect(try await maya.get("/").body.contains("Maya Okafor"))
            #expect(!(try await maya.get("/").body.contains("Jonas")))
        }
    }

    @Test("responses carry the security headers and the stylesheet is served")
    func securityHeaders() async throws {
        try await AppHarness.run { app in
            let home = try await app.browser().get("/")
            let csp = try #require(home.header("content-security-policy"))
            #expect(csp.contains("default-src 'none'"))
            #expect(csp.contains("img-src 'self' \(app.emulatorOrigin)"))
            #expect(csp.contains("frame-ancestors 'none'"))
            #expect(home.header("x-content-type-options") == "nosniff")
            #expect(home.header("referrer-policy") == "no-referrer")
            let css = try await app.browser().get("/static/encore.css")
            #expect(css.status == 200)
            #expect(css.header("content-type")?.hasPrefix("text/css") == true)
            let notFound = try await app.browser().get("/nowhere")
            #expect(notFound.status == 404)
            #expect(notFound.body.contains("Page not found"))
        }
    }

    static func firstTitle(_ html: String) -> String? {
        guard let range = html.range(of: "<td class=\"title\"><a href=\"") else { return nil }
        return String(html[range.upperBound...].prefix(80))
    }
}
