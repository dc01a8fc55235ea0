import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import EncoreServer

@Suite("Errors render themselves")
struct ErrorRenderingTests {
    @Test("an AppError thrown where no ErrorMiddleware stands still answers its status, JSON words and Retry-After")
    func appErrorWithoutMiddleware() async throws {
        let router = Router()
        router.get("/limited") { _, _ -> Response in throw AppError.userRateLimited(retryAfter: 7) }
        router.get("/bad") { _, _ -> Response in throw AppError.badParameter(name: "limit", message: "must be between 1 and 50") }
        let app = Application(router: router)
        try await app.test(.router) { client in
            try await client.execute(uri: "/limited", method: .get) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter] == "7")
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect(body?["error"] as? String == "user_rate_limited")
                #expect(body?["retry_after"] as? Int == 7)
            }
            try await client.execute(uri: "/bad", method: .get) { response in
                #expect(response.status == .badRequest)
                let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect(body?["message"] as? String == "The limit parameter must be between 1 and 50.")
                #expect(response.headers[.retryAfter] == nil)
            }
        }
    }
}
