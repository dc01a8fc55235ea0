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
        let html = library.render(view, withTemplate: template) ?? "<!doctype html><title>Encore</title><p>This page could not be shown.</p>"
        return Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: html))
        )
    }
}
