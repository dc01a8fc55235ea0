import Foundation
import HTTPTypes
import Hummingbird
import SpotifyWebAPI

/// The `encore_session` cookie: an opaque random id, of which the server keeps only the digest,
/// then, while sign-ins are under way, a `.` and those sign-ins sealed (``PendingSignIns``).
struct SessionCookies: Sendable {
    static let name = "encore_session"
    /// Longer values are not read: three sealed sign-ins stay under 1.6 KB (the sign-in tests check it).
    static let maxValueLength = 3_000
    let secure: Bool
    let lifetime: Duration
    /// How long a cookie that only carries sign-ins under way is kept.
    let signInLifetime: Duration

    func issue(_ id: String) -> Cookie {
        issue(id: id, pending: nil)
    }

    /// The cookie for a session id and sign-ins under way; without an id it lives only as long
    /// as a sign-in may take.
    func issue(id: String?, pending sealed: String?) -> Cookie {
        let value = (id ?? "") + (sealed.map { "." + $0 } ?? "")
        let maxAge = id == nil ? signInLifetime : lifetime
        return Cookie(name: Self.name, value: value, maxAge: Int(maxAge.timeInterval), path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }

    /// The session id and the sealed sign-ins in a cookie value; either may be absent.
    static func parts(of value: String) -> (id: Substring?, pending: Substring?) {
        guard let dot = value.utf8.firstIndex(of: UInt8(ascii: ".")) else { return (value.isEmpty ? nil : value[...], nil) }
        let id = value[..<dot]
        let pending = value[value.index(after: dot)...]
        return (id.isEmpty ? nil : id, pending.isEmpty ? nil : pending)
    }

    func expire() -> Cookie {
        Cookie(
            name: Self.name, value: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
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

    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws -> Response
    {
        var context = context
        guard let value = Self.cookieValue(in: request), value.utf8.count <= SessionCookies.maxValueLength else {
            return try await next(request, context)
        }
        let parts = SessionCookies.parts(of: value)
        context.pendingSignIns = parts.pending
        if let id = parts.id.map(String.init), Identifiers.isWellFormed(id) {
            let record: SessionRecord?
            do {
                record = try await store.session(digest: Identifiers.digest(id))
            } catch {
                // Whatever the store throws is a storage failure; ErrorMiddleware logs it, 503.
                throw error as? StorageError ?? StorageError.failed("session lookup: \(type(of: error))")
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
