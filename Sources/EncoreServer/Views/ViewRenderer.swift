import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// Renders the page templates into responses.
struct ViewRenderer: Sendable {
    private let library: MustacheLibrary

    init() throws {
        var library = MustacheLibrary()
        for (name, text) in Templates.all {
            try library.register(text, named: name)
        }
        self.library = library
    }

    /// Renders a page; pages carry per-user data, so no cache may keep them.
    func render(_ template: String, _ view: some Sendable, status: HTTPResponse.Status = .ok) -> Response {
        Self.response(html(template, view), status: status)
    }

    func html(_ template: String, _ view: some Sendable) -> String {
        library.render(view, withTemplate: template) ?? "<!doctype html><title>Encore</title><p>This page could not be shown.</p>"
    }

    static func response(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: html))
        )
    }

    /// Renders a page once with ``csrfPlaceholder`` where the session's CSRF token goes, so the
    /// same rendering serves every later view of it with the token put in (a page of 50 rows
    /// costs about a millisecond in Mustache; putting two tokens in costs microseconds).
    func prerender(_ template: String, _ view: some Sendable) -> PrerenderedPage {
        PrerenderedPage(segments: html(template, view).components(separatedBy: Self.csrfPlaceholder))
    }

    /// Stands in for a CSRF token in a prerendered page: random per process, and made of the
    /// same URL-safe characters as a token, so escaping leaves both alike.
    static let csrfPlaceholder = "csrf" + Identifiers.random()
}

/// A rendered page with gaps where the viewer's CSRF token goes.
struct PrerenderedPage: Sendable {
    let segments: [String]

    /// The page with `csrfToken` in every gap.
    func html(csrfToken: String) -> String {
        segments.joined(separator: csrfToken)
    }

    /// Bytes held, for the cache's size accounting.
    var size: Int { segments.reduce(0) { $0 + $1.utf8.count } }
}
