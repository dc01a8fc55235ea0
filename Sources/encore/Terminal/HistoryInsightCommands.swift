import ArgumentParser
import EncoreServer
import Foundation

/// The period options the insight commands share with `history stats`.
struct PeriodOptions: ParsableArguments {
    @Option(help: "The first day, YYYY-MM-DD.") var from: String?
    @Option(help: "The last day, YYYY-MM-DD.") var to: String?
    @Option(help: "7d, 4w, year, last-year or all (instead of --from/--to).") var period: String?

    /// The days chosen, in the listener's zone; the whole history when none are given.
    func days(_ history: HistoryStore, listener: HistoryListener) async throws -> (from: LocalDate, to: LocalDate) {
        let chosen: HistoryPeriod
        do {
            chosen = try HistoryPeriod.parse(period: period, from: from, to: to, default: .allTime)
        } catch {
            throw CLIFailure(cause: "--\(error.description)", hint: "write days as YYYY-MM-DD", code: 1)
        }
        return try await history.days(for: listener, now: Date()).days(of: chosen)
    }

    var isGiven: Bool { from != nil || to != nil || period != nil }
}

extension HistoryCommand.Location {
    /// The listener whose history this is.
    func listener(_ history: HistoryStore) async throws -> HistoryListener {
        let userID = try userID()
        guard let listener = try await history.listener(userID: userID) else {
            throw CLIFailure(cause: "there is no history of \(userID) here", hint: "import one with `encore history import FILE`", code: 1)
        }
        return listener
    }
}

extension HistoryCommand {
    /// `encore history artist|album|track NAME`: one item's story.
    struct Item {
        static func configuration(_ kind: HistoryItemKind) -> CommandConfiguration {
            CommandConfiguration(
                commandName: kind.rawValue,
                abstract:
                    "One \(kind.rawValue)'s story: plays, minutes, first and latest play, months, hours\(kind == .track ? "" : ", its top tracks").",
                discussion: """
                    NAME is matched case-insensitively and exactly. Without --from/--to (or --period), over the \
                    whole history. "plays" counts plays of 30 s or more; "ms_played" all listening.

                    Examples:
                      encore history \(kind.rawValue) "\(kind == .artist ? "Radiohead" : kind == .album ? "OK Computer" : "Karma Police")"
                      encore history \(kind.rawValue) "\(kind == .artist ? "Radiohead" : kind == .album ? "OK Computer" : "Karma Police")" --from 2024-01-01 --to 2024-12-31 --format json
                    """)
        }

        let kind: HistoryItemKind
        let name: String
        let period: PeriodOptions
        let format: OutputFormat
        let location: Location

        func run() async throws {
            try await runReportingFailures {
                let (kind, name, period) = (self.kind, self.name, self.period)
                let story = try await location.withStore { history -> HistoryItemStory? in
                    let listener = try await location.listener(history)
                    guard let id = try await history.findItem(kind, named: name, for: listener) else { return nil }
                    guard period.isGiven else { return try await history.story(of: kind, id: id, for: listener) }
                    let (from, to) = try await period.days(history, listener: listener)
                    return try await history.computedStory(of: kind, id: id, for: listener, from: from, to: to)
                }
                guard let story else {
                    throw CLIFailure(
                        cause: "no \(kind.rawValue) named “\(name)” in this history", hint: "try `encore history top \(kind.plural)` for the names",
                        code: 1)
                }
                try HistoryOutput.emit(story, format: format)
            }
        }
    }

    /// `encore history artist|album|track NAME`: one command type, told its kind by `Kind`.
    struct ItemCommand<Kind: ItemCommandKind>: AsyncParsableCommand {
        static var configuration: CommandConfiguration { Item.configuration(Kind.kind) }
        @Argument(help: "The \(Kind.kind.rawValue)'s name.") var name: String
        @OptionGroup var period: PeriodOptions
        @Option(help: "table, json or csv.") var format: OutputFormat = .table
        @OptionGroup var location: Location

        func run() async throws { try await Item(kind: Kind.kind, name: name, period: period, format: format, location: location).run() }
    }

    typealias Artist = ItemCommand<ArtistCommandKind>
    typealias Album = ItemCommand<AlbumCommandKind>
    typealias Track = ItemCommand<TrackCommandKind>

