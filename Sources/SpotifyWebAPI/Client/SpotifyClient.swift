import CoreMetrics
import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOFoundationCompat

/// A client for the Spotify Web API.
///
/// The `Authorization` type decides what the client may call: user endpoints (`/me/…`) exist
/// only when it conforms to ``UserAuthorization``.
///
/// ```swift
/// let spotify = SpotifyClient(configuration: configuration, authorization: tokenManager)
/// let top = try await spotify.currentUserTopTracks(timeRange: .shortTerm, limit: 20)
/// ```
///
/// Every call goes through one path that gets a valid token, waits at the shared rate-limit
/// gate, sends with a deadline, retries as ``RetryPolicy`` says, refreshes once on a 401, and
/// turns every failure into a ``SpotifyAPIError``.
public struct SpotifyClient<Authorization: SpotifyAuthorization>: Sendable {
    /// The configuration.
    public let configuration: SpotifyClientConfiguration
    /// Where tokens come from.
    public let authorization: Authorization
    let transport: any HTTPTransport
    let clock: any SpotifyClock
    let gate: RateLimitGate
    let logger: Logger
    let metrics: SpotifyClientMetrics
    /// The API base split once; `nil` when the configured URL has no scheme or host.
    let origin: RequestOrigin?

    /// Creates a client. Cheap: share the transport and gate, create clients per user freely.
    /// - Parameters:
    ///   - configuration: Base URLs, timeouts and retry policy.
    ///   - authorization: A ``TokenManager`` for a user, or ``ClientCredentialsAuthorization``.
    ///   - transport: The HTTP implementation; the shared AsyncHTTPClient pool by default.
    ///   - clock: The source of time for waits.
    ///   - rateLimitGate: Shared by every client of one app, so a 429 pauses them all.
    ///   - logger: Receives one debug line per exchange, without headers or bodies.
    ///   - metricsFactory: Receives `spotify_requests_total{endpoint,status}`,
    ///     `spotify_request_duration_seconds{endpoint}` and `spotify_rate_limit_waits_total`;
    ///   the process-wide swift-metrics factory when `nil`.
    public init(
        configuration: SpotifyClientConfiguration,
        authorization: Authorization,
        transport: any HTTPTransport = AsyncHTTPClientTransport.shared,
        clock: any SpotifyClock = SystemClock(),
        rateLimitGate: RateLimitGate = RateLimitGate(),
        logger: Logger = Logger(label: "SpotifyWebAPI"),
        metricsFactory: (any MetricsFactory)? = nil
    ) {
        self.metrics = SpotifyClientMetrics(factory: metricsFactory)
        self.configuration = configuration
        self.authorization = authorization
        self.transport = transport
        self.clock = clock
        self.gate = rateLimitGate
        self.logger = logger
        self.origin = RequestOrigin(configuration.apiBaseURL.absoluteString)
    }

    /// Sends a request and decodes a 2xx body as `T`.
    public func send<T: Decodable>(_ request: SpotifyRequest, as type: T.Type = T.self) async throws -> T {
        try Self.decode(T.self, from: try await send(request), of: request)
    }

    /// Sends a request and decodes its body, or `nil` for Spotify's 204 "nothing here" (the
    /// player with no device, nothing playing).
    public func sendIfContent<T: Decodable>(_ request: SpotifyRequest, as type: T.Type = T.self) async throws -> T? {
        let response = try await send(request)
        guard response.status != 204, response.body.readableBytes > 0 else { return nil }
        return try Self.decode(T.self, from: response, of: request)
    }

    static func decode<T: Decodable>(_ type: T.Type, from response: SpotifyResponse, of request: SpotifyRequest) throws(SpotifyAPIError) -> T {
        do {
            return try SpotifyJSON.makeDecoder().decode(T.self, from: response.body)
        } catch {
            throw SpotifyAPIError(
                code: .decoding,
                service: .webAPI,
                status: response.status,
                message: "\(request.endpointName) answered in an unexpected shape: \(Self.describe(error))"
            )
        }
    }

    /// Sends a request and returns the body untouched.
    ///
    /// The whole call, retries and waits included, ends by the configuration's ``SpotifyClientConfiguration/timeout``
    /// (or an earlier ``SpotifyDeadline``): a wait that would pass it fails at once instead.
    /// - Throws: ``SpotifyAPIError`` for every failure.
    public func send(_ request: SpotifyRequest) async throws -> SpotifyResponse {
        let deadline = SpotifyDeadline.effective(now: clock.now(), timeout: configuration.timeout)
        // A refresh this call needs runs under the same deadline.
        return try await SpotifyDeadline.$current.withValue(deadline) { try await send(request, by: deadline) }
    }

    /// The steps of one call, composed: the executor owns the gate, retries, waits and the
    /// deadline; this adds the token, one exchange, the refresh after a 401 and the scope check.
    private func send(_ request: SpotifyRequest, by deadline: Date) async throws -> SpotifyResponse {
        try request.checkQuota(configuration.quotaMode)
        let pathAndQuery = try resolve(request)
        let executor = CallExecutor(
            policy: configuration.retry, clock: clock, gate: gate, service: .webAPI,
            onRateLimitWait: { [metrics] in metrics.rateLimitWait($0) }
        )
        var refreshedAfter401 = false
        let response = try await executor.run(
            idempotent: request.method.isIdempotent,
            deadline: deadline,
            prepare: { try await authorization.accessToken() },
            attempt: { token, timeout in try await exchange(request, pathAndQuery: pathAndQuery, token: token, timeout: timeout) },
            settle: { response, token in
                if response.status == 401, !refreshedAfter401 {
                    refreshedAfter401 = true
                    _ = try await authorization.accessTokenWasRejected(token)
                    return .again
                }
                return .fail(await diagnose(SpotifyAPIError.from(response: response, service: .webAPI), of: request))
            }
        )
        return SpotifyResponse(
            status: response.status,
            body: response.body,
            etag: response.head.headerFields[.eTag],
            contentType: response.head.headerFields[.contentType]
        )
    }

