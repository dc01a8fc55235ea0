import Foundation
import Hummingbird
import Logging

/// A browser session that was found and is still valid.
struct ActiveSession: Sendable {
    /// The cookie value (never stored or logged).
    var id: String
    var record: SessionRecord
}

/// The request context of every route: the session, when the browser has one.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by ``SessionMiddleware``.
    var session: ActiveSession?
    /// The sealed sign-ins under way from the session cookie, opened only by `/callback` and
    /// `/login` (``PendingSignIns``).
    var pendingSignIns: Substring?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        session = nil
        pendingSignIns = nil
    }

    /// Forms and query strings are small; anything larger is refused with 413.
    public var maxUploadSize: Int { 64 * 1024 }
}

/// The context of routes that need a signed-in user; it cannot be built without one, so those
/// handlers never check.
struct SignedInContext: ChildRequestContext {
    var coreContext: CoreRequestContextStorage
    let sessionID: String
    let userID: String

    init(context: AppRequestContext) throws {
        guard let session = context.session, let userID = session.record.userID else {
            throw AppError.signInRequired
        }
        coreContext = context.coreContext
        sessionID = session.id
        self.userID = userID
    }

    var maxUploadSize: Int { 64 * 1024 }
}
