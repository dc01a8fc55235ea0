import Foundation
import Logging
import SQLKit
import ServiceLifecycle
import SpotifyWebAPI
import Testing

@testable import EncoreServer

@Suite("Starting and stopping", .timeLimit(.minutes(1)))
struct StartingAndStoppingTests {
    @Test(
        "PostgreSQL: told to stop while its migration waits behind another instance's, the app stops at once and changes nothing",
        .enabled(if: ScratchPostgres.isAvailable))
    func stopWhileMigrationWaits() async throws {
        try await ScratchPostgres.with { url, _ in
            var quiet = Logger(label: "other-instance")
            quiet.logLevel = .critical
            let other = try PostgresEngine(url: url, poolSize: 2, logger: quiet, leaseTimeout: .seconds(30))
            let otherPool = Task { await other.run() }
            defer { otherPool.cancel() }

            // Another instance migrating: it holds the migration lock until the test lets go.
            let (held, holding) = AsyncStream<Void>.makeStream()
            let (released, release) = AsyncStream<Void>.makeStream()
            let otherMigration = Task {
                try await other.withTransaction(limit: .seconds(50)) { database in
                    try await database.raw(SQLQueryString(StorageDialect.postgres.migrationLock ?? "")).run()
                    holding.finish()
                    for await _ in released {}
                }
            }
            for await _ in held {}

            let logs = LogCapture()
            let store = try await SQLEncoreStore.open(.postgres(url: url), parts: [HistoryStore.self], logger: logs.logger())
            let spotify = try SpotifyClientConfiguration(
                clientID: "encore-tests", clientSecret: ClientSecret("not-used-before-the-server-starts"),
                redirectURI: RedirectURI("http://127.0.0.1:9000/callback")
            )
            let app = try await buildApplication(
                AppConfiguration(spotify: spotify, port: 0, database: .postgres(url: url), secretKey: .init(size: .bits256)),
                dependencies: AppDependencies(store: store, logger: logs.logger())
            )
            let group = ServiceGroup(configuration: .init(services: [app], logger: quiet))
            let running = Task { try await group.run() }

            // Until the app's own migration is queued behind the lock (no fixed wait: it asks).
            while try await Self.statementsWaitingForLocks(other) == 0 {
                await Task.yield()
            }
            await group.triggerGracefulShutdown()
            // The lock is still held: without the stop reaching the migration, this would wait
            // for the lock (and the test would run out of time).
            await #expect(throws: StoppedDuringStartup.self) { try await running.value }
            #expect(logs.all.contains { $0.contains("stopped during start-up, before the database migration finished") })

            release.finish()
            try await otherMigration.value
            let tables = try await other.withDatabase(idempotent: true) { database in
                try await database.raw("SELECT count(*) AS tables FROM information_schema.tables WHERE table_name LIKE 'encore\\_%'")
                    .first()?.decode(column: "tables", as: Int.self)
            }
            #expect(tables == 0, "the stopped app's migration created nothing")
        }
    }

    static func statementsWaitingForLocks(_ engine: PostgresEngine) async throws -> Int {
        try await engine.withDatabase(idempotent: true) { database in
            try await database.raw(
                """
                SELECT count(*) AS waiting FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event_type = 'Lock'
                """
            ).first()?.decode(column: "waiting", as: Int.self)
        } ?? 0
    }
}
