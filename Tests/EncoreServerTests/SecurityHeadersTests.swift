import Hummingbird
import HummingbirdTesting
import Testing

@testable import EncoreServer

@Suite("Security headers")
struct SecurityHeadersTests {
    func headers(strictTransportSecurity: Bool) async throws -> HTTPFields {
        let router = Router()
        router.add(middleware: SecurityHeadersMiddleware(imageOrigins: [], strictTransportSecurity: strictTransportSecurity))
        router.get("/") { _, _ in "ok" }
        let app = Application(router: router)
        return try await app.test(.router) { client in
            try await client.execute(uri: "/", method: .get) { $0.headers }
        }
    }

    @Test("Strict-Transport-Security is sent when the app is reached over https, and only then")
    func hsts() async throws {
        #expect(try await headers(strictTransportSecurity: true)[.strictTransportSecurity] == "max-age=31536000")
        #expect(try await headers(strictTransportSecurity: false)[.strictTransportSecurity] == nil)
    }

    @Test(
        "only http and https links reach a page",
        arguments: [
            ("https://open.spotify.com/user/maya", true), ("http://open.spotify.com/user/maya", true), ("HTTPS://x.test/", true),
            ("javascript:alert(1)", false), ("JavaScript:alert(1)", false), ("data:text/html,x", false), ("//evil.test/", false), ("", false),
        ])
    func webLinks(link: String, allowed: Bool) {
        #expect((Display.webLink(link) != nil) == allowed)
    }
}
