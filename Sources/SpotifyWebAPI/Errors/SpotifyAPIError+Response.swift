import Foundation
import HTTPTypes
import NIOCore
import NIOFoundationCompat

extension SpotifyAPIError {
    /// Builds the error for a non-success response, reading the body in the shape of the
    /// service that answered: `{"error":{"status","message","reason"}}` from the Web API,
    /// `{"error","error_description"}` from the accounts service, or plain text.
    static func from(response: TransportResponse, service: Service) -> SpotifyAPIError {
        let retryAfter = response.head.headerFields[.retryAfter].flatMap(parseRetryAfter)
        var message: String?
        var reason: String?
        switch service {
        case .accounts:
            if let body = try? JSONDecoder().decode(AccountsErrorBody.self, from: response.body) {
                reason = body.error
                message = body.errorDescription
            } else {
                message = plainText(response.body)
            }
        case .webAPI, .local:
            if let body = try? JSONDecoder().decode(WebAPIErrorBody.self, from: response.body) {
                message = body.error.message
                reason = body.error.reason
            } else {
                message = plainText(response.body)
            }
        }
        return SpotifyAPIError(
            code: service == .webAPI
                ? (Code.player(reason: reason) ?? code(status: response.status, service: service, oauthError: reason))
                : code(status: response.status, service: service, oauthError: reason),
            service: service,
            status: response.status,
            message: message,
            reason: reason,
            retryAfter: retryAfter
        )
    }

    private static func code(status: Int, service: Service, oauthError: String?) -> Code {
        switch status {
        case 400 where service == .accounts:
            switch oauthError {
            case "invalid_grant": return .invalidGrant
            case "invalid_client", "unauthorized_client": return .invalidClient
            default: return .invalidRequest
            }
        case 400: return .invalidRequest
        case 401: return service == .accounts ? .invalidClient : .unauthorized
        case 403: return .forbidden
        case 404: return .notFound
        case 429: return .rateLimited
        case 500...599: return .server
        default: return .unexpectedStatus
        }
    }

    /// The longest `Retry-After` an error carries: one day. A larger value is read as this, so
    /// nothing downstream (a gate, a header passed on, a message) meets an absurd duration.
    public static let longestRetryAfter = Duration.seconds(86_400)

    /// `Retry-After` in delta-seconds; Spotify sends integers, `0` included. Capped at
    /// ``longestRetryAfter``. Anything but digits with an optional fraction (an HTTP date, a sign,
    /// hex, an exponent) is ignored, and the default wait applies.
    static func parseRetryAfter(_ value: String) -> Duration? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let isDigits = { (part: Substring) in !part.isEmpty && part.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } }
        guard trimmed.utf8.count <= 32, let whole = parts.first, isDigits(whole), parts.count == 1 || isDigits(parts[1]) else { return nil }
        let longest = Int(longestRetryAfter.timeInterval)
        // Too many digits for an Int still means "a very long time".
        guard let seconds = Int(whole), seconds < longest else { return longestRetryAfter }
        let fraction = parts.count == 2 ? Double("0." + parts[1]) ?? 0 : 0
        return .seconds(seconds) + .interval(fraction)
    }

    /// A short, printable excerpt of a non-JSON body such as
    /// "User not registered in the Developer Dashboard".
    private static func plainText(_ body: ByteBuffer) -> String? {
        guard body.readableBytes > 0, body.readableBytes <= 1024,
            let text = body.getString(at: body.readerIndex, length: body.readableBytes)
        else { return nil }
        let printable = String(text.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) })
            .trimmingCharacters(in: .whitespaces)
        guard !printable.isEmpty, !printable.hasPrefix("<") else { return nil }
        return String(printable.prefix(300))
    }
}

private struct AccountsErrorBody: Decodable {
    var error: String
    var errorDescription: String?

    enum CodingKeys: String, CodingKey {
        case error
        case errorDescription = "error_description"
    }
}

private struct WebAPIErrorBody: Decodable {
    struct Detail: Decodable {
        var status: Int?
        var message: String?
        var reason: String?
    }

    var error: Detail
}
