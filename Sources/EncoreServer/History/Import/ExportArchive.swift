import Foundation

/// Spotify's export ZIP, read without trusting a byte of it.
///
/// Only the central directory is believed about where entries are, and only after checking:
/// every entry's data must lie inside the file, before the directory, and apart from every other
/// entry's (a ZIP whose entries share one blob multiplies itself). An entry is then read by
/// ``EntryReader``, which inflates at most its compressed size, counts the bytes it really
/// produces against the size declared and the whole upload's budget, and checks the CRC.
/// Entries are streamed: nothing is unpacked to disk, and only the entries that matter are held.
final class ExportArchive {
    /// A file inside the ZIP.
    struct Entry: Sendable {
        /// Its path in the ZIP, shortened for messages.
        var path: String
        var kind: ExportFileKind
        var method: UInt16
        var compressedSize: Int64
        var uncompressedSize: Int64
        var crc32: UInt32
        var localHeaderOffset: Int64
        /// Where its data starts: after the local header, whose lengths are read when the archive opens.
        var dataOffset: Int64 = 0

        /// The name alone, as a person recognises it.
        var fileName: String { String(path.split(separator: "/").last ?? Substring(path)) }
    }

    /// The ZIP cannot be read, or would cost more than it may.
    struct Failure: Error, CustomStringConvertible {
        var description: String
        /// The whole upload's budget is spent: the import stops, not just this entry.
        var isBudget = false
    }

    /// Central-directory records looked at: Spotify's export holds a few dozen files.
    static let maxDirectoryRecords = 100_000
    /// Files kept to be read (history and video files).
    static let maxKeptEntries = 10_000
    /// The longest name kept for a message.
    static let maxNameInMessages = 200

    /// The entries worth reading, in the ZIP's order.
    private(set) var entries: [Entry] = []
    /// Entries that cannot be read (encrypted, an unknown compression), with why.
    private(set) var problems: [String] = []
    /// Every file in the ZIP.
    private(set) var fileCount = 0

    private let handle: FileHandle
    let size: Int64