    /// `encore history top tracks|artists|albums`: every item of a period, sorted.
    struct Top: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every track, artist or album of a period, sorted by plays, minutes, first or latest play.",
            discussion: """
                Without --from/--to (or --period), over the whole history. --order asc lists the least played \
                (or earliest) first.

                Examples:
                  encore history top artists
                  encore history top tracks --period year --sort minutes --limit 50
                  encore history top albums --sort first --order asc --format csv
                """)

        enum What: String, ExpressibleByArgument, CaseIterable {
            case tracks, artists, albums

            var kind: HistoryItemKind {
                switch self {
                case .tracks: .track
                case .artists: .artist
                case .albums: .album
                }
            }
        }

        @Argument(help: "tracks, artists or albums.") var what: What
        @Option(help: "plays, minutes, first, last or name.") var sort: HistoryItemTable.Sort = .plays
        @Option(help: "asc or desc (default: desc, asc for name).") var order: HistoryItemTable.Order?
        @OptionGroup var count: CountOption
        @Option(name: .customLong("filter"), help: "Only names (or their artist's or album's) containing this.") var query: String?
        @OptionGroup var period: PeriodOptions
        @Option(help: "table, json or csv.") var format: OutputFormat = .table
        @OptionGroup var location: Location

        func run() async throws {
            try await runReportingFailures {
                let (what, sort, limit, query, period) = (self.what, self.sort, self.count.limit, self.query, self.period)
                let order = self.order ?? (sort == .name ? .asc : .desc)
                let table = try await location.withStore { history in
                    let listener = try await location.listener(history)
                    let (from, to) = try await period.days(history, listener: listener)
                    return try await history.table(
                        of: what.kind, for: listener, from: from, to: to, sort: sort, order: order, query: query, page: 1, pageSize: limit)
                }
                try HistoryOutput.emit(table, format: format)
            }
        }
    }

    /// `encore history sessions`: runs of listening.
    struct Sessions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Listening sessions, latest first (or longest first with --sort length).",
            discussion: """
                A session runs while each entry starts at most 15 minutes after the latest end so far; its \
                length runs from its first start to its latest end. Without --from/--to, the whole history.

                Examples:
                  encore history sessions
                  encore history sessions --period 4w --sort length --limit 5 --format json
                """)

        enum Sort: String, ExpressibleByArgument, CaseIterable {
            case start, length
        }

        @Option(help: "start (latest first) or length (longest first).") var sort: Sort = .start
        @OptionGroup var count: CountOption
        @OptionGroup var period: PeriodOptions
        @Option(help: "table, json or csv.") var format: OutputFormat = .table
        @OptionGroup var location: Location

        func run() async throws {
            try await runReportingFailures {
                let (period, sort, limit) = (self.period, self.sort, self.count.limit)
                let (sessions, zone) = try await location.withStore { history in
                    let listener = try await location.listener(history)
                    let (from, to) = try await period.days(history, listener: listener)
                    var sessions = try await history.sessions(for: listener, from: from, to: to)
                    if sort == .length { sessions.sort { ($0.lengthMs, $1.start) > ($1.lengthMs, $0.start) } }
                    return (Array(sessions.prefix(limit)), HistoryPeriod.zone(named: listener.timeZone) ?? TimeZone(identifier: "UTC") ?? .current)
                }
                try HistoryOutput.emit(sessions, zone: zone, format: format)
            }
        }
    }
}

extension HistoryItemTable.Sort: ExpressibleByArgument {}
extension HistoryItemTable.Order: ExpressibleByArgument {}

/// Which item an `encore history artist|album|track` command is about.
protocol ItemCommandKind: Sendable {
    static var kind: HistoryItemKind { get }
}

enum ArtistCommandKind: ItemCommandKind { static var kind: HistoryItemKind { .artist } }
enum AlbumCommandKind: ItemCommandKind { static var kind: HistoryItemKind { .album } }
enum TrackCommandKind: ItemCommandKind { static var kind: HistoryItemKind { .track } }

/// `--limit` of the listing commands, checked before anything runs.
struct CountOption: ParsableArguments {
    @Option(help: "How many, 1–100000.") var limit: Int = 20

    func validate() throws {
        guard (1...100_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 100000") }
    }
}
