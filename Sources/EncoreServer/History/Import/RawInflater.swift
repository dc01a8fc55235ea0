import CZlib

/// zlib's inflate over a ZIP entry's raw deflate data, driven by the caller one piece at a time,
/// so the caller decides how much input it gets (at most the entry's compressed size) and stops
/// it whenever it likes.
///
/// A stream that ends before zlib has seen its end is an error here, never a wait for more: that
/// is the loop a hostile ZIP turned into a spin in ZIPFoundation (weichsel/ZIPFoundation#389).
final class RawInflater {
    /// What one call did.
    struct Step {
        var consumed: Int
        var produced: Int
        /// zlib saw the stream's final block end.
        var ended: Bool
    }

    enum Failure: Error, Equatable {
        case damaged
        case outOfMemory
    }

    // zlib keeps pointers into its z_stream, so it must never move: it lives on the heap.
    private let stream: UnsafeMutablePointer<z_stream>

    init() throws(Failure) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        guard encore_inflate_init_raw(stream) == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw .outOfMemory
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Inflates as much of `input` into `output` as fits.
    func inflate(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(Failure) -> Step {
        guard let outBase = output.baseAddress, output.count > 0 else { return Step(consumed: 0, produced: 0, ended: false) }
        // zlib never writes through next_in; its type is only missing the const.
        let inBase = input.baseAddress.map { UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: Bytef.self)) }
        stream.pointee.next_in = inBase
        stream.pointee.avail_in = UInt32(input.count)
        stream.pointee.next_out = outBase.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = UInt32(output.count)
        let status = CZlib.inflate(stream, Z_NO_FLUSH)
        let step = Step(
            consumed: input.count - Int(stream.pointee.avail_in), produced: output.count - Int(stream.pointee.avail_out),
            ended: status == Z_STREAM_END)
        stream.pointee.next_in = nil
        stream.pointee.next_out = nil
        switch status {
        case Z_OK, Z_STREAM_END, Z_BUF_ERROR: return step
        case Z_MEM_ERROR: throw .outOfMemory
        default: throw .damaged
        }
    }
}

/// CRC-32 as ZIP stores it, continued piece by piece.
struct CRC32: Equatable {
    private(set) var value: UInt32 = 0

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        var remaining = bytes.count
        var pointer = base.assumingMemoryBound(to: Bytef.self)
        var crc = UInt(value)
        // zlib takes at most a UInt32's worth at once.
        while remaining > 0 {
            let piece = min(remaining, 1 << 30)
            crc = CZlib.crc32(crc, pointer, UInt32(piece))
            pointer += piece
            remaining -= piece
        }
        value = UInt32(truncatingIfNeeded: crc)
    }
}
