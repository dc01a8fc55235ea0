import Crypto
import Foundation

/// Encrypts secrets at rest with AES-256-GCM.
///
/// Each value is bound to where it is stored (for example `tokens:USER`), so a ciphertext
/// copied onto another user's row does not decrypt. Values written under an earlier key still
/// open while that key is listed in `previousKeys`, which is how the key is rotated.
struct TokenCipher: Sendable {
    private let sealingKey: SymmetricKey
    private let openingKeys: [SymmetricKey]
    private static let prefix = "v1:"

    init(key: SymmetricKey, previousKeys: [SymmetricKey] = []) {
        sealingKey = Self.derive(key, purpose: "encore tokens v1")
        openingKeys = ([key] + previousKeys).map { Self.derive($0, purpose: "encore tokens v1") }
    }

    /// Seals `plaintext` for the given place.
    func seal(_ plaintext: some DataProtocol, boundTo context: String) throws(StorageError) -> String {
        do {
            let box = try AES.GCM.seal(plaintext, using: sealingKey, authenticating: Data(context.utf8))
            guard let combined = box.combined else { throw StorageError.encryption }
            return Self.prefix + combined.base64EncodedString()
        } catch {
            throw StorageError.encryption
        }
    }

    /// Opens a value sealed by ``seal(_:boundTo:)`` for the same place.
    /// - Throws: ``StorageError/undecryptable`` when the key or the place differ, or the value was altered.
    func open(_ sealed: String, boundTo context: String) throws(StorageError) -> Data {
        guard sealed.hasPrefix(Self.prefix), let combined = Data(base64Encoded: String(sealed.dropFirst(Self.prefix.count))),
            let box = try? AES.GCM.SealedBox(combined: combined)
        else { throw StorageError.undecryptable }
        for key in openingKeys {
            if let plaintext = try? AES.GCM.open(box, using: key, authenticating: Data(context.utf8)) {
                return plaintext
            }
        }
        throw StorageError.undecryptable
    }

    /// Seals `plaintext` as base64url without padding, for places such as cookie values where
    /// `+`, `/`, `=` and `:` are best avoided.
    func sealURLSafe(_ plaintext: some DataProtocol, boundTo context: String) throws(StorageError) -> String {
        let sealed = try seal(plaintext, boundTo: context)
        return String(sealed.dropFirst(Self.prefix.count))
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// Opens a value sealed by ``sealURLSafe(_:boundTo:)``.
    /// - Throws: ``StorageError/undecryptable`` as ``open(_:boundTo:)`` does, and for text that is not base64url.
    func openURLSafe(_ sealed: some StringProtocol, boundTo context: String) throws(StorageError) -> Data {
        guard sealed.utf8.allSatisfy({ Self.isBase64URL($0) }) else { throw StorageError.undecryptable }
        var base64 = sealed.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.utf8.count % 4) % 4)
        return try open(Self.prefix + base64, boundTo: context)
    }

    private static func isBase64URL(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default: false
        }
    }

    static func derive(_ key: SymmetricKey, purpose: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Data(purpose.utf8), outputByteCount: 32)
    }
}
