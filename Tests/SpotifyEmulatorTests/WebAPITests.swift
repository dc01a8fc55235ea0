import Foundation
import Testing

@testable import SpotifyEmulator

@Suite("Web API", .timeLimit(.minutes(3)))
struct WebAPITests {
    @Test("no, bad or expired tokens get 401 with WWW-Authenticate; Basic gets 400")
    func authentication() async throws {
        try await Harness.run(.init(tokenTTL: 60, autoApproveUser: "maya")) { h in
            let missing = try await h.get("/me", token: nil)
            #expect(missing.status == 401)
            #expect(missing.body == #"{"error":{"status":401,"message":"Missing/invalid/expired access token"}}"#)
            #expect(missing.headers["www-authenticate"]?.hasPrefix("Bearer realm=\"spotify\"") == true)
            #expect(try await h.get("/me", token: "garbage").status == 401)
            let basicAuth = try await http("GET", h.api + "/me", headers: [basic("a", "b")])
            #expect(basicAuth.body == #"{"error":{"status":400,"message":"Only valid bearer authentication supported"}}"#)
            let token = try #require(try await h.signIn()["access_token"] as? String)
            #expect(try await h.get("/me", token: token).status == 200)
            h.emulator.advanceClock(by: .seconds(61))
            #expect(try await h.get("/me", token: token).status == 401)
        }
    }

    @Test("every /v1 route the router holds answers 401 without a token and 400 to Basic, before it looks at anything else")
    func everyRouteChecksItsCaller() async throws {
        try await Harness.run { h in
            let routes = h.emulator.buildRouter().routes.filter { $0.path.description.split(separator: "/").first == "v1" }
            #expect(routes.count >= 90, "\(routes.count) routes")
            for route in routes {
                // Path parameters get a well-formed ID, so a route that checked its input first
                // would answer 400 or 404 here instead.
                let path = route.path.description.split(separator: "/").map {
                    $0.hasPrefix("{") || $0.hasPrefix(":") ? "4iV5W9uYEdYUVa79Axb7Rh" : String($0)
                }
                .joined(separator: "/")
                let url = h.origin + "/" + path
                let missing = try await http(route.method.rawValue, url)
                #expect(missing.status == 401, "\(route.method) \(route.path) answered \(missing.status) without a token")
                let basicAuth = try await http(route.method.rawValue, url, headers: [basic("a", "b")])
                #expect(basicAuth.status == 400, "\(route.method) \(route.path) answered \(basicAuth.status) to Basic")
            }
        }
    }

    @Test("/me carries fields by granted scope, and none of the removed ones in development mode")
    func me() async throws {
        try await Harness.run { h in
            let full = try await h.get("/me", token: try await h.signIn()["access_token"] as? String).json
            #expect(full["id"] as? String == "maya")
            #expect(full["email"] as? String == "maya@example.com")
            #expect(full["country"] as? String == "GB")
            #expect(full["product"] as? String == "premium")
            #expect((full["account_id"] as? String)?.count == 22)
            let images = try #require(full["images"] as? [[String: Any]])
            #expect((images.first?["url"] as? String)?.hasPrefix(h.origin + "/image/") == true)

            let narrow = try await h.get("/me", token: try await h.signIn(scope: "user-top-read")["access_token"] as? String).json
            #expect(narrow["email"] == nil && narrow["country"] == nil && narrow["product"] == nil)
            #expect(narrow["display_name"] as? String == "Maya Okafor")

            h.emulator.setDevMode(true)
            let dev = try await h.get("/me", token: try await h.signIn()["access_token"] as? String).json
            for removed in ["country", "email", "explicit_content", "followers", "product"] { #expect(dev[removed] == nil) }
            #expect(dev["account_id"] != nil)
        }
    }

    @Test("top items: paging object with all seven fields and absolute links on the emulator's origin")
    func topItemsPaging() async throws {
        try await Harness.run { h in
            let token = try await h.signIn()["access_token"] as? String
            let first = try await h.get("/me/top/tracks?limit=20", token: token)
            #expect(first.status == 200)
            #expect(first.headers["cache-control"] == "private, max-age=0")
            let page = first.json
            #expect(Set(page.keys) == ["href", "items", "limit", "next", "offset", "previous", "total"])
            #expect(page["href"] as? String == "\(h.api)/me/top/tracks?limit=20&offset=0&time_range=medium_term")
            #expect(page["next"] as? String == "\(h.api)/me/top/tracks?limit=20&offset=20&time_range=medium_term")
            #expect(page["previous"] is NSNull)
            #expect(page["total"] as? Int == 50)
            #expect((page["items"] as? [Any])?.count == 20)
            let last = try await h.get("/me/top/tracks?limit=20&offset=40", token: token).json
            #expect((last["items"] as? [Any])?.count == 10)
            #expect(last["next"] is NSNull)
            #expect(last["previous"] as? String == "\(h.api)/me/top/tracks?limit=20&offset=20&time_range=medium_term")
            let beyond = try await h.get("/me/top/tracks?offset=50", token: token).json
            #expect((beyond["items"] as? [Any])?.isEmpty == true)
            #expect(beyond["total"] as? Int == 0)
        }
    }

    @Test("top lists differ by time range, for tracks and artists")
    func timeRanges() async throws {
        try await Harness.run { h in
            let token = try await h.signIn()["access_token"] as? String
            for type in ["tracks", "artists"] {
                var lists: [[String]] = []
                for range in ["short_term", "medium_term", "long_term"] {
                    let items = try #require(
                        try await h.get("/me/top/\(type)?limit=50&time_range=\(range)", token: token).json["items"] as? [[String: Any]])
                    #expect(items.count == 50)
                    lists.append(items.compactMap { $0["id"] as? String })
                }
                #expect(lists[0] != lists[1] && lists[1] != lists[2])
            }
        }
    }

