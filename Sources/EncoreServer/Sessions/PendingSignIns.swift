import Foundation

/// A sign-in started at `/login` and not yet finished: what `/callback` needs to finish it.
struct PendingSignIn: Codable, Sendable, Equatable {
    /// SHA-256 of the `state` sent to Spotify; the state itself is never kept.
    var stateDigest: String
    /// The PKCE verifier whose challenge went to `/authorize`.
    var verifier: String
    /// The redirect URI sent to `/authorize`, which the code exchange must repeat.
    var redirectURI: String
    /// Where to go after sign-in (a same-origin path).
    var returnTo: String?
    /// When it was started, in Unix seconds.
    var startedAt: Int64

    enum CodingKeys: String, CodingKey {
        case stateDigest = "s", verifier = "v", redirectURI = "r", returnTo = "n", startedAt = "t"
    }
}

/// The sign-ins a browser has under way, sealed into its `encore_session` cookie.
///
/// Nothing is stored for a browser that has not signed in: `/login` writes no row, so traffic
/// without a session cannot grow the database. The list is encrypted and authenticated with the
/// secret key (a client can neither read the verifier nor forge an entry), holds at most
/// ``limit`` sign-ins (two tabs each signing in both finish) and forgets any older than the
/// sign-in lifetime. Single use is kept by the store, which records each state `/callback`
/// accepts until it would have expired anyway.
struct PendingSignIns: Sendable, Equatable {
    static let limit = 3
    private static let context = "pending sign-ins v1"

    private(set) var entries: [PendingSignIn]

    init(entries: [PendingSignIn] = []) {
        self.entries = entries
    }

    /// The list sealed in a cookie; `nil` when there is a value but it does not open under any
    /// configured key (altered, or sealed under a key since dropped): the person starts again.
    static func opening(_ sealed: Substring?, cipher: TokenCipher) -> PendingSignIns? {
        guard let sealed else { return PendingSignIns() }
        guard let data = try? cipher.openURLSafe(sealed, boundTo: context),
            let decoded = try? JSONDecoder().decode([PendingSignIn].self, from: data)
        else { return nil }
        return PendingSignIns(entries: Array(decoded.suffix(limit)))
    }

    /// Forgets the sign-ins started at or before `moment`.
    mutating func removeStarted(atOrBefore moment: Date) {
        entries.removeAll { $0.startedAt <= moment.unixSeconds }
    }

    /// Adds a sign-in, dropping the oldest past ``limit``.
    mutating func add(_ pending: PendingSignIn) {
        entries.append(pending)
        if entries.count > Self.limit { entries.removeFirst(entries.count - Self.limit) }
    }

    /// Removes and returns the sign-in whose state has this digest. Every entry is compared in
    /// time that does not depend on which one matches.
    mutating func take(stateDigest: String) -> PendingSignIn? {
        var found: Int?
        for index in entries.indices where SecureCompare.equal(entries[index].stateDigest, stateDigest) {
            found = index
        }
        return found.map { entries.remove(at: $0) }
    }

    /// The sealed form for the cookie; `nil` when no sign-in is under way.
    func sealed(cipher: TokenCipher) throws -> String? {
        guard !entries.isEmpty else { return nil }
        return try cipher.sealURLSafe(JSONEncoder().encode(entries), boundTo: Self.context)
    }
}
