import Foundation
import Testing

@testable import SpotifyWebAPI

@Suite("Request values built by typed factories")
struct RequestFactoryTests {
    @Test("currentUserTop builds the path, query, scope and endpoint name once, for both types", arguments: TopItemsType.allCases)
    func currentUserTop(type: TopItemsType) throws {
        let request = try SpotifyRequest.currentUserTop(type, timeRange: .shortTerm, limit: 7, offset: 3)
        #expect(request.target == .path("me/top/\(type.rawValue)"))
        #expect(request.query.map { "\($0.0)=\($0.1)" } == ["limit=7", "offset=3", "time_range=short_term"])
        #expect(request.requiredScopes == [.userTopRead])
        #expect(request.endpointName == "GET /me/top/\(type.rawValue)")
        #expect(request.method == .get)
    }

    @Test(
        "an out-of-range limit or offset fails before sending and names the parameter",
        arguments: [(0, 0, "limit"), (51, 0, "limit"), (20, -1, "offset")])
    func outOfRange(limit: Int, offset: Int, parameter: String) {
        #expect {
            try SpotifyRequest.currentUserTop(.tracks, limit: limit, offset: offset)
        } throws: { error in
            guard let error = error as? SpotifyAPIError else { return false }
            return error.code == .invalidRequest && error.parameter == parameter && error.message?.hasPrefix(parameter + " ") == true
        }
    }

    @Test("an unknown error code is a value like any other, and only the sign-in codes require signing in")
    func extensibleCodes() {
        let future = SpotifyAPIError.Code(rawValue: "not_yet_invented")
        #expect(future.rawValue == "not_yet_invented")
        #expect(!SpotifyAPIError.Code.known.contains(future))
        #expect(!SpotifyAPIError(code: future).requiresSignIn)
        #expect(SpotifyAPIError(code: future).advice == "Spotify answered in an unexpected way.")
        let signIn = SpotifyAPIError.Code.known.filter { SpotifyAPIError(code: $0).requiresSignIn }
        #expect(Set(signIn) == [.reauthorizationRequired, .invalidGrant, .unauthorized])
    }
}
