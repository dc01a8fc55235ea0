import ArgumentParser
import EncoreServer
import Foundation
import Logging
import SpotifyEmulator

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `encore history import|stats|artist|album|track|top|sessions|export|forget`: the listening
/// history on this machine.
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "Import, sum up, explore, export or delete your listening history.",
        discussion: """
            The history lives in $XDG_DATA_HOME/encore/history.sqlite (else ~/.local/share/encore/), \
            kept for the signed-in user (or, before `encore login`, for "local"). --database-url points \
            at a server's database instead, --user at another user's history in it.

            Examples:
              encore history import ~/Downloads/my_spotify_data.zip
              encore history stats --from 2025-01-01 --to 2025-12-31
              encore history stats --period 4w --format json
              encore history artist "Radiohead" --format json
              encore history top tracks --sort minutes --limit 50
              encore history sessions --sort length --limit 5
              encore history export --format csv > plays.csv
              encore history forget --yes
              encore history sample --from 2025-01-01 --to 2025-12-31 --output Streaming_History_Audio_2025.json
            """,
        subcommands: [
            Import.self, Stats.self, Artist.self, Album.self, Track.self, Top.self, Sessions.self, Export.self, Forget.self, Sample.self,
        ]
    )

    /// Where the history is, and whose.
    struct Location: ParsableArguments {
        @Option(help: "sqlite://PATH or postgres://… (default: the history file under $XDG_DATA_HOME/encore).")
        var databaseURL: String?

        @Option(help: "Whose history: a Spotify user id (default: the signed-in user, or \"local\").")
        var user: String?

        static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
            if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") { return xdg + "/encore/history.sqlite" }
            return (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share/encore/history.sqlite"
        }

        /// The user the history is kept for.
        func userID() throws -> String {
            if let user { return user }
            return try CredentialsFile().load()?.userID ?? "local"
        }

        /// Opens (and migrates) the store, runs `body`, and closes it.
        func withStore<T: Sendable>(_ body: @Sendable (HistoryStore) async throws -> T) async throws -> T {
            let location: DatabaseLocation
            do {
                location = try DatabaseLocation(parsing: databaseURL ?? "sqlite://" + Self.defaultPath())
            } catch {
                throw CLIFailure(cause: "\(error)", hint: "use sqlite://PATH or postgres://user:password@host:5432/database", code: 1)
            }
            if case .sqliteFile(let path) = location {
                let folder = (path as NSString).deletingLastPathComponent
                try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            }
            var logger = Logger(label: "encore.history")
            logger.logLevel = .error
            return try await HistoryStore.withOpened(location, logger: logger, body)
        }

        /// The system's zone when it has an IANA name, else UTC.
        static var systemZone: String {
            let name = TimeZone.current.identifier
            return name.contains("/") ? name : "UTC"
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import Spotify's streaming-history export (the ZIP, or its JSON files).",
            discussion: """
                Reads Streaming_History_Audio_*.json (Extended streaming history) and StreamingHistory*.json \
                (the account-data download), or the ZIP Spotify sends. Importing the same file again adds \
                nothing; entries that cannot be read are counted and skipped.

                Examples:
                  encore history import my_spotify_data.zip
                  encore history import Streaming_History_Audio_2023.json Streaming_History_Audio_2024.json
                """)

        @Argument(help: "ZIP or JSON files.") var files: [String]
        @OptionGroup var location: Location

        /// The server's limits, where its variables are set.
        static func limits() -> StreamingHistoryImporter.Limits {
            var limits = StreamingHistoryImporter.Limits()
            let environment = ProcessInfo.processInfo.environment
            if let text = environment["ENCORE_HISTORY_MAX_PLAYS"], let max = Int(text), max > 0 { limits.maxEntries = max }
            if let text = environment["ENCORE_HISTORY_UNPACK_MAX_BYTES"], let max = Int64(text), max > 0 { limits.maxUnpackedBytes = max }
            // Nobody waits on the command line but the person who started it.
            limits.timeLimit = nil
            return limits
        }

        func run() async throws {
            try await runReportingFailures {
                let userID = try location.userID()
                let files = self.files
                let summary = try await location.withStore { history in
                    let listener = try await history.ensureListener(userID: userID, timeZone: Location.systemZone, now: Date())
                    let progress = ImportProgress(enabled: isatty(STDERR_FILENO) != 0)
                    do {
                        // Nobody else waits on this database: larger batches write faster.
                        let summary = try await StreamingHistoryImporter(
                            store: history, userID: userID, listener: listener, writeGuard: .generation(listener.generation), batchSize: 10_000,
                            limits: Self.limits()
                        ).importFiles(files) { progress.show($0) }
                        progress.finish()
                        // What `history stats` and the pages sum up, made now rather than at the first look.
                        if summary.added + summary.merged > 0 {
                            try await history.preparePacks(userID: userID, added: summary.added + summary.merged)
                        }
                        return summary
                    } catch let failure as StreamingHistoryImporter.Failure {
                        progress.finish()
                        throw CLIFailure(
                            cause: failure.description, hint: "give Spotify's export: the ZIP, or its Streaming_History_Audio_*.json files", code: 1)
                    } catch let full as HistoryStore.HistoryFull {
                        progress.finish()
                        throw CLIFailure(cause: full.description, hint: "raise ENCORE_HISTORY_MAX_PLAYS to keep more", code: 1)
                    }
                }
                print(ImportReportText.render(summary), terminator: "")
                for problem in summary.problems { FileHandle.standardError.write(Data("warning: \(problem)\n".utf8)) }
            }
        }
    }

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sum up a period: minutes, plays, top tracks, artists and albums.",
            discussion: """
                --from and --to are days (YYYY-MM-DD, both included) in the history's time zone; without \
                them, or --period, the whole history. "plays" counts plays of 30 s or more; "ms_played" \
                is all listening in the period, shorter plays included.

                Examples:
                  encore history stats
                  encore history stats --from 2025-03-01 --to 2025-03-31 --format json
                  encore history stats --period year --limit 20
                """)

        @Option(help: "The first day, YYYY-MM-DD.") var from: String?
        @Option(help: "The last day, YYYY-MM-DD.") var to: String?
        @Option(help: "7d, 4w, year, last-year or all (instead of --from/--to).") var period: String?
        @Option(help: "Count days in this IANA zone (default: the history's own).") var timeZone: String?
        @Option(help: "Entries per top list, 1–100.") var limit: Int = 10
        @Option(help: "table, json or csv.") var format: OutputFormat = .table
        @OptionGroup var location: Location

        func validate() throws {
            guard (1...100).contains(limit) else { throw ValidationError("--limit must be between 1 and 100") }
        }

        func run() async throws {
            try await runReportingFailures {
                let userID = try location.userID()
                let chosen: HistoryPeriod
                do {
                    chosen = try HistoryPeriod.parse(period: period, from: from, to: to, default: .allTime)
                } catch let invalid as HistoryPeriod.Invalid {
                    throw CLIFailure(cause: "--\(invalid.description)", hint: "see `encore history stats --help`", code: 1)
                }
                let zone = try timeZone.map { name in
                    guard let zone = HistoryPeriod.zone(named: name) else {
                        throw CLIFailure(cause: "\(name) is not a time zone", hint: "use an IANA name such as Europe/Berlin", code: 1)
                    }
                    return zone
                }
                let limit = self.limit
                let report = try await location.withStore { history in
                    try await history.report(userID: userID, period: chosen, timeZone: zone, now: Date(), limit: limit)
                }
                try HistoryOutput.emit(report, format: format)
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write every play, oldest first, as CSV or JSON.",
            discussion: "Examples:\n  encore history export > plays.csv\n  encore history export --format json --output plays.json")

        @Option(help: "csv or json.") var format: OutputFormat = .csv
        @Option(help: "A file to write (default: standard output).") var output: String?
        @OptionGroup var location: Location

        func run() async throws {
            try await runReportingFailures {
                guard format != .table else {
                    throw CLIFailure(cause: "export writes csv or json", hint: "use --format csv or --format json", code: 1)
                }
                let userID = try location.userID()
                let sink = try HistoryOutput.Sink(path: output)
                let format = self.format
                let count = try await location.withStore { history in
                    try await HistoryOutput.export(history, userID: userID, format: format, to: sink)
                }
                sink.close()
                if output != nil { print("Wrote \(count) plays.") }
            }
        }
    }

    struct Forget: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete every play of the history.",
            discussion: "Asks first on a terminal; --yes skips the question.\n\nExample:\n  encore history forget --yes")

        @Flag(help: "Delete without asking.") var yes = false
        @OptionGroup var location: Location

        func run() async throws {
            try await runReportingFailures {
                let userID = try location.userID()
                if !yes {
                    guard isatty(STDIN_FILENO) != 0 else {
                        throw CLIFailure(cause: "not deleting without --yes", hint: "run `encore history forget --yes`", code: 1)
                    }
                    FileHandle.standardError.write(Data("Delete every play of \(userID)'s history? Type yes: ".utf8))
                    guard readLine()?.trimmingCharacters(in: .whitespaces).lowercased() == "yes" else {
                        print("Nothing deleted.")
                        return
                    }
                }
                let removed = try await location.withStore { history in try await history.forget(userID: userID) }
                print("Deleted \(removed) plays.")
            }
        }
    }
}

