import Crypto
import Foundation

enum AppLogging {
    /// A short stable stand-in for a user id in logs: enough to follow one user, not to name them.
    static func pseudonym(_ userID: String) -> String {
        Data(SHA256.hash(data: Data(userID.utf8)).prefix(6)).base64URLEncoded
    }
}
