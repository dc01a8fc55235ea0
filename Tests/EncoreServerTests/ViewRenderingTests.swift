import Foundation
import Testing

@testable import EncoreServer

@Suite("Prerendered pages")
struct ViewRenderingTests {
    @Test("a page rendered once with the placeholder and given a token equals the page rendered with that token")
    func prerenderMatchesRender() throws {
        let views = try ViewRenderer()
        let token = CSRFTokens(secretKey: .init(size: .bits256)).token(forSession: Identifiers.random())
        func top(_ csrf: String) -> TopView {
            let rows = (1...3).map { rank in
                TopView.Row(
                    rank: rank, imageURL: "https://i.test/\(rank)", imageAlt: "Cover of <Album> & \"co\"", title: "Track \(rank) <b>",
                    subtitle: "Artist's", detail: "Album", duration: "3:0\(rank)", spotifyURL: "https://open.spotify.com/track/\(rank)")
            }
            return TopView(
                title: "Top tracks", heading: "Your top tracks", caption: "Last 4 weeks: tracks 1–3 of 3",
                chrome: Chrome(csrfToken: csrf, onTracks: true),
                tabs: [.init(label: "Last 4 weeks", href: "/top/tracks?time_range=short_term", current: true)],
                rows: rows, hasRows: true, isTracks: true, imageColumn: "Cover", titleColumn: "Title", timeRange: "short_term",
                csrfToken: csrf, limit: 20, previousHref: nil, nextHref: nil)
        }
        let direct = views.html("top", top(token))
        let prerendered = views.prerender("top", top(ViewRenderer.csrfPlaceholder))
        #expect(prerendered.segments.count == 3)  // the header's logout form and the save form
        #expect(prerendered.html(csrfToken: token) == direct)
        #expect(!direct.contains(ViewRenderer.csrfPlaceholder))
        #expect(direct.contains("Track 1 &lt;b&gt;"))
    }
}