    @Test(
        "parameter errors",
        arguments: [
            ("/me/top/tracks?limit=0", 400, "Invalid limit"), ("/me/top/tracks?limit=51", 400, "Invalid limit"),
            ("/me/top/tracks?limit=ten", 400, "Invalid limit"), ("/me/top/tracks?offset=-1", 400, "Invalid offset"),
            ("/me/top/tracks?time_range=forever", 400, "Invalid time range"), ("/me/top/albums", 404, "Service not found"),
            ("/tracks/short", 400, "Invalid base62 id"), ("/tracks/0000000000000000000000", 404, "Resource not found"),
            ("/artists/!!!", 400, "Invalid base62 id"), ("/nowhere", 404, "Service not found"),
        ])
    func parameterErrors(path: String, status: Int, message: String) async throws {
        try await Harness.run { h in
            let response = try await h.get(path, token: try await h.signIn()["access_token"] as? String)
            #expect(response.status == status)
            #expect(response.body == #"{"error":{"status":\#(status),"message":"\#(message)"}}"#)
        }
    }

    @Test("a token without the scope gets 403 Insufficient client scope")
    func missingScope() async throws {
        try await Harness.run { h in
            let token = try await h.signIn(scope: "user-read-email")["access_token"] as? String
            for path in ["/me/top/tracks", "/me/tracks", "/me/player/recently-played"] {
                let response = try await h.get(path, token: token)
                #expect(response.status == 403)
                #expect(response.body == #"{"error":{"status":403,"message":"Insufficient client scope"}}"#)
            }
        }
    }

    @Test("ETag and If-None-Match give 304")
    func conditionalRequests() async throws {
        try await Harness.run { h in
            let token = try await h.signIn()["access_token"] as? String
            let first = try await h.get("/me/top/artists", token: token)
            let etag = try #require(first.headers["etag"])
            let second = try await h.get("/me/top/artists", token: token, headers: [("If-None-Match", etag)])
            #expect(second.status == 304)
            #expect(second.body.isEmpty)
            #expect(try await h.get("/me/top/artists?limit=5", token: token, headers: [("If-None-Match", etag)]).status == 200)
        }
    }

    @Test("recently played: cursor paging, exclusive cursors, at most 50 plays")
    func recentlyPlayed() async throws {
        try await Harness.run { h in
            let token = try await h.signIn()["access_token"] as? String
            let first = try await h.get("/me/player/recently-played?limit=20", token: token).json
            let items = try #require(first["items"] as? [[String: Any]])
            #expect(items.count == 20)
            let cursors = try #require(first["cursors"] as? [String: String])
            let next = try #require(first["next"] as? String)
            #expect(next == "\(h.api)/me/player/recently-played?before=\(cursors["before"]!)&limit=20")
            let older = try await http("GET", next, headers: [("Authorization", "Bearer \(token ?? "")")]).json
            let olderItems = try #require(older["items"] as? [[String: Any]])
            #expect(olderItems.count == 20)
            #expect((olderItems.first?["played_at"] as? String ?? "") < (items.last?["played_at"] as? String ?? ""))
            let newer = try await h.get("/me/player/recently-played?after=\(cursors["before"]!)", token: token).json
            #expect((newer["items"] as? [Any])?.count == 19)
            let both = try await h.get("/me/player/recently-played?after=1&before=2", token: token)
            #expect(both.status == 400)
        }
    }

