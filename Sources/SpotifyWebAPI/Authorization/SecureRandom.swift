import Foundation

/// Random strings for OAuth, drawn from the system's cryptographically secure generator.
enum SecureRandom {
    /// RFC 7636's unreserved characters: `[A-Za-z0-9-._~]`.
    static let unreserved = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)

    /// A string of `length` characters drawn uniformly from `alphabet`.
    ///
    /// `Int.random(in:using:)` rejects out-of-range draws instead of taking a remainder, so every
    /// character is equally likely (no modulo bias).
    static func string(length: Int, alphabet: [UInt8] = unreserved) -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8]()
        bytes.reserveCapacity(length)
        for _ in 0..<length {
            bytes.append(alphabet[Int.random(in: 0..<alphabet.count, using: &generator)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `count` random bytes.
    static func bytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// Compares two strings in time that depends only on their lengths, so an attacker probing
    /// `state` values learns nothing from how fast a guess is rejected.
    static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8)
        let b = Array(rhs.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices {
            difference |= a[index] ^ b[index]
        }
        return difference == 0
    }
}

extension Sequence<UInt8> {
    /// Base64url without padding (RFC 4648 §5), as PKCE and opaque ids use it.
    var base64URLEncoded: String {
        let standard = Array(self).base64String
        var result = ""
        result.reserveCapacity(standard.count)
        for character in standard {
            switch character {
            case "+": result.append("-")
            case "/": result.append("_")
            case "=": continue
            default: result.append(character)
            }
        }
        return result
    }
}

extension [UInt8] {
    var base64String: String {
        Data(self).base64EncodedString()
    }
}
