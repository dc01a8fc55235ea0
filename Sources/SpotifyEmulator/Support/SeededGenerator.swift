/// SplitMix64: a small deterministic generator, so one seed always gives the same catalog.
struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum Base62 {
    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    /// A 22-character Spotify id.
    static func id(using generator: inout SeededGenerator, length: Int = 22) -> String {
        String((0..<length).map { _ in alphabet[Int.random(in: 0..<62, using: &generator)] })
    }

    static func isValidID(_ value: Substring) -> Bool {
        value.utf8.count == 22
            && value.utf8.allSatisfy { byte in
                (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte)
            }
    }

    /// A random opaque string for codes and tokens, from the system's secure generator.
    static func secureToken(prefix: String, length: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let tokenAlphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_")
        return prefix + String((0..<length).map { _ in tokenAlphabet[Int.random(in: 0..<tokenAlphabet.count, using: &generator)] })
    }
}
