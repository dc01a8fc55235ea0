import Logging
import ServiceLifecycle

/// A swift-log handler that writes `StreamLogHandler`'s line format through a ``LogBuffer``.
///
/// The line is formatted on the caller's thread (metadata only when a line is written, since
/// Hummingbird sets a request id on every request that usually logs nothing), then queued;
/// ``LogFlusher`` writes the queue in batches. Lines at `error` and above are written at once.
public struct BufferedLogHandler: LogHandler {
    private let label: String
    private let buffer: LogBuffer
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    /// Creates a handler for one logger label.
    public init(label: String, level: Logger.Level, buffer: LogBuffer, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.buffer = buffer
        self.logLevel = level
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var line = LogBuffer.timestamp()
        line.reserveCapacity(256)
        line += " "
        line += event.level.rawValue
        line += " "
        line += label
        line += ":"
        // The usual line has a few keys of its own and the request id: merged without building
        // a third dictionary, sorted as StreamLogHandler sorts them.
        let provided = metadataProvider?.get() ?? [:]
        let explicit = event.metadata ?? [:]
        var pairs: [(key: String, value: Logger.MetadataValue)] = []
        pairs.reserveCapacity(metadata.count + provided.count + explicit.count)
        for pair in metadata where provided[pair.key] == nil && explicit[pair.key] == nil { pairs.append(pair) }
        for pair in provided where explicit[pair.key] == nil { pairs.append(pair) }
        for pair in explicit { pairs.append(pair) }
        pairs.sort { $0.key < $1.key }
        for (key, value) in pairs {
            line += " "
            line += key
            line += "="
            line += value.description
        }
        line += " ["
        line += event.source
        line += "] "
        line += event.message.description
        line += "\n"
        if event.level >= .error {
            buffer.writeNow(line)
        } else {
            buffer.append(line)
        }
    }
}

/// Writes a ``LogBuffer`` at least every second, and once more when the service group stops.
///
/// Put it first in the service group: services stop in reverse order, so it is the last to go
/// and flushes what the others logged while they drained.
public struct LogFlusher: Service {
    let buffer: LogBuffer
    let interval: Duration

    /// Creates the flusher for a buffer.
    public init(buffer: LogBuffer, interval: Duration = .seconds(1)) {
        self.buffer = buffer
        self.interval = interval
    }

    public func run() async {
        let buffer = buffer, interval = interval
        await withDiscardingTaskGroup { group in
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    buffer.flush()
                }
            }
            // The buffer asks for an early flush when it fills past a quarter.
            group.addTask {
                for await _ in buffer.wakeupStream { buffer.flush() }
            }
            try? await gracefulShutdown()
            buffer.finishWakeups()
            group.cancelAll()
        }
        buffer.flush()
    }
}
