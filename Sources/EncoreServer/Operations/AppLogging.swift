import Crypto
import Foundation

/// Short stable stand-ins for user ids in logs: enough to follow one user, not to name them.
///
/// An HMAC under a key derived from `ENCORE_SECRET_KEY`, not a bare hash: Spotify ids are few
/// and public, so anyone holding the logs could hash them all and match; without the key they
/// cannot.
struct LogPseudonyms: Sendable {
    private let key: SymmetricKey

    init(secretKey: SymmetricKey) {
        key = TokenCipher.derive(secretKey, purpose: "encore log pseudonyms v1")
    }

    /// The pseudonym of a user: 8 base64url characters.
    func callAsFunction(_ userID: String) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: Data(userID.utf8), using: key).prefix(6)).base64URLEncoded
    }
}
