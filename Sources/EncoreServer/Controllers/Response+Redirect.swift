import HTTPTypes
import Hummingbird

/// A redirect that no cache keeps.
extension Response {
    static func redirecting(to location: String, status: HTTPResponse.Status = .seeOther) -> Response {
        Response(status: status, headers: [.location: location, .cacheControl: "no-store"])
    }
}
