import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Log lines on their way to a file descriptor, written in batches off the request path.
///
/// Appending takes one short lock and never blocks on I/O; ``LogFlusher`` writes what has
/// gathered at least every second, and sooner when a quarter of the buffer is used. A full buffer
/// drops new lines and counts them, so a log storm costs bounded memory and no request waits on
/// the terminal or the disk. Errors are written at once, after everything buffered before them.
/// nginx's `access_log … buffer=` is the model.
public final class LogBuffer: Sendable {
    private struct State {
        var pending: [UInt8] = []
        var dropped = 0
        var droppedReported = 0
        var wakeRequested = false
    }

    /// The most bytes held between two flushes.
    public let capacity: Int
    private let state = Mutex(State())
    // Held while a batch is written, so batches reach the descriptor in the order they were taken.
    private let writing = Mutex(())
    private let output: @Sendable (UnsafeRawBufferPointer) -> Void
    private let wakeups: AsyncStream<Void>.Continuation
    let wakeupStream: AsyncStream<Void>

    /// Creates a buffer in front of a file descriptor (standard error by default).
    /// - Parameter capacity: The most bytes held; 1 MiB by default, about five thousand lines.
    public convenience init(fileDescriptor: Int32 = 2, capacity: Int = 1 << 20) {
        self.init(capacity: capacity) { bytes in Self.writeAll(bytes, to: fileDescriptor) }
    }

    /// Creates a buffer in front of any writer; tests pass one that collects the bytes.
    public init(capacity: Int, output: @escaping @Sendable (UnsafeRawBufferPointer) -> Void) {
        self.capacity = max(capacity, 1024)
        self.output = output
        (wakeupStream, wakeups) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Lines dropped because the buffer was full, since the start.
    public var droppedLines: Int { state.withLock { $0.dropped } }

    /// Bytes waiting for the next flush.
    public var pendingBytes: Int { state.withLock { $0.pending.count } }

    /// Queues a line (which should end with a newline); drops it when the buffer is full.
    public func append(_ line: String) {
        var line = line
        let wake = line.withUTF8 { bytes in
            state.withLock { state -> Bool in
                guard state.pending.count + bytes.count <= capacity else {
                    state.dropped += 1
                    return false
                }
                state.pending.append(contentsOf: bytes)
                guard !state.wakeRequested, state.pending.count >= capacity / 4 else { return false }
                state.wakeRequested = true
                return true
            }
        }
        if wake { wakeups.yield() }
    }

    /// Writes a line at once, after every line queued before it.
    public func writeNow(_ line: String) {
        writing.withLock { _ in
            var batch = takeBatch()
            batch.append(contentsOf: line.utf8)
            batch.withUnsafeBytes(output)
        }
    }

    /// Writes everything queued so far.
    public func flush() {
        writing.withLock { _ in
            let batch = takeBatch()
            if !batch.isEmpty { batch.withUnsafeBytes(output) }
        }
    }

    private func takeBatch() -> [UInt8] {
        let (batch, newlyDropped) = state.withLock { state in
            let newlyDropped = state.dropped - state.droppedReported
            state.droppedReported = state.dropped
            state.wakeRequested = false
            var taken: [UInt8] = []
            taken.reserveCapacity(min(state.pending.count * 2, capacity))
            swap(&taken, &state.pending)
            return (taken, newlyDropped)
        }
        guard newlyDropped > 0 else { return batch }
        // Said where the gap is, in the stream itself, so a reader sees lines are missing.
        return batch + Array("\(Self.timestamp()) warning encore: dropped \(newlyDropped) log lines: the log buffer was full\n".utf8)
    }

    func finishWakeups() { wakeups.finish() }

    static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) {
        guard var base = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            let written = write(descriptor, base, left)
            if written < 0 {
                if errno == EINTR { continue }
                return  // Nowhere to report a failing log; never take the process down over it.
            }
            left -= written
            base += written
        }
    }

    private static let clock = Mutex<(second: Int, text: String)>((-1, ""))

    /// `2026-12-01T22:38:52+0000`, the format of swift-log's `StreamLogHandler`, local time;
    /// formatted once a second rather than once a line.
    static func timestamp() -> String {
        var now = time(nil)
        let second = Int(now)
        return clock.withLock { cached in
            if cached.second == second { return cached.text }
            var parts = tm()
            localtime_r(&now, &parts)
            var buffer = [Int8](repeating: 0, count: 64)
            let length = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &parts)
            let text = String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            cached = (second, text)
            return text
        }
    }
}
