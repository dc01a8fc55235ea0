import Crypto
import Foundation

/// Random identifiers and their stored digests.
///
/// Session ids and `state` values are stored only as SHA-256 digests, so a copy of the
/// database does not hand out working cookies or sign-ins.
enum Identifiers {
    /// 256 random bits, base64url without padding.
    static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64URLEncoded
    }

    /// The stored form of an identifier.
    static func digest(_ identifier: String) -> String {
        Data(SHA256.hash(data: Data(identifier.utf8))).base64URLEncoded
    }

    /// A well-formed identifier is 43 base64url characters; anything else is not looked up.
    static func isWellFormed(_ value: String) -> Bool {
        value.utf8.count == 43
            && value.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D || byte == 0x5F
            }
    }
}

/// Makes and checks the token that every form posting to the app carries.
///
/// The token is an HMAC of the session id, so it needs no storage, changes when the session id
/// is rotated, and cannot be computed without the server's key.
struct CSRFTokens: Sendable {
    private let key: SymmetricKey

    init(secretKey: SymmetricKey) {
        key = TokenCipher.derive(secretKey, purpose: "encore csrf v1")
    }

    func token(forSession sessionID: String) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: Data(sessionID.utf8), using: key)).base64URLEncoded
    }

    func isValid(_ candidate: String?, forSession sessionID: String) -> Bool {
        guard let candidate, let candidateMAC = Data(base64URLEncoded: candidate) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(candidateMAC, authenticating: Data(sessionID.utf8), using: key)
    }
}

extension Data {
    /// Byte by byte rather than with `replacingOccurrences`: this runs on every request (the
    /// session digest), where Foundation's string search showed up in profiles.
    var base64URLEncoded: String {
        let standard = base64EncodedData()
        var bytes = [UInt8]()
        bytes.reserveCapacity(standard.count)
        for byte in standard {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: "-"))
            case UInt8(ascii: "/"): bytes.append(UInt8(ascii: "_"))
            case UInt8(ascii: "="): continue
            default: bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    init?(base64URLEncoded text: String) {
        guard text.utf8.count <= 128 else { return nil }
        var bytes = [UInt8]()
        bytes.reserveCapacity(text.utf8.count + 3)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "-"): bytes.append(UInt8(ascii: "+"))
            case UInt8(ascii: "_"): bytes.append(UInt8(ascii: "/"))
            default: bytes.append(byte)
            }
        }
        while bytes.count % 4 != 0 { bytes.append(UInt8(ascii: "=")) }
        self.init(base64Encoded: Data(bytes))
    }
}
