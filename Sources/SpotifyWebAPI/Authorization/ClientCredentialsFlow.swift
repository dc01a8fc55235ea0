import Foundation
import Logging

/// The client credentials flow: an app-only token for catalog endpoints.
///
/// A client built on ``ClientCredentialsAuthorization`` has no user, so user endpoints such as
/// `currentUserProfile()` are not available on it at compile time.
public struct ClientCredentialsFlow: Sendable {
    private let endpoint: TokenEndpoint
    private let secret: ClientSecret

    /// Creates the flow.
    /// - Throws: ``SpotifyConfigurationError`` when the configuration has no client secret.
    public init(
        configuration: SpotifyClientConfiguration,
        transport: any HTTPTransport = AsyncHTTPClientTransport.shared,
        clock: any SpotifyClock = SystemClock(),
        logger: Logger = Logger(label: "SpotifyWebAPI")
    ) throws(SpotifyConfigurationError) {
        guard let secret = configuration.clientSecret else {
            throw SpotifyConfigurationError(key: "client.secret", message: "the client credentials flow needs a client secret")
        }
        self.secret = secret
        endpoint = TokenEndpoint(configuration: configuration, transport: transport, clock: clock, logger: logger)
    }

    /// Requests a new app token.
    public func requestToken() async throws -> AppToken {
        let (response, receivedAt) = try await endpoint.requestToken(
            form: [("grant_type", "client_credentials")],
            credentials: .basic(clientID: endpoint.configuration.clientID, secret: secret)
        )
        return AppToken(accessToken: AccessToken(response.accessToken), expiresAt: receivedAt.addingTimeInterval(TimeInterval(response.expiresIn)))
    }
}

/// App-only authorization that requests and renews a client-credentials token as needed.
public actor ClientCredentialsAuthorization: SpotifyAuthorization {
    private let flow: ClientCredentialsFlow
    private let clock: any SpotifyClock
    private let leeway: Duration
    private var token: AppToken?
    private var inFlight: Task<AppToken, any Error>?

    /// Creates the authorization.
    public init(flow: ClientCredentialsFlow, clock: any SpotifyClock = SystemClock(), leeway: Duration = .seconds(60)) {
        self.flow = flow
        self.clock = clock
        self.leeway = leeway
    }

    public func accessToken() async throws -> AccessToken {
        if let token, token.expiresAt.addingTimeInterval(-leeway.timeInterval) > clock.now() {
            return token.accessToken
        }
        return try await renew().accessToken
    }

    public func accessTokenWasRejected(_ rejected: AccessToken) async throws -> AccessToken {
        if let token, token.accessToken != rejected { return token.accessToken }
        return try await renew().accessToken
    }

    public nonisolated var grantedScopes: Set<Scope>? { get async { [] } }

    private func renew() async throws -> AppToken {
        if let inFlight { return try await inFlight.value }
        let task = Task { [flow] in try await flow.requestToken() }
        inFlight = task
        defer { inFlight = nil }
        let fresh = try await task.value
        token = fresh
        return fresh
    }
}
