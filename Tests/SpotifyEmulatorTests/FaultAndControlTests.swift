import Foundation
import Testing

@testable import SpotifyEmulator

@Suite("Faults, controls and counters", .timeLimit(.minutes(3)))
struct FaultAndControlTests {
    @Test("rate limit and quota faults answer 429 with Retry-After and Spotify's bodies")
    func rateLimits() async throws {
        try await Harness.run { h in
            let token = try await h.signIn()["access_token"] as? String
            h.emulator.injectFault(FaultRule(kind: .rateLimit, pathPrefix: "/v1/me/top", retryAfter: 4, count: 1))
            let limited = try await h.get("/me/top/tracks", token: token)
            #expect(limited.status == 429)
            #expect(limited.headers["retry-after"] == "4")
            #expect(limited.body == #"{"error":{"status":429,"message":"API rate limit exceeded"}}"#)
            #expect(try await h.get("/me/top/tracks", token: token).status == 200)
            h.emulator.injectFault(FaultRule(kind: .quotaExceeded, count: 1))
            let quota = try await h.get("/me", token: token)
            #expect(quota.body == #"{"error":{"status":429,"message":"Too many requests","reason":"QUOTA_EXCEEDED"}}"#)
        }
    }

    @Test("status faults for the next N requests, then normal answers")
    func statusBurst() async throws {
        try await Harness.run { h in
            let token = try await h.signIn()["access_token"] as? String
            h.emulator.injectFault(FaultRule(kind: .status, pathPrefix: "/v1/me", status: 503, count: 2))
            #expect(try await h.get("/me", token: token).status == 503)
            #expect(try await h.get("/me", token: token).status == 503)
            #expect(try await h.get("/me", token: token).status == 200)
            #expect(h.emulator.counters.faultsInjected["status"] == 2)
        }
    }

