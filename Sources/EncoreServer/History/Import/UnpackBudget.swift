/// How much one upload may unpack to, in all, counted as bytes are really produced.
final class UnpackBudget {
    private(set) var remaining: Int64
    let limit: Int64

    init(limit: Int64) {
        self.limit = limit
        remaining = limit
    }

    func spend(_ bytes: Int) throws {
        remaining -= Int64(bytes)
        guard remaining >= 0 else {
            throw ExportArchive.Failure(description: "unpacks to more than \(limit >> 20) MiB in all; is it Spotify's export?", isBudget: true)
        }
    }
}

/// Little-endian numbers of a ZIP's headers.
extension [UInt8] {
    func uint16(at index: Int) -> UInt16 { UInt16(self[index]) | UInt16(self[index + 1]) << 8 }

    func uint32(at index: Int) -> UInt32 {
        UInt32(self[index]) | UInt32(self[index + 1]) << 8 | UInt32(self[index + 2]) << 16 | UInt32(self[index + 3]) << 24
    }

    /// A little-endian 64-bit value, `-1` when it does not fit a signed one (checked as out of range).
    func int64(at index: Int) -> Int64 {
        let value = UInt64(uint32(at: index)) | UInt64(uint32(at: index + 4)) << 32
        return value > UInt64(Int64.max) ? -1 : Int64(value)
    }
}
