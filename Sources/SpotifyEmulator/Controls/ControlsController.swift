import Foundation
import Hummingbird
import NIOCore

/// Test controls under `/_emulator/`, never on the Spotify surface.
struct ControlsController: Sendable {
    let emulator: SpotifyEmulator

    func addRoutes(to router: Router<BasicRequestContext>) {
        let group = router.group("_emulator")
        group.get("") { _, _ in try json(emulator.summary()) }
        group.get("users") { _, _ in try json(emulator.users) }
        group.post("clients") { request, context in
            let body = try await decode(ClientRegistration.self, request)
            guard (body.allowedUsers?.count ?? 0) <= EmulatorClient.allowListLimit else {
                throw HTTPError(.badRequest, message: "a development-mode app allows at most \(EmulatorClient.allowListLimit) users")
            }
            let client = emulator.registerClient(
                clientID: body.clientID, clientSecret: body.clientSecret, name: body.name ?? "Encore", redirectURIs: body.redirectURIs,
                allowedUsers: body.allowedUsers
            )
            return try json(client, status: .created)
        }
        group.put("auto-approve") { request, _ in
            let body = try await decode(AutoApprove.self, request)
            guard emulator.setAutoApprove(user: body.user) else { throw HTTPError(.badRequest, message: "unknown user") }
            return try json(body)
        }
        group.post("clock/advance") { request, _ in
            let body = try await decode(ClockAdvance.self, request)
            // A century either way is more than any test needs, and keeps dates representable.
            guard (-(100 * 366 * 86_400)...(100 * 366 * 86_400)).contains(body.seconds) else {
                throw HTTPError(.badRequest, message: "seconds must be within a century")
            }
            emulator.advanceClock(by: .seconds(body.seconds))
            return try json(["now": emulator.now.formatted(Date.ISO8601FormatStyle())])
        }
        group.get("clock") { _, _ in try json(["now": emulator.now.formatted(Date.ISO8601FormatStyle())]) }
        group.post("users/:id/revoke") { _, context in
            let revoked = emulator.revokeGrants(of: context.parameters.get("id") ?? "")
            return try json(["revoked": revoked])
        }
        group.get("users/:id/streaming-history") { request, context in
            try streamingHistory(of: context.parameters.get("id") ?? "", query: request.uri.query)
        }
        group.post("faults") { request, _ in
            let rule = try await decode(FaultRule.self, request)
            emulator.injectFault(rule)
            return try json(rule, status: .created)
        }
        group.delete("faults") { _, _ in
            emulator.clearFaults()
            return Response(status: .noContent)
        }
        group.get("counters") { _, _ in try json(emulator.counters) }
        group.delete("counters") { _, _ in
            emulator.resetCounters()
            return Response(status: .noContent)
        }
        group.put("settings") { request, _ in try apply(try await decode(SettingsUpdate.self, request)) }
    }

    /// A generated Streaming_History_Audio file; at most five years, so the answer stays within
    /// tens of megabytes.
    private func streamingHistory(of user: String, query: String?) throws -> Response {
        let query = FormFields.parse(Substring(query ?? ""))
        guard let from = query["from"].flatMap(Self.day), let to = query["to"].flatMap(Self.day), from < to,
            to.timeIntervalSince(from) <= 5 * 366 * 86_400
        else {
            throw HTTPError(.badRequest, message: "from and to are days (YYYY-MM-DD), from before to, at most five years apart")
        }
        var body = ""
        guard emulator.writeStreamingHistory(of: user, in: DateInterval(start: from, end: to), to: { body += $0 }) != nil else {
            throw HTTPError(.notFound, message: "unknown user")
        }
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    private func apply(_ settings: SettingsUpdate) throws -> Response {
        if let devMode = settings.devMode { emulator.setDevMode(devMode) }
        if let listening = settings.simulatesListening { emulator.setListeningSimulation(listening) }
        if let policy = settings.refreshTokenPolicy { emulator.setRefreshTokenPolicy(policy) }
        if let ttl = settings.tokenTTL {
            guard ttl > 0 else { throw HTTPError(.badRequest, message: "token_ttl must be positive") }
            emulator.setTokenTTL(ttl)
        }
        return try json(emulator.summary())
    }

    /// A UTC day, `YYYY-MM-DD`.
    static func day(_ text: String) -> Date? {
        guard text.utf8.count == 10 else { return nil }
        return try? Date.ISO8601FormatStyle().year().month().day().parse(text)
    }

    struct ClientRegistration: Decodable {
        var clientID: String?
        var clientSecret: String?
        var name: String?
        var redirectURIs: [String]
        var allowedUsers: [String]?

        enum CodingKeys: String, CodingKey {
            case name
            case clientID = "client_id"
            case clientSecret = "client_secret"
            case redirectURIs = "redirect_uris"
            case allowedUsers = "allowed_users"
        }
    }

    struct AutoApprove: Codable { var user: String? }
    struct ClockAdvance: Decodable { var seconds: Int }
    struct SettingsUpdate: Decodable {
        var devMode: Bool?
        var refreshTokenPolicy: RefreshTokenPolicy?
        var tokenTTL: Int?
        var simulatesListening: Bool?

        enum CodingKeys: String, CodingKey {
            case devMode = "dev_mode"
            case simulatesListening = "simulates_listening"
            case refreshTokenPolicy = "refresh_token_policy"
            case tokenTTL = "token_ttl"
        }
    }
}

private func decode<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
    let body = try await request.body.collect(upTo: 64 * 1024)
    do {
        return try JSONDecoder().decode(T.self, from: Data(buffer: body))
    } catch {
        throw HTTPError(.badRequest, message: "the body is not the expected JSON")
    }
}

private func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
    let data = try encoder.encode(value)
    return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
}
