import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing

@testable import EncoreServer

/// Collects what a ``LogBuffer`` writes, batch by batch.
final class CollectedOutput: Sendable {
    private let batches = Mutex<[String]>([])

    var writer: @Sendable (UnsafeRawBufferPointer) -> Void {
        { [self] bytes in
            let text = String(decoding: bytes, as: UTF8.self)
            batches.withLock { $0.append(text) }
        }
    }

    var text: String { batches.withLock { $0.joined() } }
    var batchCount: Int { batches.withLock { $0.count } }
    var lines: [String] { text.split(separator: "\n").map(String.init) }
}

@Suite("Buffered access log", .timeLimit(.minutes(1)))
struct LogBufferTests {
    @Test("queued lines are written in order, in one batch, only when flushed")
    func ordering() throws {
        let output = CollectedOutput()
        let buffer = LogBuffer(capacity: 1 << 20, output: output.writer)
        var logger = Logger(label: "encore") { BufferedLogHandler(label: $0, level: .info, buffer: buffer) }
        logger[metadataKey: "hb.request.id"] = "42"
        for index in 0..<100 { logger.info("GET /top/tracks → 200", metadata: ["n": "\(index)"]) }
        logger.debug("below the level")
        #expect(output.text.isEmpty)

        buffer.flush()
        #expect(output.batchCount == 1)
        let lines = output.lines
        #expect(lines.count == 100)
        #expect(lines.enumerated().allSatisfy { index, line in line.contains(" n=\(index) ") })
        // The line format of swift-log's StreamLogHandler, metadata sorted by key.
        let first = try #require(lines.first)
        #expect(first.contains(" info encore: hb.request.id=42 n=0 [EncoreServerTests] GET /top/tracks → 200"))
        #expect(first.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} "#, options: .regularExpression) != nil)
    }

    @Test("an error is written at once, after the lines queued before it")
    func errorsAtOnce() {
        let output = CollectedOutput()
        let buffer = LogBuffer(capacity: 1 << 20, output: output.writer)
        let logger = Logger(label: "encore") { BufferedLogHandler(label: $0, level: .info, buffer: buffer) }
        logger.info("first")
        logger.error("storage failed")
        let lines = output.lines
        #expect(lines.count == 2)
        #expect(lines.first?.hasSuffix("] first") == true)
        #expect(lines.last?.contains(" error encore: [EncoreServerTests] storage failed") == true)
        #expect(buffer.pendingBytes == 0)
    }

    @Test("a log storm holds at most the buffer's capacity, counts the dropped lines and says so in the log")
    func boundedUnderStorm() {
        let output = CollectedOutput()
        let buffer = LogBuffer(capacity: 64 * 1024, output: output.writer)
        let logger = Logger(label: "encore") { BufferedLogHandler(label: $0, level: .info, buffer: buffer) }
        let line = String(repeating: "x", count: 200)
        for _ in 0..<10_000 { logger.info("\(line)") }
        #expect(buffer.pendingBytes <= 64 * 1024)
        #expect(buffer.droppedLines > 9_000)
        let dropped = buffer.droppedLines
        buffer.flush()
        let lines = output.lines
        #expect(lines.count == 10_000 - dropped + 1)
        #expect(lines.last?.contains("dropped \(dropped) log lines") == true)
        // Counted once: the next flush says nothing more.
        buffer.flush()
        #expect(output.lines.count == lines.count)
    }

    @Test("the flusher writes within its interval and flushes what is left when the service group stops")
    func flushesPeriodicallyAndOnShutdown() async throws {
        let output = CollectedOutput()
        let buffer = LogBuffer(capacity: 1 << 20, output: output.writer)
        let logger = Logger(label: "encore") { BufferedLogHandler(label: $0, level: .info, buffer: buffer) }
        let group = ServiceGroup(services: [LogFlusher(buffer: buffer, interval: .milliseconds(20))], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            logger.info("while running")
            // Waits for the flusher's own timer; bounded by the suite's time limit, not a sleep.
            while !output.text.contains("while running") { await Task.yield() }
            logger.info("during shutdown")
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(output.lines.last?.hasSuffix("] during shutdown") == true)
    }

    @Test("filling a quarter of the buffer wakes the flusher before its interval")
    func earlyWake() async throws {
        let output = CollectedOutput()
        let buffer = LogBuffer(capacity: 4096, output: output.writer)
        let logger = Logger(label: "encore") { BufferedLogHandler(label: $0, level: .info, buffer: buffer) }
        let group = ServiceGroup(services: [LogFlusher(buffer: buffer, interval: .seconds(3600))], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            for _ in 0..<12 { logger.info("\(String(repeating: "y", count: 100))") }
            while output.batchCount == 0 { await Task.yield() }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(buffer.droppedLines == 0)
        #expect(output.lines.count == 12)
    }
}
