import AsyncHTTPClient
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOPosix

/// An ``HTTPTransport`` on AsyncHTTPClient, sharing one connection pool across requests.
///
/// Create one per process (or use ``shared``) and keep it: every client that uses it reuses
/// its keep-alive connections to Spotify.
public struct AsyncHTTPClientTransport: HTTPTransport {
    /// A transport on `HTTPClient.shared`, which lives as long as the process.
    public static let shared = AsyncHTTPClientTransport(client: .shared)

    private let client: HTTPClient
    private let maxResponseBytes: Int
    private let ownsClient: Bool

    /// Creates a transport on an existing client.
    /// - Parameters:
    ///   - client: The AsyncHTTPClient to send through; its owner shuts it down.
    ///   - maxResponseBytes: Responses larger than this fail with ``TransportFailure/responseTooLarge(limit:)``.
    public init(client: HTTPClient, maxResponseBytes: Int = 4 * 1024 * 1024) {
        self.client = client
        self.maxResponseBytes = maxResponseBytes
        self.ownsClient = false
    }

    /// Creates a transport with a client of its own, sized for a server that calls Spotify for
    /// many users at once; call ``shutdown()`` when done with it.
    ///
    /// `HTTPClient.shared` keeps at most 8 HTTP/1.1 connections per host, so a busy server
    /// queues behind them (HTTP/2 multiplexes instead, and ignores this limit). The client does
    /// not trace (its span attributes cost time on every request even with no tracer set up);
    /// pass a client of your own to ``init(client:maxResponseBytes:)`` for traces.
    /// - Parameters:
    ///   - connectionsPerHost: HTTP/1.1 connections kept per host.
    ///   - maxResponseBytes: Responses larger than this fail with ``TransportFailure/responseTooLarge(limit:)``.
    public init(connectionsPerHost: Int, maxResponseBytes: Int = 4 * 1024 * 1024) {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(1, connectionsPerHost))
        configuration.redirectConfiguration = .disallow
        configuration.tracing.tracer = nil
        self.client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        self.maxResponseBytes = maxResponseBytes
        self.ownsClient = true
    }

    /// Closes the connections of a client this transport created; does nothing for a client
    /// passed in, whose owner shuts it down.
    public func shutdown() async throws {
        if ownsClient { try await client.shutdown() }
    }

    /// Sends through AsyncHTTPClient's delegate API: its deadline covers the exchange until the
    /// last byte of the body (the async API's stops at the response head, so a body that stalls
    /// after the headers would wait for ever).
    public func send(_ request: TransportRequest) async throws -> TransportResponse {
        var headers = HTTPHeaders()
        headers.reserveCapacity(request.head.headerFields.count)
        for field in request.head.headerFields {
            headers.add(name: field.name.rawName, value: field.value)
        }
        do {
            let outgoing = try HTTPClient.Request(
                url: request.url, method: NIOHTTP1.HTTPMethod(rawValue: request.head.method.rawValue), headers: headers,
                body: request.body.map { .byteBuffer($0) }
            )
            let task = client.execute(
                request: outgoing, delegate: ResponseAccumulator(request: outgoing, maxBodySize: maxResponseBytes),
                deadline: .now() + TimeAmount(request.timeout)
            )
            let response = try await withTaskCancellationHandler {
                try await task.futureResult.get()
            } onCancel: {
                task.cancel()
            }
            // HTTPResponse.Status traps outside 100…999; a status line such as "000" is no answer.
            guard (100...999).contains(response.status.code) else { throw TransportFailure.connectionLost }
            var fields = HTTPFields()
            fields.reserveCapacity(response.headers.count)
            for (name, value) in response.headers {
                // A name HTTP does not allow is dropped rather than failing the whole answer.
                if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
            }
            return TransportResponse(
                head: HTTPResponse(status: .init(code: Int(response.status.code)), headerFields: fields),
                body: response.body ?? ByteBuffer()
            )
        } catch let failure as TransportFailure {
            throw failure
        } catch is ResponseAccumulator.ResponseTooBigError {
            throw TransportFailure.responseTooLarge(limit: maxResponseBytes)
        } catch let error as HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout:
                throw TransportFailure.timedOut
            case .connectTimeout, .getConnectionFromPoolTimeout, .tlsHandshakeTimeout:
                throw TransportFailure.connectionFailed
            case .cancelled:
                throw CancellationError()
            case .invalidURL, .emptyHost, .emptyScheme:
                throw SpotifyAPIError(code: .invalidRequest, message: "the request URL is not valid")
            default:
                throw TransportFailure.connectionLost
            }
        } catch is NIOConnectionError {
            throw TransportFailure.connectionFailed
        } catch let error as IOError where error.errnoCode == ECONNREFUSED {
            throw TransportFailure.connectionFailed
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw TransportFailure.connectionLost
        }
    }
}
