import Hummingbird
import SpotifyWebAPI

extension TopTracksServer {
    /// Step 5: `/top` calls "Get User's Top Items" for the signed-in user.
    ///
    /// The client asks its `TokenManager` for a token on every call, and the manager refreshes
    /// it first when it is within a minute of expiry: the check the Python tutorial left to the
    /// reader.
    func topTracks(_ request: Request) async throws -> Response {
        guard let id = request.cookies["session"]?.value, let manager = await sessions.manager(for: id) else {
            return Response.redirect(to: "/login")
        }
        let spotify = SpotifyClient(configuration: configuration, authorization: manager, clock: clock)
        let top = try await spotify.currentUserTopTracks(timeRange: .shortTerm, limit: 10)
        let lines = top.items.enumerated().map { index, track in
            "\(index + 1). \(track.name) — \(track.artists.map(\.name).joined(separator: ", "))"
        }
        return .text(lines.isEmpty ? "No top tracks yet: listen to some music first." : lines.joined(separator: "\n"))
    }
}

extension Response {
    /// Plain text, so nothing a name contains can become markup.
    static func text(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text + "\n")))
    }
}
