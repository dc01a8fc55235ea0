/// Comparing secrets (CSRF tokens, state values) without leaking where they differ.
enum SecureCompare {
    /// Compares two strings in time that depends only on their length.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}
