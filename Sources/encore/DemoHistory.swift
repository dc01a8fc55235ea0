import EncoreServer
import Foundation
import Logging
import SpotifyEmulator

/// Demo mode's listening history: some weeks of the emulator's simulated listening for each of
/// its listeners, imported through the same path as a real export, so `/history` is full at once.
enum DemoHistory {
    /// How far back the demo's history reaches.
    static let weeks = 6

    /// Imports each listener's last weeks; a later start adds only what is new.
    static func seed(_ history: HistoryStore, emulator: SpotifyEmulator, now: Date, logger: Logger) async {
        let interval = DateInterval(start: now.addingTimeInterval(-Double(weeks) * 7 * 86_400), end: now)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("encore-demo-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for user in emulator.users {
                let file = folder.appendingPathComponent("Streaming_History_Audio_\(user.id).json")
                guard FileManager.default.createFile(atPath: file.path, contents: nil), let handle = FileHandle(forWritingAtPath: file.path) else {
                    continue
                }
                emulator.writeStreamingHistory(of: user.id, in: interval) { handle.write(Data($0.utf8)) }
                try handle.close()
                try await history.ensureListener(userID: user.accountID, timeZone: zone(country: user.country), now: now)
                let summary = try await StreamingHistoryImporter(store: history, userID: user.accountID, now: now).importFiles([file.path])
                logger.debug("demo history", metadata: ["user": .string(user.id), "added": .stringConvertible(summary.added)])
            }
        } catch {
            // Stopped while seeding: nothing went wrong.
            if Task.isCancelled { return }
            logger.warning("could not fill the demo's listening history", metadata: ["error": .string(String(describing: error))])
        }
    }

    /// The emulator's listeners live in these zones.
    static func zone(country: String) -> String {
        switch country {
        case "GB": "Europe/London"
        case "SE": "Europe/Stockholm"
        case "IN": "Asia/Kolkata"
        case "FR": "Europe/Paris"
        case "MX": "America/Mexico_City"
        default: "UTC"
        }
    }
}