    @Test("saved tracks page through the whole library")
    func savedTracks() async throws {
        try await Harness.run { h in
            let token = try await h.signIn()["access_token"] as? String
            let first = try await h.get("/me/tracks?limit=50", token: token).json
            let total = try #require(first["total"] as? Int)
            #expect(total > 50)
            let item = try #require((first["items"] as? [[String: Any]])?.first)
            #expect((item["added_at"] as? String)?.hasSuffix("Z") == true)
            #expect((item["track"] as? [String: Any])?["type"] as? String == "track")
        }
    }

    @Test("playlists: create (201), add up to 100 items (201 snapshot), read back; more than 100 is refused")
    func playlists() async throws {
        try await Harness.run { h in
            let token = try #require(try await h.signIn()["access_token"] as? String)
            let auth = ("Authorization", "Bearer \(token)")
            let created = try await http(
                "POST", h.api + "/me/playlists", headers: [auth, ("Content-Type", "application/json")], body: #"{"name":"My top","public":false}"#)
            #expect(created.status == 201)
            let id = try #require(created.json["id"] as? String)
            #expect(created.json["public"] as? Bool == false)
            let top = try #require(try await h.get("/me/top/tracks?limit=50", token: token).json["items"] as? [[String: Any]])
            let uris = top.compactMap { $0["uri"] as? String }
            let added = try await http(
                "POST", h.api + "/playlists/\(id)/items", headers: [auth, ("Content-Type", "application/json")],
                body: String(data: try JSONSerialization.data(withJSONObject: ["uris": uris]), encoding: .utf8))
            #expect(added.status == 201)
            #expect(added.json["snapshot_id"] is String)
            let items = try await h.get("/playlists/\(id)/items?limit=50", token: token).json
            #expect(items["total"] as? Int == 50)
            #expect((((items["items"] as? [[String: Any]])?.first)?["item"] as? [String: Any])?["uri"] as? String == uris.first)
            let tooMany = try await http(
                "POST", h.api + "/playlists/\(id)/items", headers: [auth, ("Content-Type", "application/json")],
                body: String(data: try JSONSerialization.data(withJSONObject: ["uris": Array(repeating: uris[0], count: 101)]), encoding: .utf8))
            #expect(tooMany.status == 400)
            let publicAttempt = try await http(
                "POST", h.api + "/me/playlists", headers: [auth, ("Content-Type", "application/json")], body: #"{"name":"Loud"}"#)
            #expect(publicAttempt.status == 403)
        }
    }

    @Test("images point at the emulator and are served as SVG")
    func images() async throws {
        try await Harness.run { h in
            let page = try await h.get("/me/top/tracks?limit=1", token: try await h.signIn()["access_token"] as? String).json
            let track = try #require((page["items"] as? [[String: Any]])?.first)
            let url = try #require(((track["album"] as? [String: Any])?["images"] as? [[String: Any]])?.first?["url"] as? String)
            #expect(url.hasPrefix(h.origin + "/image/"))
            let image = try await http("GET", url)
            #expect(image.status == 200)
            #expect(image.headers["content-type"] == "image/svg+xml")
            #expect(image.body.hasPrefix("<svg"))
        }
    }

    @Test("development mode drops popularity and markets from tracks and followers from artists")
    func devModeShapes() async throws {
        try await Harness.run(.init(devMode: true, autoApproveUser: "maya")) { h in
            let token = try await h.signIn()["access_token"] as? String
            let track = try #require((try await h.get("/me/top/tracks?limit=1", token: token).json["items"] as? [[String: Any]])?.first)
            #expect(track["popularity"] == nil && track["available_markets"] == nil)
            #expect((track["album"] as? [String: Any])?["available_markets"] == nil)
            let artist = try #require((try await h.get("/me/top/artists?limit=1", token: token).json["items"] as? [[String: Any]])?.first)
            #expect(artist["followers"] == nil && artist["popularity"] == nil)
            #expect(artist["genres"] != nil)
        }
    }

    @Test("the same seed gives the same catalog; another seed another")
    func determinism() {
        let a = Catalog(seed: 7), b = Catalog(seed: 7), c = Catalog(seed: 8)
        #expect(a.tracks.map(\.id) == b.tracks.map(\.id))
        #expect(a.users.map { $0.topTracks["short_term"]! } == b.users.map { $0.topTracks["short_term"]! })
        #expect(a.tracks.map(\.id) != c.tracks.map(\.id))
        #expect(a.artists.count >= 300 && a.albums.count >= 300 && a.tracks.count >= 2000)
        #expect(a.tracks.allSatisfy { Base62.isValidID(Substring($0.id)) })
    }
}
