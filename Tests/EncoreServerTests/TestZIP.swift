import CZlib
import Foundation

/// ZIPs built byte by byte for tests: honest ones like Spotify's, and hostile ones that lie about
/// their sizes, share one blob between entries, or stop half-way through a deflate stream.
struct TestZIP {
    struct Entry {
        var name: String
        /// What the entry unpacks to.
        var data: [UInt8]
        var deflate = true
        /// Overrides, to lie.
        var storedBytes: [UInt8]? = nil
        var declaredSize: UInt32? = nil
        var declaredCRC: UInt32? = nil
        var encrypted = false
        var method: UInt16? = nil
    }

    var entries: [Entry] = []
    /// Central-directory records pointing at the first entry's data again, this many times.
    var sharedCopies = 0

    init(_ entries: [Entry] = []) { self.entries = entries }

    static func deflated(_ data: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        guard encore_deflate_init_raw(&stream, 6) == Z_OK else { return [] }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(data.count))) + 64)
        var input = data
        let produced = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = source.baseAddress
                stream.avail_in = UInt32(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = UInt32(target.count)
                _ = CZlib.deflate(&stream, Z_FINISH)
                return target.count - Int(stream.avail_out)
            }
        }
        return Array(output.prefix(produced))
    }

    static func crc(_ data: [UInt8]) -> UInt32 {
        data.withUnsafeBufferPointer { UInt32(truncatingIfNeeded: CZlib.crc32(0, $0.baseAddress, UInt32($0.count))) }
    }

    /// The ZIP's bytes.
    var bytes: [UInt8] {
        var out: [UInt8] = []
        var directory: [UInt8] = []
        var records = 0
        func le16(_ value: UInt16, _ into: inout [UInt8]) { into += [UInt8(value & 0xFF), UInt8(value >> 8)] }
        func le32(_ value: UInt32, _ into: inout [UInt8]) { for shift in [0, 8, 16, 24] { into.append(UInt8((value >> UInt32(shift)) & 0xFF)) } }
        var firstRecord: [UInt8]?
        for entry in entries {
            let stored = entry.storedBytes ?? (entry.deflate ? Self.deflated(entry.data) : entry.data)
            let method: UInt16 = entry.method ?? (entry.deflate ? 8 : 0)
            let crc = entry.declaredCRC ?? Self.crc(entry.data)
            let size = entry.declaredSize ?? UInt32(entry.data.count)
            let name = Array(entry.name.utf8)
            let offset = UInt32(out.count)
            let flags: UInt16 = entry.encrypted ? 1 : 0
            // Local header.
            le32(0x0403_4B50, &out)
            le16(20, &out)
            le16(flags, &out)
            le16(method, &out)
            le16(0, &out)
            le16(0x21, &out)
            le32(crc, &out)
            le32(UInt32(stored.count), &out)
            le32(size, &out)
            le16(UInt16(name.count), &out)
            le16(0, &out)
            out += name + stored
            // Its central-directory record.
            var record: [UInt8] = []
            le32(0x0201_4B50, &record)
            le16(20, &record)
            le16(20, &record)
            le16(flags, &record)
            le16(method, &record)
            le16(0, &record)
            le16(0x21, &record)
            le32(crc, &record)
            le32(UInt32(stored.count), &record)
            le32(size, &record)
            le16(UInt16(name.count), &record)
            le16(0, &record)
            le16(0, &record)
            le16(0, &record)
            le16(0, &record)
            le32(0o100644 << 16, &record)
            le32(offset, &record)
            record += name
            directory += record
            records += 1
            if firstRecord == nil { firstRecord = record }
        }
        if let firstRecord {
            for _ in 0..<sharedCopies {
                directory += firstRecord
                records += 1
            }
        }
        let directoryOffset = UInt32(out.count)
        out += directory
        le32(0x0605_4B50, &out)
        le16(0, &out)
        le16(0, &out)
        le16(UInt16(min(records, 0xFFFF)), &out)
        le16(UInt16(min(records, 0xFFFF)), &out)
        le32(UInt32(directory.count), &out)
        le32(directoryOffset, &out)
        le16(0, &out)
        return out
    }

    func write(named name: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("encore-zip-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }
}

extension TestZIP {
    /// A deflated JSON array holding `megabytes` MiB of spaces and nothing else: an honest file
    /// that is slow to read. Built from one megabyte's deflate output repeated (after a sync
    /// flush the encoder's state repeats too), so a gigabyte takes milliseconds to make.
    static func whitespace(megabytes: Int) -> (stored: [UInt8], size: UInt32, crc: UInt32) {
        var stream = z_stream()
        guard encore_deflate_init_raw(&stream, 1) == Z_OK else { return ([], 0, 0) }
        defer { deflateEnd(&stream) }
        let megabyte = 1 << 20
        func feed(_ data: [UInt8], _ flush: Int32) -> [UInt8] {
            var input = data
            var output = [UInt8](repeating: 0, count: megabyte + 1024)
            let produced = input.withUnsafeMutableBufferPointer { source in
                output.withUnsafeMutableBufferPointer { target in
                    stream.next_in = source.baseAddress
                    stream.avail_in = UInt32(source.count)
                    stream.next_out = target.baseAddress
                    stream.avail_out = UInt32(target.count)
                    _ = CZlib.deflate(&stream, flush)
                    return target.count - Int(stream.avail_out)
                }
            }
            return Array(output.prefix(produced))
        }
        let spaces = [UInt8](repeating: 0x20, count: megabyte)
        var first = spaces
        first[0] = UInt8(ascii: "[")
        var stored = feed(first, Z_SYNC_FLUSH)
        // Two blocks: the first after the "[" may differ; from the second on they repeat.
        stored += feed(spaces, Z_SYNC_FLUSH)
        let unit = feed(spaces, Z_SYNC_FLUSH)
        for _ in 3..<megabytes { stored += unit }
        stored += unit
        stored += feed([UInt8(ascii: "]")], Z_FINISH)
        var crc = spaces.withUnsafeBufferPointer { CZlib.crc32(0, $0.baseAddress, UInt32($0.count)) }
        let firstCRC = first.withUnsafeBufferPointer { CZlib.crc32(0, $0.baseAddress, UInt32($0.count)) }
        let megabyteCRC = crc
        crc = firstCRC
        for _ in 1..<megabytes { crc = crc32_combine(crc, megabyteCRC, off_t(megabyte)) }
        let bracket: [UInt8] = [UInt8(ascii: "]")]
        crc = crc32_combine(crc, bracket.withUnsafeBufferPointer { CZlib.crc32(0, $0.baseAddress, 1) }, 1)
        return (stored, UInt32(truncatingIfNeeded: megabytes * megabyte + 1), UInt32(truncatingIfNeeded: crc))
    }
}
