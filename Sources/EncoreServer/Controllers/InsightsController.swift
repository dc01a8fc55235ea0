import Foundation
import Hummingbird
import SpotifyWebAPI

/// The drill-downs of the history: an artist's, album's or track's story, and every item of a
/// period, sorted and filtered on the server; each with its JSON twin under `/api/history/…`.
struct InsightsController {
    struct Dependencies: Sendable {
        let store: HistoryStore
        let pages: Pages
        let clock: any SpotifyClock
    }

    let services: Dependencies

    /// The longest text filter read; a longer one is refused rather than cut.
    static let maxQueryLength = 100
    /// The last page asked for: beyond the most items a history can hold at 50 a page.
    static let maxPage = 1_000_000

    func routes() -> RouteCollection<SignedInContext> {
        let routes = RouteCollection(context: SignedInContext.self)
        for kind in HistoryItemKind.allCases {
            routes.get("/history/\(kind.rawValue)/:id") { request, context in try await itemPage(kind, request: request, context: context) }
            routes.get("/api/history/\(kind.rawValue)/:id") { request, context in try await itemAPI(kind, request: request, context: context) }
            routes.get("/history/\(kind.plural)") { request, context in try await tablePage(kind, request: request, context: context) }
            routes.get("/api/history/\(kind.plural)") { request, context in try await tableAPI(kind, request: request, context: context) }
        }
        return routes
    }

    // MARK: An item's story

    private func story(_ kind: HistoryItemKind, context: SignedInContext) async throws -> (HistoryItemStory, HistoryController.Listening) {
        // An id that cannot be one is as unknown as one that is not in this history.
        guard let text = context.parameters.get("id"), HistoryLinkID.parse(text) != nil else { throw AppError.notFound }
        let listening = try await HistoryController.listening(context.userID, store: services.store, clock: services.clock)
        guard let story = try await services.store.story(of: kind, id: text, for: listening.listener) else { throw AppError.notFound }
        return (story, listening)
    }

    @Sendable func itemPage(_ kind: HistoryItemKind, request: Request, context: SignedInContext) async throws -> Response {
        let (story, listening) = try await story(kind, context: context)
        let chrome = Chrome(csrfToken: services.pages.csrfToken(sessionID: context.sessionID), onHistory: true)
        return services.pages.views.render("historyItem", ItemView(story, chrome: chrome, zone: listening.zone))
    }

    @Sendable func itemAPI(_ kind: HistoryItemKind, request: Request, context: SignedInContext) async throws -> Response {
        try HistoryController.json(try await story(kind, context: context).0)
    }

    // MARK: Every item of a period

    /// What a table page is asked for.
    struct TableQuery: Equatable {
        var period: HistoryPeriod
        var sort: HistoryItemTable.Sort
        var order: HistoryItemTable.Order
        var text: String?
        var page: Int

        init(_ request: Request) throws(AppError) {
            let query = QueryReader(request)
            period = try HistoryController.period(request)
            let sortText = try query.single("sort") ?? "plays"
            guard let sort = HistoryItemTable.Sort(rawValue: sortText) else {
                throw .badParameter(name: "sort", message: "must be one of plays, minutes, first, last, name")
            }
            self.sort = sort
            let orderText = try query.single("order") ?? Self.defaultOrder(sort).rawValue
            guard let order = HistoryItemTable.Order(rawValue: orderText) else { throw .badParameter(name: "order", message: "must be asc or desc") }
            self.order = order
            let text = try query.single("q")?.trimmingCharacters(in: .whitespaces)
            guard (text?.count ?? 0) <= InsightsController.maxQueryLength else {
                throw .badParameter(name: "q", message: "must be at most \(InsightsController.maxQueryLength) characters")
            }
            self.text = text?.isEmpty == false ? text : nil
            page = try query.wholeNumber("page", default: 1)
            guard (1...InsightsController.maxPage).contains(page) else {
                throw .badParameter(name: "page", message: "must be a whole number from 1 to \(InsightsController.maxPage)")
            }
        }

        /// Names A to Z; figures and dates largest or latest first.
        static func defaultOrder(_ sort: HistoryItemTable.Sort) -> HistoryItemTable.Order { sort == .name ? .asc : .desc }
    }

