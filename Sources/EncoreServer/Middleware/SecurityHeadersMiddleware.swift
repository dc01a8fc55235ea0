import HTTPTypes
import Hummingbird

/// Security headers on every response: a CSP allowing only this app and the image hosts,
/// no framing, no MIME sniffing, no referrer (a callback URL carries a code), and HSTS when the
/// app is reached over https.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    let contentSecurityPolicy: String
    let strictTransportSecurity: Bool

    /// - Parameter strictTransportSecurity: The redirect URI is https, so browsers may be told to
    ///   use nothing else for a year (a plain-http loopback app must not say so).
    init(imageOrigins: [String], strictTransportSecurity: Bool = false) {
        let images = (["'self'"] + imageOrigins).joined(separator: " ")
        contentSecurityPolicy = "default-src 'none'; img-src \(images); style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        self.strictTransportSecurity = strictTransportSecurity
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.xFrameOptions] = "DENY"
        response.headers[.referrerPolicy] = "no-referrer"
        response.headers[.crossOriginOpenerPolicy] = "same-origin"
        if strictTransportSecurity { response.headers[.strictTransportSecurity] = "max-age=31536000" }
        return response
    }
}

extension HTTPField.Name {
    static let xContentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let crossOriginOpenerPolicy = HTTPField.Name("Cross-Origin-Opener-Policy")!
    static let strictTransportSecurity = HTTPField.Name("Strict-Transport-Security")!
}
