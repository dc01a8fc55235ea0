import Foundation
import Synchronization

/// Everything the emulator remembers, behind one lock: clients, codes, grants, tokens,
/// playlists, the clock offset, faults and counters.
///
/// The catalog is immutable and lives outside the lock, so reads of music data never wait.
final class EmulatorState: Sendable {
    struct Settings {
        var devMode: Bool
        var refreshTokenPolicy: RefreshTokenPolicy
        var tokenTTL: Int
        var autoApproveUser: String?
        /// Whether recently played follows ``ListeningSimulator`` and the clock.
        var simulatesListening = false
    }

    struct Storage {
        var settings: Settings
        var clients: [String: EmulatorClient] = [:]
        var codes: [String: AuthorizationCodeRecord] = [:]
        var grants: [String: GrantRecord] = [:]
        var accessTokens: [String: AccessTokenRecord] = [:]
        var refreshTokens: [String: RefreshTokenRecord] = [:]
        /// PKCE verifiers received at the token endpoint, kept only so tests can look for them.
        var verifiersSeen: Set<String> = []
        /// Scopes each user has agreed to per client, for `show_dialog=false`.
        var consents: [String: Set<String>] = [:]
        var playlists: [String: PlaylistRecord] = [:]
        /// Saved and followed items per user id, seeded from the catalog on first use.
        var libraries: [String: UserLibrary] = [:]
        /// Each user's player, made on first use.
        var players: [String: PlayerState] = [:]
        var clockOffset: TimeInterval = 0
        var faults: [FaultRule] = []
        var counters = EmulatorCounters()
    }

    let storage: Mutex<Storage>

    init(settings: Settings) {
        storage = Mutex(Storage(settings: settings))
    }

    /// Every secret that passed through: client secrets, codes, access and refresh tokens, PKCE
    /// verifiers — what a test scans an app's logs and pages for.
    func secretsSeen() -> [String] {
        storage.withLock { storage in
            storage.clients.values.map(\.clientSecret) + Array(storage.codes.keys) + Array(storage.accessTokens.keys)
                + Array(storage.refreshTokens.keys) + Array(storage.verifiersSeen)
        }
    }

    func noteVerifier(_ verifier: String) {
        _ = storage.withLock { $0.verifiersSeen.insert(verifier) }
    }

    /// The emulator's clock: real time moved by the test controls.
    func now() -> Date {
        Date().addingTimeInterval(storage.withLock { $0.clockOffset })
    }

    var settings: Settings { storage.withLock { $0.settings } }

    func client(_ id: String) -> EmulatorClient? { storage.withLock { $0.clients[id] } }

    func register(_ client: EmulatorClient) {
        storage.withLock { $0.clients[client.clientID] = client }
    }

    // MARK: Authorization codes

    func issueCode(_ record: AuthorizationCodeRecord) -> String {
        let code = Base62.secureToken(prefix: "AQ", length: 126)
        storage.withLock {
            $0.codes[code] = record
            $0.consents["\(record.userID) \(record.clientID)", default: []].formUnion(record.scopes)
        }
        return code
    }

    func hasConsent(userID: String, clientID: String, scopes: [String]) -> Bool {
        storage.withLock { ($0.consents["\(userID) \(clientID)"] ?? []).isSuperset(of: scopes) }
    }

    enum CodeLookup {
        case valid(AuthorizationCodeRecord)
        case unknownOrUsed
        case expired
    }

    /// Marks a code used and returns it; a code works once, for ten minutes.
    func consumeCode(_ code: String) -> CodeLookup {
        let now = self.now()
        return storage.withLock { storage -> CodeLookup in
            guard var record = storage.codes[code], !record.used else { return .unknownOrUsed }
            record.used = true
            storage.codes[code] = record
            if now.timeIntervalSince(record.issuedAt) > 600 { return .expired }
            return .valid(record)
        }
    }

    // MARK: Tokens

    struct IssuedTokens {
        var accessToken: String
        var refreshToken: String?
        var scopes: [String]
        var expiresIn: Int
    }

    /// A new grant for a user's consent, with its first access and refresh token.
    func issueGrant(userID: String, clientID: String, scopes: [String]) -> IssuedTokens {
        let now = self.now()
        let grantID = UUID().uuidString
        let access = Base62.secureToken(prefix: "BQ", length: 150)
        let refresh = Base62.secureToken(prefix: "AQ", length: 130)
        return storage.withLock { storage in
            let ttl = storage.settings.tokenTTL
            storage.grants[grantID] = GrantRecord(userID: userID, clientID: clientID, scopes: scopes, consentedAt: now)
            storage.accessTokens[access] = AccessTokenRecord(
                userID: userID, clientID: clientID, scopes: Set(scopes), expiresAt: now.addingTimeInterval(TimeInterval(ttl)), grantID: grantID
            )
            storage.refreshTokens[refresh] = RefreshTokenRecord(grantID: grantID)
            storage.counters.tokenGrants["authorization_code", default: 0] += 1
            return IssuedTokens(accessToken: access, refreshToken: refresh, scopes: scopes, expiresIn: ttl)
        }
    }

