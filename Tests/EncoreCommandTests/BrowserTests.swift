import Foundation
import Synchronization
import Testing

/// Runs Tests/Browser/demo_flow.py: headless Chromium clicking through demo mode like a person.
///
/// scripts/test installs Chromium, chromedriver and selenium (into .venv) and sets
/// ENCORE_TEST_BROWSER_PYTHON; when it says the browser is required, a missing one fails.
@Suite("Browser", .timeLimit(.minutes(5)), .enabled(if: BrowserEnvironment.isAvailable))
struct BrowserTests {

    @Test("a person signs in, browses both ranges, saves a playlist, walks their listening history and signs out — no console error, no broken image")
    func demoFlow() async throws {
        let python = try #require(BrowserEnvironment.python, "ENCORE_TEST_BROWSER_PYTHON is not set; run scripts/test")
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let script = root.appendingPathComponent("Tests/Browser/demo_flow.py").path
        let screenshots = root.appendingPathComponent(".build/test-output/browser").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, EncoreProcess.binary.path, screenshots]
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
        let text = output.withLock { $0 }
        #expect(status == 0, "\(text.suffix(3000))")
        #expect(FileManager.default.fileExists(atPath: screenshots + "/04-top-tracks.png"))
        #expect(FileManager.default.fileExists(atPath: screenshots + "/history-full.png"))
    }
}

enum BrowserEnvironment {
    static var python: String? { ProcessInfo.processInfo.environment["ENCORE_TEST_BROWSER_PYTHON"] }
    static var isAvailable: Bool {
        python != nil || ProcessInfo.processInfo.environment["ENCORE_TEST_REQUIRE_BROWSER"] == "1"
    }
}
