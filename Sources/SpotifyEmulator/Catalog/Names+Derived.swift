/// Values derived from an ID rather than drawn from the seed, so adding them left every
/// existing seeded value as it was.
extension Names {
    static let labels = [
        "Northbound Records", "Lumen Audio", "Harbour Lights", "Quiet Static", "Paper Moon Music", "Ninefold", "Copper Coast",
        "Aster & Vale", "Low Orbit", "Saltwater Sound",
    ]

    /// A stable hash of an ID (FNV-1a), the same in every process.
    static func stableHash(_ id: String) -> UInt64 {
        id.utf8.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01B3 }
    }

    /// The record label of an album.
    static func label(for albumID: String) -> String {
        labels[Int(stableHash(albumID) % UInt64(labels.count))]
    }

    /// A 12-digit UPC for an album.
    static func upc(for albumID: String) -> String {
        let digits = String(stableHash(albumID) % 1_000_000_000_000)
        return String(repeating: "0", count: 12 - digits.count) + digits
    }
}