    /// One attempt on the wire, with its debug line and metrics.
    private func exchange(_ request: SpotifyRequest, pathAndQuery: String, token: AccessToken, timeout: Duration) async throws -> TransportResponse {
        var fields: HTTPFields = [.authorization: "Bearer \(token.rawValue)", .accept: "application/json"]
        if request.jsonBody != nil { fields[.contentType] = request.bodyContentType }
        if let etag = request.ifNoneMatch { fields[.ifNoneMatch] = etag }
        guard let origin else { throw SpotifyAPIError(code: .invalidRequest, message: "the API base URL has no scheme or host") }
        let head = origin.head(request.method, pathAndQuery, fields)
        let started = clock.now()
        do {
            let response = try await transport.send(
                TransportRequest(head: head, body: request.jsonBody, timeout: timeout)
            )
            logger.debug("\(request.endpointName) → \(response.status) in \(clock.now().millisecondsSince(started)) ms")
            metrics.exchange(endpoint: request.endpointName, outcome: String(response.status), started: started, ended: clock.now())
            return response
        } catch let failure as TransportFailure {
            logger.debug("\(request.endpointName) → \(failure) after \(clock.now().millisecondsSince(started)) ms")
            metrics.exchange(endpoint: request.endpointName, outcome: failure.metricLabel, started: started, ended: clock.now())
            throw failure
        }
    }

    /// A 403 for an endpoint whose scopes the token lacks says so.
    private func diagnose(_ error: SpotifyAPIError, of request: SpotifyRequest) async -> SpotifyAPIError {
        guard error.status == 403, !request.requiredScopes.isEmpty || !request.alternativeScopes.isEmpty,
            let granted = await authorization.grantedScopes
        else { return error }
        let lacking =
            !request.requiredScopes.isSubset(of: granted)
            || (!request.alternativeScopes.isEmpty && request.alternativeScopes.isDisjoint(with: granted))
        guard lacking else { return error }
        var diagnosed = error
        diagnosed.code = .insufficientScope
        let missing = request.requiredScopes.subtracting(granted).map(\.rawValue).sorted()
        let either = request.alternativeScopes.isDisjoint(with: granted) ? request.alternativeScopes.map(\.rawValue).sorted() : []
        diagnosed.missingScopes = (missing + either).map(Scope.init(rawValue:))
        diagnosed.message = "the sign-in lacks " + (missing + (either.isEmpty ? [] : [either.joined(separator: " or ")])).joined(separator: " and ")
        return diagnosed
    }

    /// The URL for a request; absolute URLs must lie under the API base so the bearer token is
    /// never sent to another host.
    private func resolve(_ request: SpotifyRequest) throws(SpotifyAPIError) -> String {
        switch request.target {
        case .path(let path):
            var pathAndQuery = "/" + path
            if !request.query.isEmpty { pathAndQuery += "?" + FormEncoding.encode(request.query) }
            return pathAndQuery
        case .absolute(let url):
            guard let pathAndQuery = origin?.pathAndQuery(ofAbsolute: url) else {
                throw SpotifyAPIError(code: .invalidRequest, message: "refusing to follow a URL outside the API base")
            }
            return pathAndQuery
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            "missing \(path(context.codingPath + [key]))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
            DecodingError.dataCorrupted(let context):
            "bad value at \(path(context.codingPath))"
        default:
            "not JSON"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}

extension SpotifyClient {
    /// Percent-encodes one path segment, such as an id that came from user input.
    static func segment(_ value: String) -> String { FormEncoding.percentEncode(value) }

    /// Encodes a body as JSON.
    static func json<T: Encodable>(_ value: T) throws -> ByteBuffer {
        do {
            return ByteBuffer(data: try JSONEncoder().encode(value))
        } catch {
            throw SpotifyAPIError(code: .invalidRequest, message: "could not encode the request body")
        }
    }

    /// A walking sequence over a paged endpoint.
    func paged<Item: Codable & Sendable>(
        _ makeRequest: @escaping @Sendable (_ offset: Int, _ limit: Int) -> SpotifyRequest,
        limit: Int = 50
    ) -> PagedItems<Item> {
        paged(makeRequest, limit: limit) { (page: Page<Item>) in page }
    }

    /// A walking sequence over a paged endpoint whose pages come wrapped, such as
    /// `{"albums": {paging object}}`; every page, `next` ones included, is wrapped alike.
    func paged<Wrapper: Decodable & Sendable, Item: Codable & Sendable>(
        _ makeRequest: @escaping @Sendable (_ offset: Int, _ limit: Int) -> SpotifyRequest,
        limit: Int = 50,
        unwrapping unwrap: @escaping @Sendable (Wrapper) -> Page<Item>
    ) -> PagedItems<Item> {
        let client = self
        return PagedItems(
            firstPage: { unwrap(try await client.send(makeRequest(0, limit))) },
            pageAtURL: { url in
                let first = makeRequest(0, limit)
                return unwrap(
                    try await client.send(SpotifyRequest(url: url, requiredScopes: first.requiredScopes, endpointName: first.endpointName)))
            },
            pageAtOffset: { offset, pageLimit in unwrap(try await client.send(makeRequest(offset, pageLimit))) }
        )
    }
}
