import Foundation
import Synchronization
import Testing

/// spotipy, unmodified from PyPI, against `encore emulator` in development mode: the emulator
/// is faithful enough for the most used Python client to work with no change.
@Suite("spotipy against encore emulator", .timeLimit(.minutes(3)), .enabled(if: SpotipyEnvironment.isAvailable))
struct SpotipyTests {
    @Test("search, albums, playlists (create, add, reorder, remove, details), library, followed artists and the player")
    func spotipyWorks() async throws {
        let python = try #require(SpotipyEnvironment.python, "ENCORE_TEST_PYTHON is not set; run scripts/test")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("encore-spotipy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let emulatorProcess = try EncoreProcess.start(
            [
                "emulator", "--port", "0", "--client-id", "spotipy-client", "--client-secret", "spotipy-secret", "--redirect-uri",
                "http://127.0.0.1:9000/callback", "--auto-approve", "maya", "--dev-mode",
            ], in: directory)
        defer { emulatorProcess.signal(SIGKILL) }
        let emulator = try #require(await emulatorProcess.url(after: "Spotify emulator running on"))
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let (status, output) = try await run(
            python, [root.appendingPathComponent("scripts/spotipy-check.py").path, emulator, "spotipy-client", "spotipy-secret"])
        #expect(status == 0, "\(output.suffix(3000))")
        #expect(output.contains("steps passed"))
    }

    private func run(_ executable: String, _ arguments: [String]) async throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe.closedOnExec()
        process.standardOutput = pipe
        process.standardError = pipe
        let output = Mutex("")
        pipe.fileHandleForReading.readabilityHandler = { file in
            let data = file.availableData
            if data.isEmpty { file.readabilityHandler = nil } else { output.withLock { $0 += String(decoding: data, as: UTF8.self) } }
        }
        let status = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int32, any Error>) in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        return (status, output.withLock { $0 })
    }
}

enum SpotipyEnvironment {
    static var python: String? { ProcessInfo.processInfo.environment["ENCORE_TEST_PYTHON"] }
    /// Runs when scripts/test provides Python; when it says Python is required, a missing one fails.
    static var isAvailable: Bool { python != nil || ProcessInfo.processInfo.environment["ENCORE_TEST_REQUIRE_PYTHON"] == "1" }
}