    /// Opens and checks the ZIP at `path`.
    /// - Parameter maxUnpackedBytes: the most its kept entries may declare, in all.
    init(path: String, maxUnpackedBytes: Int64) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw Failure(description: "cannot be opened") }
        self.handle = handle
        do {
            size = Int64(try handle.seekToEnd())
            let directory = try Self.directory(handle, size: size)
            try readDirectory(directory)
            try locateData(before: directory.offset)
        } catch let failure as Failure {
            try? handle.close()
            throw failure
        } catch {
            try? handle.close()
            throw Failure(description: "is not a ZIP that can be read")
        }
        let declared = entries.reduce(Int64(0)) { $0 + $1.uncompressedSize }
        guard declared <= maxUnpackedBytes else {
            try? handle.close()
            throw Failure(description: "says it unpacks to more than \(maxUnpackedBytes >> 20) MiB; is it Spotify's export?")
        }
    }

    deinit { try? handle.close() }

    /// Reads an entry's bytes in pieces.
    func reader(for entry: Entry, budget: UnpackBudget) throws -> EntryReader {
        try EntryReader(handle: handle, entry: entry, budget: budget)
    }

    // MARK: The central directory

    private struct Directory {
        var offset: Int64
        var size: Int64
        var records: Int64
    }

    /// Finds the end-of-central-directory record (and its ZIP64 form) in the last 64 KiB.
    private static func directory(_ handle: FileHandle, size: Int64) throws -> Directory {
        let tailLength = min(size, 22 + 65_535)
        let tail = try read(handle, at: size - tailLength, count: Int(tailLength))
        guard tail.count >= 22 else { throw Failure(description: "is too short to be a ZIP") }
        var found: Int?
        var index = tail.count - 22
        while index >= 0 {
            if tail.uint32(at: index) == 0x0605_4B50 {
                found = index
                break
            }
            index -= 1
        }
        guard let end = found else { throw Failure(description: "has no ZIP directory (is it cut short?)") }
        var directory = Directory(
            offset: Int64(tail.uint32(at: end + 16)), size: Int64(tail.uint32(at: end + 12)), records: Int64(tail.uint16(at: end + 10)))
        let endOffset = size - tailLength + Int64(end)
        if directory.records == 0xFFFF || directory.size == 0xFFFF_FFFF || directory.offset == 0xFFFF_FFFF {
            // ZIP64: a locator just before the record says where the 64-bit record is.
            guard endOffset >= 20 else { throw Failure(description: "has a damaged ZIP64 directory") }
            let locator = try read(handle, at: endOffset - 20, count: 20)
            guard locator.count == 20, locator.uint32(at: 0) == 0x0706_4B50 else { throw Failure(description: "has a damaged ZIP64 directory") }
            let recordOffset = locator.int64(at: 8)
            guard recordOffset >= 0, recordOffset + 56 <= endOffset else { throw Failure(description: "has a damaged ZIP64 directory") }
            let record = try read(handle, at: recordOffset, count: 56)
            guard record.count == 56, record.uint32(at: 0) == 0x0606_4B50 else { throw Failure(description: "has a damaged ZIP64 directory") }
            directory = Directory(offset: record.int64(at: 48), size: record.int64(at: 40), records: record.int64(at: 32))
        }
        guard directory.offset >= 0, directory.size >= 0, directory.offset <= endOffset, directory.size <= endOffset - directory.offset else {
            throw Failure(description: "has a ZIP directory that points outside the file")
        }
        guard directory.records <= maxDirectoryRecords else {
            throw Failure(description: "holds more than \(maxDirectoryRecords) files; is it Spotify's export?")
        }
        return directory
    }

    private func readDirectory(_ directory: Directory) throws {
        var reader = BufferedReader(handle: handle, offset: directory.offset, length: directory.size)
        while let fixed = try reader.take(46) {
            guard fixed.uint32(at: 0) == 0x0201_4B50 else { throw Failure(description: "has a damaged ZIP directory") }
            fileCount += 1
            guard fileCount <= Self.maxDirectoryRecords else {
                throw Failure(description: "holds more than \(Self.maxDirectoryRecords) files; is it Spotify's export?")
            }
            let flags = fixed.uint16(at: 8)
            let nameLength = Int(fixed.uint16(at: 28)), extraLength = Int(fixed.uint16(at: 30)), commentLength = Int(fixed.uint16(at: 32))
            guard let name = try reader.take(nameLength), let extra = try reader.take(extraLength), try reader.take(commentLength) != nil else {
                throw Failure(description: "has a damaged ZIP directory")
            }
            let path = String(decoding: name, as: UTF8.self)
            // A folder, or a file that is neither history nor video, is passed over unread.
            let kind = ExportFileKind(path: path)
            guard !path.hasSuffix("/"), kind != .other else { continue }
            var entry = Entry(
                path: String(path.prefix(Self.maxNameInMessages)), kind: kind, method: fixed.uint16(at: 10),
                compressedSize: Int64(fixed.uint32(at: 20)), uncompressedSize: Int64(fixed.uint32(at: 24)), crc32: fixed.uint32(at: 16),
                localHeaderOffset: Int64(fixed.uint32(at: 42)))
            try Self.applyZIP64(extra, to: &entry)
            if flags & 1 != 0 {
                problems.append("\(entry.fileName): is encrypted")
                continue
            }
            guard entry.method == 0 || entry.method == 8 else {
                problems.append("\(entry.fileName): is compressed in a way Spotify's exports do not use (method \(entry.method))")
                continue
            }
            guard entries.count < Self.maxKeptEntries else {
                throw Failure(description: "holds more than \(Self.maxKeptEntries) history files; is it Spotify's export?")
            }
            entries.append(entry)
        }
    }

    /// The 64-bit sizes and offset a ZIP64 entry keeps in its extra field, for those its header
    /// marks as too large.
    private static func applyZIP64(_ extra: [UInt8], to entry: inout Entry) throws {
        let needs = (entry.uncompressedSize == 0xFFFF_FFFF, entry.compressedSize == 0xFFFF_FFFF, entry.localHeaderOffset == 0xFFFF_FFFF)
        guard needs.0 || needs.1 || needs.2 else { return }
        var index = 0
        while index + 4 <= extra.count {
            let tag = extra.uint16(at: index), length = Int(extra.uint16(at: index + 2))
            let start = index + 4
            guard start + length <= extra.count else { break }
            if tag == 0x0001 {
                var field = start
                func next() throws -> Int64 {
                    guard field + 8 <= start + length else { throw Failure(description: "has a damaged ZIP64 entry") }
                    defer { field += 8 }
                    return extra.int64(at: field)
                }
                if needs.0 { entry.uncompressedSize = try next() }
                if needs.1 { entry.compressedSize = try next() }
                if needs.2 { entry.localHeaderOffset = try next() }
                return
            }
            index = start + length
        }
        throw Failure(description: "has a damaged ZIP64 entry")
    }

    /// Reads each kept entry's local header for where its data starts, and refuses data that
    /// lies outside the file's entries or overlaps another entry's.
    private func locateData(before directoryOffset: Int64) throws {
        for index in entries.indices {
            let entry = entries[index]
            guard entry.localHeaderOffset >= 0, entry.compressedSize >= 0, entry.uncompressedSize >= 0,
                entry.localHeaderOffset <= directoryOffset - 30
            else { throw Failure(description: "has an entry that points outside the file") }
            let header = try Self.read(handle, at: entry.localHeaderOffset, count: 30)
            guard header.count == 30, header.uint32(at: 0) == 0x0403_4B50 else {
                throw Failure(description: "has a damaged entry (\(entry.fileName))")
            }
            let dataOffset = entry.localHeaderOffset + 30 + Int64(header.uint16(at: 26)) + Int64(header.uint16(at: 28))
            guard entry.compressedSize <= directoryOffset - dataOffset else {
                throw Failure(description: "has an entry that points outside the file (\(entry.fileName))")
            }
            entries[index].dataOffset = dataOffset
        }
        let ranges = entries.map { $0.localHeaderOffset..<($0.dataOffset + $0.compressedSize) }.sorted { $0.lowerBound < $1.lowerBound }
        for (before, after) in zip(ranges, ranges.dropFirst()) where after.lowerBound < before.upperBound {
            throw Failure(description: "has entries that share their data (a ZIP built to multiply itself)")
        }
    }

    static func read(_ handle: FileHandle, at offset: Int64, count: Int) throws -> [UInt8] {
        guard offset >= 0, count > 0 else { return [] }
        try handle.seek(toOffset: UInt64(offset))
        return [UInt8](try handle.read(upToCount: count) ?? Data())
    }

    /// Reads a range of the file in order, a megabyte at a time.
    private struct BufferedReader {
        let handle: FileHandle
        var offset: Int64
        var remaining: Int64
        var buffer: [UInt8] = []
        var position = 0

        init(handle: FileHandle, offset: Int64, length: Int64) {
            self.handle = handle
            self.offset = offset
            remaining = length
        }

        /// The next `count` bytes, `nil` at the range's end, a failure when it ends mid-way.
        mutating func take(_ count: Int) throws -> [UInt8]? {
            if position == buffer.count, remaining == 0 { return count == 0 ? [] : nil }
            while buffer.count - position < count {
                guard remaining > 0 else { throw Failure(description: "has a damaged ZIP directory") }
                let piece = try ExportArchive.read(handle, at: offset, count: Int(min(remaining, 1 << 20)))
                guard !piece.isEmpty else { throw Failure(description: "has a damaged ZIP directory") }
                buffer.removeFirst(position)
                position = 0
                buffer += piece
                offset += Int64(piece.count)
                remaining -= Int64(piece.count)
            }
            defer { position += count }
            return Array(buffer[position..<(position + count)])
        }
    }
}