    @Test("the token endpoint can be taken down too")
    func tokenEndpointDown() async throws {
        try await Harness.run { h in
            h.emulator.injectFault(FaultRule(kind: .status, pathPrefix: "/api/token", status: 500))
            let response = try await http(
                "POST", "\(h.origin)/api/token", headers: [("Content-Type", "application/x-www-form-urlencoded"), basic("client-1", "secret-1")],
                body: "grant_type=client_credentials")
            #expect(response.status == 500)
            h.emulator.clearFaults()
            #expect(
                try await http(
                    "POST", "\(h.origin)/api/token", headers: [("Content-Type", "application/x-www-form-urlencoded"), basic("client-1", "secret-1")],
                    body: "grant_type=client_credentials"
                ).status == 200)
        }
    }

    @Test("counters count requests by route and status, and grants by type")
    func counters() async throws {
        try await Harness.run { h in
            let token = try await h.signIn()["access_token"] as? String
            _ = try await h.get("/me/top/tracks", token: token)
            _ = try await h.get("/me/top/artists", token: token)
            _ = try await h.get("/me/top/tracks?limit=99", token: token)
            let counters = h.emulator.counters
            #expect(counters.requests["GET /v1/me/top/{type} 200"] == 2)
            #expect(counters.requests["GET /v1/me/top/{type} 400"] == 1)
            #expect(counters.requests["POST /api/token 200"] == 1)
            #expect(counters.tokenGrants == ["authorization_code": 1])
            h.emulator.resetCounters()
            #expect(h.emulator.counters.requests.isEmpty)
        }
    }

    @Test("the HTTP controls register clients, inject faults, move the clock and read counters")
    func httpControls() async throws {
        try await Harness.run(.init()) { h in
            let json = ("Content-Type", "application/json")
            let registered = try await http(
                "POST", "\(h.origin)/_emulator/clients", headers: [json], body: #"{"name":"Other","redirect_uris":["http://127.0.0.1:7000/cb"]}"#)
            #expect(registered.status == 201)
            let clientID = try #require(registered.json["client_id"] as? String)
            #expect(h.emulator.state.client(clientID)?.name == "Other")
            #expect(try await http("PUT", "\(h.origin)/_emulator/auto-approve", headers: [json], body: #"{"user":"sofia"}"#).status == 200)
            #expect(try await http("PUT", "\(h.origin)/_emulator/auto-approve", headers: [json], body: #"{"user":"nobody"}"#).status == 400)
            let authorize = try await http(
                "GET",
                "\(h.origin)/authorize?" + form([("client_id", clientID), ("response_type", "code"), ("redirect_uri", "http://127.0.0.1:7000/cb")]))
            #expect(authorize.status == 302)
            let before = h.emulator.now
            #expect(try await http("POST", "\(h.origin)/_emulator/clock/advance", headers: [json], body: #"{"seconds":3600}"#).status == 200)
            #expect(h.emulator.now.timeIntervalSince(before) >= 3600)
            #expect(
                try await http("POST", "\(h.origin)/_emulator/faults", headers: [json], body: #"{"kind":"status","status":502,"count":1}"#).status
                    == 201)
            #expect(try await http("GET", "\(h.origin)/v1/me").status == 502)
            let counters = try await http("GET", "\(h.origin)/_emulator/counters").json
            #expect((counters["requests"] as? [String: Int])?["GET /v1/me 502"] == 1)
            #expect(
                try await http("PUT", "\(h.origin)/_emulator/settings", headers: [json], body: #"{"dev_mode":true,"refresh_token_policy":"rotate"}"#)
                    .status == 200)
            #expect(h.emulator.state.settings.devMode)
            #expect(h.emulator.state.settings.refreshTokenPolicy == .rotate)
            #expect(try await http("POST", "\(h.origin)/_emulator/faults", headers: [json], body: "not json").status == 400)
        }
    }

    @Test("a rotating refresh whose answer is lost or delayed has already revoked the old token")
    func answerAfterEffect() async throws {
        try await Harness.run(.init(refreshTokenPolicy: .rotate, autoApproveUser: "maya")) { h in
            let old = try #require(try await h.signIn()["refresh_token"] as? String)
            let refreshBody = form([("grant_type", "refresh_token"), ("refresh_token", old)])
            let headers = [("Content-Type", "application/x-www-form-urlencoded"), basic(h.client.clientID, h.client.clientSecret)]

            h.emulator.injectFault(FaultRule(kind: .lostAnswer, pathPrefix: "/api/token", count: 1))
            await #expect(throws: (any Error).self) { try await http("POST", "\(h.origin)/api/token", headers: headers, body: refreshBody) }
            #expect(h.emulator.counters.refreshesByUser["maya"] == 1)
            let reuse = try await http("POST", "\(h.origin)/api/token", headers: headers, body: refreshBody)
            #expect(reuse.body == #"{"error":"invalid_grant","error_description":"Refresh token revoked"}"#)

            // A delayed answer: the grant is counted while the caller still waits, then the caller gives up.
            let second = try #require(try await h.signIn()["refresh_token"] as? String)
            let secondBody = form([("grant_type", "refresh_token"), ("refresh_token", second)])
            h.emulator.injectFault(FaultRule(kind: .delayedAnswer, pathPrefix: "/api/token", latencyMs: 60_000, count: 1))
            let waiting = Task { try await http("POST", "\(h.origin)/api/token", headers: headers, body: secondBody) }
            var applied = false
            for _ in 0..<100_000 where !applied {
                applied = h.emulator.counters.refreshesByUser["maya"] == 2
                if !applied { await Task.yield() }
            }
            #expect(applied)
            waiting.cancel()
            _ = await waiting.result
            let late = try await http("POST", "\(h.origin)/api/token", headers: headers, body: secondBody)
            #expect(late.json["error"] as? String == "invalid_grant")
        }
    }

    @Test("latency_ms delays any fault, not just the normal answer")
    func delayedFault() async throws {
        try await Harness.run { h in
            h.emulator.injectFault(FaultRule(kind: .status, pathPrefix: "/v1/me", status: 503, latencyMs: 200, count: 1))
            let start = ContinuousClock.now
            let answer = try await h.get("/me", token: nil)
            #expect(answer.status == 503)
            #expect(ContinuousClock.now - start >= .milliseconds(200))
        }
    }
}