extension HistoryCommand {
    /// `encore history sample`: an export to try the import with, from the emulator's listeners.
    struct Sample: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a sample streaming-history export, generated by the built-in emulator.",
            discussion: """
                The plays are those the emulator's listening simulation gives a seeded listener (maya, jonas, \
                priya, lucas, sofia), in Spotify's Streaming_History_Audio_*.json format, short plays included.

                Examples:
                  encore history sample --output Streaming_History_Audio_2025.json
                  encore history sample --user jonas --from 2024-01-01 --to 2025-12-31 --output jonas.json
                """)

        @Option(help: "A seeded listener.") var user = "maya"
        @Option(help: "The first day, YYYY-MM-DD (default: a year before --to).") var from: String?
        @Option(help: "The last day, YYYY-MM-DD (default: yesterday).") var to: String?
        @Option(help: "The emulator's catalog seed.") var seed: UInt64 = 1
        @Option(help: "A file to write (default: standard output).") var output: String?

        func run() async throws {
            try await runReportingFailures {
                let today = LocalDate(dayNumber: Int64(Date().timeIntervalSince1970 / 86_400))
                guard let end = to.map({ LocalDate(parsing: $0) }) ?? today.adding(days: -1) else {
                    throw CLIFailure(cause: "--to must be a day written YYYY-MM-DD", hint: "see --help", code: 1)
                }
                guard let start = from.map({ LocalDate(parsing: $0) }) ?? end.adding(days: -365), start <= end,
                    end.dayNumber - start.dayNumber <= 5 * 366
                else {
                    throw CLIFailure(cause: "--from must be a day (YYYY-MM-DD) before --to, at most five years earlier", hint: "see --help", code: 1)
                }
                let emulator = SpotifyEmulator(configuration: .init(seed: seed))
                let sink = try HistoryOutput.Sink(path: output)
                let interval = DateInterval(
                    start: Date(timeIntervalSince1970: TimeInterval(start.dayNumber * 86_400)),
                    end: Date(timeIntervalSince1970: TimeInterval((end.dayNumber + 1) * 86_400)))
                guard let count = emulator.writeStreamingHistory(of: user, in: interval, to: { sink.write($0) }) else {
                    throw CLIFailure(
                        cause: "\(user) is not one of the emulator's listeners",
                        hint: "choose one of \(emulator.users.map(\.id).joined(separator: ", "))",
                        code: 1)
                }
                sink.close()
                if output != nil { print("Wrote \(count) plays of \(user), \(start) to \(end).") }
            }
        }
    }
}

/// A progress bar on the terminal for an import.
final class ImportProgress: Sendable {
    let enabled: Bool

    init(enabled: Bool) { self.enabled = enabled }

    func show(_ progress: StreamingHistoryImporter.Progress) {
        guard enabled, progress.totalBytes > 0 else { return }
        let width = 30
        let filled = Int(min(Int64(width), progress.bytesRead * Int64(width) / progress.totalBytes))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        FileHandle.standardError.write(
            Data("\r\(bar) \(progress.bytesRead >> 20)/\(progress.totalBytes >> 20) MB, \(progress.summary.added) plays added".utf8))
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
