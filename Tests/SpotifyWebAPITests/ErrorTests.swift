import Foundation
import NIOCore
import Testing

@testable import SpotifyWebAPI

@Suite("Errors from both services")
struct ErrorTests {
    @Test("the Web API's error object gives status, message and reason")
    func webAPIShape() {
        let error = SpotifyAPIError.from(
            response: .json(
                429, #"{"error":{"status":429,"message":"Too many requests","reason":"QUOTA_EXCEEDED"}}"#, headers: [("Retry-After", "7")]),
            service: .webAPI
        )
        #expect(error.code == .rateLimited)
        #expect(error.status == 429)
        #expect(error.message == "Too many requests")
        #expect(error.reason == "QUOTA_EXCEEDED")
        #expect(error.retryAfter == .seconds(7))
    }

    @Test(
        "the accounts service's RFC 6749 error is read by which service answered",
        arguments: [
            (#"{"error":"invalid_grant","error_description":"Invalid authorization code"}"#, SpotifyAPIError.Code.invalidGrant),
            (#"{"error":"invalid_client","error_description":"Invalid client secret"}"#, .invalidClient),
            (#"{"error":"invalid_client"}"#, .invalidClient),
            (#"{"error":"unsupported_grant_type","error_description":"grant_type parameter is missing"}"#, .invalidRequest),
        ])
    func accountsShape(body: String, code: SpotifyAPIError.Code) {
        let error = SpotifyAPIError.from(response: .json(400, body), service: .accounts)
        #expect(error.code == code)
        #expect(error.service == .accounts)
    }

    @Test(
        "codes follow the status, not the message text",
        arguments: [
            (400, SpotifyAPIError.Code.invalidRequest), (401, .unauthorized), (403, .forbidden), (404, .notFound),
            (429, .rateLimited), (500, .server), (502, .server), (503, .server), (418, .unexpectedStatus),
        ])
    func statusCodes(status: Int, code: SpotifyAPIError.Code) {
        let error = SpotifyAPIError.from(
            response: .json(status, #"{"error":{"status":\#(status),"message":"Insufficient client scope"}}"#), service: .webAPI)
        #expect(error.code == code)
    }

    @Test("a plain-text 403 keeps its text")
    func plainText() {
        let response = TransportResponse.raw(status: 403, body: "User not registered in the Developer Dashboard")
        let error = SpotifyAPIError.from(response: response, service: .webAPI)
        #expect(error.code == .forbidden)
        #expect(error.message == "User not registered in the Developer Dashboard")
    }

    @Test("Retry-After parsing", arguments: [("0", Duration.zero), ("3", .seconds(3)), (" 12 ", .seconds(12)), ("1.5", .milliseconds(1500))])
    func retryAfter(value: String, expected: Duration) {
        #expect(SpotifyAPIError.parseRetryAfter(value) == expected)
    }

    @Test("bad Retry-After values are ignored", arguments: ["-1", "soon", ""])
    func badRetryAfter(value: String) {
        #expect(SpotifyAPIError.parseRetryAfter(value) == nil)
    }

    @Test("descriptions say what to do and hold no secret")
    func descriptions() {
        let error = SpotifyAPIError(
            code: .reauthorizationRequired, service: .accounts, status: 400, message: "Refresh token revoked", reason: "invalid_grant")
        #expect(error.description.contains("sign in again"))
        #expect(error.shortDescription == "reauthorization_required (400)")
    }

    @Test("secret-bearing values print redacted")
    func redaction() {
        let tokens = UserTokens(
            accessToken: AccessToken("BQBLuPRYBQsecretaccess"), refreshToken: RefreshToken("AQAQsecretrefresh"),
            expiresAt: Date(), scopes: [], grantedAt: Date()
        )
        let printed = [
            "\(tokens)", String(reflecting: tokens.accessToken), "\(ClientSecret("topsecret"))", "\(CodeVerifier.random())",
            "\(AuthorizationState(rawValue: "state-value-123"))",
            "\(AuthorizationCallback(code: "code-value-123", state: "s", error: nil))",
        ].joined(separator: " ")
        for secret in ["BQBLuPRYBQsecretaccess", "AQAQsecretrefresh", "topsecret", "state-value-123", "code-value-123"] {
            #expect(!printed.contains(secret))
        }
        #expect("\(tokens.accessToken)" == "AccessToken(…cess)")
    }
}
