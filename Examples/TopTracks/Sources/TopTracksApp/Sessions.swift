import SpotifyWebAPI

/// Step 2: who is signing in and who is signed in, by a random cookie value.
///
/// A sign-in in progress keeps its ``PendingAuthorization`` (its `state` and PKCE verifier) here
/// on the server, never in the browser. Memory only, so a restart signs everyone out; a real app
/// stores ``UserTokens`` encrypted in its database.
public actor Sessions {
    /// How many sign-ins may be in progress at once: `/login` needs no account, so it must not
    /// grow memory without end.
    public static let pendingLimit = 1_000

    private var pending: [String: PendingAuthorization] = [:]
    private var signedIn: [String: TokenManager] = [:]

    public init() {}

    /// A new session id: 128 random bits from the system's secure generator.
    public nonisolated func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in String(generator.next() as UInt64, radix: 16) }.joined(separator: "-")
    }

    func startSignIn(_ authorization: PendingAuthorization, for id: String) {
        if pending.count >= Self.pendingLimit, let oldest = pending.min(by: { $0.value.createdAt < $1.value.createdAt })?.key {
            pending[oldest] = nil
        }
        pending[id] = authorization
    }

    /// The sign-in of this session, removed so that a replayed callback finds nothing.
    func finishSignIn(for id: String) -> PendingAuthorization? {
        pending.removeValue(forKey: id)
    }

    func signIn(_ id: String, manager: TokenManager) { signedIn[id] = manager }
    func manager(for id: String) -> TokenManager? { signedIn[id] }
    func signOut(_ id: String) { signedIn[id] = nil }
}