    private func table(
        _ kind: HistoryItemKind, request: Request, context: SignedInContext
    ) async throws -> (
        HistoryItemTable, TableQuery, HistoryController.Listening
    ) {
        let query = try TableQuery(request)
        let listening = try await HistoryController.listening(context.userID, store: services.store, clock: services.clock)
        let (from, to) = query.period.days(today: listening.today, span: listening.span)
        let table = try await services.store.table(
            of: kind, for: listening.listener, from: from, to: to, sort: query.sort, order: query.order, query: query.text, page: query.page)
        return (table, query, listening)
    }

    @Sendable func tablePage(_ kind: HistoryItemKind, request: Request, context: SignedInContext) async throws -> Response {
        let (table, query, listening) = try await table(kind, request: request, context: context)
        let chrome = Chrome(csrfToken: services.pages.csrfToken(sessionID: context.sessionID), onHistory: true)
        return services.pages.views.render("historyTable", ItemTableView(table, query: query, chrome: chrome, zone: listening.zone))
    }

    @Sendable func tableAPI(_ kind: HistoryItemKind, request: Request, context: SignedInContext) async throws -> Response {
        try HistoryController.json(try await table(kind, request: request, context: context).0)
    }
}

extension ItemTableView {
    init(_ table: HistoryItemTable, query: InsightsController.TableQuery, chrome: Chrome, zone: TimeZone) {
        let kind = table.kind
        let path = "/history/\(kind.plural)"
        let period = query.period.presetValue.map { "period=\($0)" } ?? "from=\(table.from)&to=\(table.to)"
        func href(
            period: String = period, sort: HistoryItemTable.Sort = table.sort, order: HistoryItemTable.Order = table.order, page: Int = 1
        )
            -> String
        {
            var parts = [period, "sort=\(sort.rawValue)", "order=\(order.rawValue)"]
            if let text = table.query { parts.append("q=" + Self.encoded(text)) }
            if page > 1 { parts.append("page=\(page)") }
            return path + "?" + parts.joined(separator: "&")
        }
        let columns: [(HistoryItemTable.Sort, String, Bool)] = [
            (.name, kind == .track ? "Track" : kind == .artist ? "Artist" : "Album", false), (.plays, "Plays", true), (.minutes, "Minutes", true),
            (.first, "First played", false), (.last, "Latest", false),
        ]
        let noun = kind.rawValue
        let start = (table.page - 1) * HistoryItemTable.pageSize
        let matching = table.query.map { " matching “\($0)”" } ?? ""
        self.init(
            title: "Every \(noun)", chrome: chrome, heading: "Every \(noun) you played",
            kinds: HistoryItemKind.allCases.map { other in
                NavLink(label: other.plural.capitalized, href: "/history/\(other.plural)?\(period)", current: other == kind)
            },
            presets: HistoryPeriod.presets.map { preset in
                NavLink(label: preset.label, href: href(period: "period=\(preset.value)"), current: preset.period == query.period)
            },
            path: path, from: table.from.description, to: table.to.description, sort: table.sort.rawValue, order: table.order.rawValue,
            query: table.query ?? "", periodLabel: HistoryDisplay.periodLabel(from: table.from, to: table.to) + ".", timeZone: table.timeZone,
            columns: columns.map { sort, label, numeric in
                let current = sort == table.sort
                let next: HistoryItemTable.Order =
                    current ? (table.order == .asc ? .desc : .asc) : InsightsController.TableQuery.defaultOrder(sort)
                return ColumnView(
                    label: label, href: href(sort: sort, order: next),
                    ariaSort: current ? (table.order == .asc ? "ascending" : "descending") : "none", numeric: numeric,
                    arrow: current ? (table.order == .asc ? " ↑" : " ↓") : "")
            },
            rows: table.rows.enumerated().map { ItemRowView($1, rank: start + $0 + 1, zone: zone) }, hasRows: !table.rows.isEmpty,
            summary: table.total == 0
                ? "No \(kind.plural)\(matching)."
                : "\(HistoryDisplay.grouped(Int64(table.total))) \(table.total == 1 ? noun : kind.plural)\(matching); "
                    + "\(start + 1)–\(start + table.rows.count) shown, page \(table.page) of \(table.pages).",
            previousHref: table.page > 1 ? href(page: table.page - 1) : nil,
            nextHref: table.page < table.pages ? href(page: table.page + 1) : nil, leastPlayedHref: href(sort: .plays, order: .asc),
            clearHref: table.query == nil ? nil : path + "?" + period + "&sort=\(table.sort.rawValue)&order=\(table.order.rawValue)",
            jsonHref: "/api" + href(page: table.page))
    }

    /// A query value, every character but ASCII letters, digits and `-._~` escaped.
    static func encoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}
