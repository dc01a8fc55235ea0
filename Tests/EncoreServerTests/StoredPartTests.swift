import Foundation
import Logging
import Testing

@testable import EncoreServer

/// The store and what else lives in its database: the store names none of its parts, the parts
/// bring their schema, and the arrows between the server's folders point one way.
@Suite("Storage: parts kept in the store's database")
struct StoredPartTests {
    /// A part whose step takes a number the store already uses.
    final class Clashing: StoredPart {
        static var schemaSteps: [SchemaStep] { [SchemaStep(version: 3, name: "clash", statements: ["CREATE TABLE encore_clash (a INTEGER)"])] }
        init(store: SQLEncoreStore) {}
    }

    @Test("a part is made once per store; a part whose step number is taken stops the migration before any step runs")
    func partsAndTheirSteps() async throws {
        var logger = Logger(label: "parts")
        logger.logLevel = .critical
        let store = try await SQLEncoreStore.open(.sqliteMemory, parts: [HistoryStore.self, Clashing.self], logger: logger)
        let runner = Task { await store.run() }
        defer { runner.cancel() }
        #expect(store.history === store.history)
        #expect(store.part(Clashing.self) === store.part(Clashing.self))
        await #expect(throws: StorageError.self) { try await store.migrate() }
        let tables = try await store.engine.withDatabase(idempotent: true) { database in
            try await database.raw("SELECT name FROM sqlite_master WHERE type = 'table'").all().map { try $0.decode(column: "name", as: String.self) }
        }
        #expect(tables.isEmpty, "\(tables)")
        await store.close()

        // Opened with the history, the store makes its tables with its own.
        try await StoreContractTests.withStore(.sqliteMemory) { store in
            let made = try await store.engine.withDatabase(idempotent: true) { database in
                try await database.raw("SELECT version FROM encore_schema_migrations ORDER BY version").all().map {
                    try $0.decode(column: "version", as: Int.self)
                }
            }
            #expect(made == (Migrations.steps + HistorySchema.steps).map(\.version).sorted())
            #expect(try await store.history.listener(userID: "nobody") == nil)
        }
    }

    @Test("Storage/ and Spotify/ name nothing of the history, and the history names neither Hummingbird nor the web app's errors")
    func arrowsPointOneWay() throws {
        let server = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/EncoreServer")
        func sources(_ folder: String) throws -> [(String, String)] {
            let root = server.appendingPathComponent(folder)
            let files = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") } ?? []
            #expect(!files.isEmpty, "no sources under \(folder)")
            return try files.map { ($0, try String(contentsOf: root.appendingPathComponent($0), encoding: .utf8)) }
        }
        // Code, not comments: a doc comment may say what uses a type.
        func code(_ text: String) -> String {
            text.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("//") }.joined(separator: "\n")
        }
        let historyNames = ["HistoryStore", "HistorySchema", "HistoryListener", "HistoryRecorder", "PlayPack", "RecorderOutcome", "HistoryID"]
        for folder in ["Storage", "Spotify"] {
            for (file, text) in try sources(folder) {
                for name in historyNames {
                    #expect(!code(text).contains(name), "\(folder)/\(file) names \(name)")
                }
                #expect(!code(text).contains("AppError"), "\(folder)/\(file) names AppError")
            }
        }
        for (file, text) in try sources("History") {
            #expect(!code(text).contains("import Hummingbird"), "History/\(file) imports Hummingbird")
            #expect(!code(text).contains("AppError"), "History/\(file) names AppError")
        }
    }
}