/// One entry's bytes, a piece at a time: stored or deflated, never more input than its
/// compressed size, never more output than it declared, and its CRC checked at the end.
struct EntryReader {
    /// Bytes handed out at a time.
    static let pieceSize = 1 << 20
    private static let inputSize = 64 << 10

    private let handle: FileHandle
    private let entry: ExportArchive.Entry
    private let budget: UnpackBudget
    private var inflater: RawInflater?
    private var input: [UInt8] = []
    private var inputPosition = 0
    private var nextInputOffset: Int64
    private var compressedLeft: Int64
    private var produced: Int64 = 0
    private var crc = CRC32()
    private var finished = false

    init(handle: FileHandle, entry: ExportArchive.Entry, budget: UnpackBudget) throws {
        self.handle = handle
        self.entry = entry
        self.budget = budget
        nextInputOffset = entry.dataOffset
        compressedLeft = entry.compressedSize
        if entry.method == 8 { inflater = try RawInflater() }
    }

    /// What went wrong; the import's report puts the entry's name before it.
    private func failure(_ what: String) -> ExportArchive.Failure {
        ExportArchive.Failure(description: what)
    }

    /// The next piece of the entry (empty when much input gave no output yet, so the caller can
    /// look at the time), or `nil` once it has all been read and checked.
    mutating func next() throws -> [UInt8]? {
        guard !finished else { return nil }
        var output = [UInt8](repeating: 0, count: Self.pieceSize)
        var filled = 0
        var consumed = 0
        while filled == 0 {
            if consumed >= Self.pieceSize * 16 { return [] }
            if inputPosition == input.count, compressedLeft > 0 {
                input = try ExportArchive.read(handle, at: nextInputOffset, count: Int(min(compressedLeft, Int64(Self.inputSize))))
                guard !input.isEmpty else { throw failure("is cut short") }
                inputPosition = 0
                nextInputOffset += Int64(input.count)
                compressedLeft -= Int64(input.count)
            }
            guard let inflater else {
                // Stored: the bytes are the data.
                let count = input.count - inputPosition
                if count == 0 { return try finish() }
                output.replaceSubrange(0..<count, with: input[inputPosition...])
                inputPosition = input.count
                filled = count
                break
            }
            let position = inputPosition
            let result = input.withUnsafeBytes { source in
                output.withUnsafeMutableBytes { target in
                    Result { () throws(RawInflater.Failure) in
                        try inflater.inflate(UnsafeRawBufferPointer(rebasing: source[position...]), into: target)
                    }
                }
            }
            let step: RawInflater.Step
            switch result {
            case .success(let done): step = done
            case .failure(.outOfMemory): throw failure("could not be unpacked: out of memory")
            case .failure(.damaged): throw failure("is damaged: its compressed data is not valid")
            }
            inputPosition += step.consumed
            consumed += step.consumed
            filled = step.produced
            if step.ended {
                if filled > 0 {
                    try account(output, filled)
                    finished = true
                    try check()
                    return Array(output[0..<filled])
                }
                return try finish()
            }
            // No progress, and no input left to make any: the data stops before its end.
            if step.consumed == 0, step.produced == 0, inputPosition == input.count, compressedLeft == 0 {
                throw failure("is cut short: its compressed data ends before the file does")
            }
        }
        try account(output, filled)
        output.removeSubrange(filled...)
        return output
    }

    private mutating func account(_ output: [UInt8], _ count: Int) throws {
        produced += Int64(count)
        guard produced <= entry.uncompressedSize else { throw failure("unpacks to more than the \(entry.uncompressedSize) bytes it declares") }
        try budget.spend(count)
        output.withUnsafeBytes { crc.update(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
    }

    private mutating func finish() throws -> [UInt8]? {
        finished = true
        try check()
        return nil
    }

    private func check() throws {
        guard produced == entry.uncompressedSize else {
            throw failure("unpacks to \(produced) bytes, not the \(entry.uncompressedSize) it declares")
        }
        guard crc.value == entry.crc32 else { throw failure("is damaged: its checksum does not match") }
    }
}