    enum RefreshOutcome {
        case refreshed(IssuedTokens)
        case unknown
        case revoked
        case expired
        case wrongClient
    }

    /// Exchanges a refresh token; grants die six calendar months after the original consent.
    func refresh(_ token: String, clientID: String) -> RefreshOutcome {
        let now = self.now()
        let access = Base62.secureToken(prefix: "BQ", length: 150)
        let newRefresh = Base62.secureToken(prefix: "AQ", length: 130)
        return storage.withLock { storage -> RefreshOutcome in
            guard let record = storage.refreshTokens[token], let grant = storage.grants[record.grantID] else { return .unknown }
            guard grant.clientID == clientID else { return .wrongClient }
            if record.revoked || grant.revoked { return .revoked }
            if now >= EmulatorState.grantEnd(grant.consentedAt) { return .expired }
            let ttl = storage.settings.tokenTTL
            storage.accessTokens[access] = AccessTokenRecord(
                userID: grant.userID, clientID: clientID, scopes: Set(grant.scopes), expiresAt: now.addingTimeInterval(TimeInterval(ttl)),
                grantID: record.grantID
            )
            var issued = IssuedTokens(accessToken: access, refreshToken: nil, scopes: grant.scopes, expiresIn: ttl)
            if storage.settings.refreshTokenPolicy == .rotate {
                storage.refreshTokens[token]?.revoked = true
                storage.refreshTokens[newRefresh] = RefreshTokenRecord(grantID: record.grantID)
                issued.refreshToken = newRefresh
            }
            storage.counters.tokenGrants["refresh_token", default: 0] += 1
            storage.counters.refreshesByUser[grant.userID, default: 0] += 1
            return .refreshed(issued)
        }
    }

    func issueAppToken(clientID: String) -> IssuedTokens {
        let now = self.now()
        let access = Base62.secureToken(prefix: "BQ", length: 120)
        return storage.withLock { storage in
            let ttl = storage.settings.tokenTTL
            storage.accessTokens[access] = AccessTokenRecord(
                userID: nil, clientID: clientID, scopes: [], expiresAt: now.addingTimeInterval(TimeInterval(ttl)))
            storage.counters.tokenGrants["client_credentials", default: 0] += 1
            return IssuedTokens(accessToken: access, refreshToken: nil, scopes: [], expiresIn: ttl)
        }
    }

    /// The record behind a bearer token, if it is known, unexpired and not revoked.
    func validAccessToken(_ token: Substring) -> AccessTokenRecord? {
        let now = self.now()
        return storage.withLock { storage -> AccessTokenRecord? in
            guard let record = storage.accessTokens[String(token)], record.expiresAt > now else { return nil }
            if let grantID = record.grantID, storage.grants[grantID]?.revoked == true { return nil }
            return record
        }
    }

    /// Revokes every grant of a user, as removing the app at spotify.com/account does.
    func revokeUser(_ userID: String) -> Int {
        storage.withLock { storage in
            var revoked = 0
            for (id, grant) in storage.grants where grant.userID == userID && !grant.revoked {
                storage.grants[id]?.revoked = true
                revoked += 1
            }
            storage.consents = storage.consents.filter { !$0.key.hasPrefix(userID + " ") }
            return revoked
        }
    }

    static func grantEnd(_ consentedAt: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        return calendar.date(byAdding: .month, value: 6, to: consentedAt) ?? consentedAt.addingTimeInterval(182 * 86_400)
    }

    // MARK: Faults and counters

    /// The fault to inject into this request, consuming one use of a counted rule.
    func takeFault(method: String, path: Substring) -> FaultRule? {
        storage.withLock { storage -> FaultRule? in
            for index in storage.faults.indices {
                let rule = storage.faults[index]
                if let prefix = rule.pathPrefix, !path.hasPrefix(prefix) { continue }
                if let only = rule.method, only.uppercased() != method { continue }
                if let fraction = rule.fraction, Double.random(in: 0..<1) >= fraction { continue }
                if let count = rule.count {
                    if count <= 1 { storage.faults.remove(at: index) } else { storage.faults[index].count = count - 1 }
                }
                storage.counters.faultsInjected[rule.kind.rawValue, default: 0] += 1
                return rule
            }
            return nil
        }
    }

    func count(_ key: String) {
        storage.withLock { $0.counters.requests[key, default: 0] += 1 }
    }
}
