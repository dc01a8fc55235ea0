import Foundation
import HTTPTypes
import Hummingbird
import SpotifyWebAPI

/// The `encore_session` cookie: an opaque random id; the server keeps only its digest.
struct SessionCookies: Sendable {
    static let name = "encore_session"
    let secure: Bool
    let lifetime: Duration

    func issue(_ id: String) -> Cookie {
        Cookie(name: Self.name, value: id, maxAge: Int(lifetime.timeInterval), path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }

    func expire() -> Cookie {
        Cookie(name: Self.name, value: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }
}

/// Finds the browser's session, if it has a valid one.
///
/// A malformed, unknown or expired cookie is treated as no session; it never causes an error.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let store: any EncoreStore
    let clock: any SpotifyClock
    /// A signed-in session lasts this long after its last use.
    let lifetime: Duration
    /// …and never longer than this after sign-in (when its record was created).
    let absoluteLifetime: Duration

    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws -> Response {
        var context = context
        if let id = Self.cookieValue(in: request), Identifiers.isWellFormed(id) {
            let record: SessionRecord?
            do {
                record = try await store.session(digest: Identifiers.digest(id))
            } catch let error as StorageError {
                throw error  // logged with its reason by ErrorMiddleware
            } catch {
                throw AppError.storage
            }
            let now = clock.now()
            let absoluteEnd = record.map { $0.createdAt.addingTimeInterval(absoluteLifetime.timeInterval) } ?? .distantPast
            if var record, record.expiresAt > now, record.userID == nil || absoluteEnd > now {
                // Slide a signed-in session's expiry, writing at most once a day per session,
                // but never past its absolute end.
                let renewed = min(now.addingTimeInterval(lifetime.timeInterval), absoluteEnd)
                if record.userID != nil, renewed.timeIntervalSince(record.expiresAt) > 86_400 {
                    try? await store.extendSession(digest: record.idDigest, expiresAt: renewed)
                    record.expiresAt = renewed
                }
                context.session = ActiveSession(id: id, record: record)
            }
        }
        return try await next(request, context)
    }

    /// The cookie's value; when the header carries it more than once, none is trusted.
    static func cookieValue(in request: Request) -> String? {
        var found: String?
        for header in request.headers[values: .cookie] {
            // Bytes, not Characters: this runs on every request, and cookie syntax is ASCII.
            for pair in header.utf8.split(separator: UInt8(ascii: ";")) {
                let trimmed = pair.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
                guard trimmed.starts(with: sessionCookiePrefix) else { continue }
                if found != nil { return nil }
                var value = trimmed.dropFirst(sessionCookiePrefix.count)
                while let last = value.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { value = value.dropLast() }
                found = String(decoding: value, as: UTF8.self)
            }
        }
        return found
    }

    private static let sessionCookiePrefix = Array((SessionCookies.name + "=").utf8)
}
