import Foundation
import Hummingbird
import NIOCore
import SpotifyWebAPI

/// The listening history: `/history` and a yearly recap, their JSON twins, the upload of
/// Spotify's export, recording on and off, the time zone, and "Delete my history".
struct HistoryController {
    /// What the history pages use, and nothing else.
    struct Dependencies: Sendable {
        let store: HistoryStore
        let spotify: SpotifyAccess
        let jobs: HistoryImportJobs
        let maintenance: HistoryMaintenance
        let pages: Pages
        let clock: any SpotifyClock
        let recorderEnabled: Bool
        let uploadMaxBytes: Int64
    }

    let services: Dependencies

    func routes() -> RouteCollection<SignedInContext> {
        let routes = RouteCollection(context: SignedInContext.self)
        routes.get("/history", use: page)
        routes.get("/history/year/:year", use: yearPage)
        routes.get("/api/history", use: api)
        routes.get("/api/history/year/:year", use: yearAPI)
        routes.get("/api/history/imports", use: importsAPI)
        routes.post("/history/import", use: upload)
        routes.post("/history/forget", use: forget)
        routes.post("/history/recording", use: recording)
        routes.post("/history/time-zone", use: timeZone)
        return routes
    }

    /// The listener, their zone and today there, and the local days their plays span.
    struct Listening {
        var listener: HistoryListener
        var zone: TimeZone
        var today: LocalDate
        var span: (first: LocalDate, latest: LocalDate)?
        var spanDates: (first: Date, latest: Date)?
    }

    private func listening(_ userID: String) async throws -> Listening {
        try await Self.listening(userID, store: services.store, clock: services.clock)
    }

    /// The listener (made on first sight, in UTC until they choose a zone) and their days.
    static func listening(_ userID: String, store: HistoryStore, clock: any SpotifyClock) async throws -> Listening {
        var listener = try await store.listener(userID: userID)
        if listener == nil { listener = try await store.ensureListener(userID: userID, timeZone: "UTC", now: clock.now()) }
        guard let listener else { throw AppError.storage }
        let days = try await store.days(for: listener, now: clock.now())
        return Listening(listener: listener, zone: days.zone, today: days.today, span: days.span, spanDates: days.spanDates)
    }

    static func period(_ request: Request) throws(AppError) -> HistoryPeriod {
        let query = QueryReader(request)
        let (period, from, to) = (try query.single("period"), try query.single("from"), try query.single("to"))
        do {
            return try HistoryPeriod.parse(period: period, from: from, to: to)
        } catch {
            throw .badParameter(name: error.parameter, message: error.message)
        }
    }

    // MARK: Pages

    @Sendable func page(_ request: Request, context: SignedInContext) async throws -> Response {
        let period = try Self.period(request)
        let listening = try await listening(context.userID)
        let (from, to) = period.days(today: listening.today, span: listening.span)
        let report = try await services.store.report(for: listening.listener, from: from, to: to)
        let imports = try await services.store.imports(userID: context.userID, now: services.clock.now())
        let granted = try await services.spotify.client(userID: context.userID).authorization.grantedScopes ?? []
        let csrf = services.pages.csrfToken(sessionID: context.sessionID)
        let query = period.presetValue.map { "period=\($0)" } ?? "from=\(from)&to=\(to)"
        let view = HistoryView(
            chrome: Chrome(csrfToken: csrf, onHistory: true), periodLabel: HistoryDisplay.periodLabel(from: from, to: to),
            presets: HistoryPeriod.presets.map { NavLink(label: $0.label, href: "/history?period=\($0.value)", current: $0.period == period) },
            from: from.description, to: to.description, timeZone: listening.listener.timeZone, jsonHref: "/api/history?" + query,
            hasPlays: report.msPlayed > 0, stats: Stat.figures(report),
            firstPlay: report.firstPlayAt.map { HistoryDisplay.moment($0, in: listening.zone) },
            latestPlay: report.latestPlayAt.map { HistoryDisplay.moment($0, in: listening.zone) },
            charts: [ChartView.timeline(report), ChartView.hours(report), ChartView.weekdays(report)],
            lists: TopListView.lists(report, zone: listening.zone, browse: query),
            recording: recordingView(listening.listener, granted: granted, zone: listening.zone),
            imports: imports.map { Self.row($0, zone: listening.zone) }, hasImports: !imports.isEmpty,
            years: Self.years(listening.span, current: nil), csrfToken: csrf,
            notice: HistoryDisplay.recounting(listening.listener, span: listening.spanDates) ?? Self.notice(request),
            uploadLimit: "\(services.uploadMaxBytes >> 20) MiB", hasYears: listening.span != nil,
            habits: report.sessions > 0 ? HabitsView(report, zone: listening.zone) : nil)
        return services.pages.views.render("history", view)
    }

    @Sendable func yearPage(_ request: Request, context: SignedInContext) async throws -> Response {
        let year = try Self.year(context)
        let listening = try await listening(context.userID)
        let recap = try await services.store.recap(for: listening.listener, year: year, now: services.clock.now())
        let csrf = services.pages.csrfToken(sessionID: context.sessionID)
        let view = RecapView(
            recap, chrome: Chrome(csrfToken: csrf, onHistory: true), years: Self.years(listening.span, current: year), zone: listening.zone)
        return services.pages.views.render("historyYear", view)
    }

    // MARK: JSON

    @Sendable func api(_ request: Request, context: SignedInContext) async throws -> Response {
        let period = try Self.period(request)
        let listening = try await listening(context.userID)
        let (from, to) = period.days(today: listening.today, span: listening.span)
        return try Self.json(try await services.store.report(for: listening.listener, from: from, to: to))
    }

    @Sendable func yearAPI(_ request: Request, context: SignedInContext) async throws -> Response {
        try Self.json(try await services.store.recap(userID: context.userID, year: try Self.year(context), now: services.clock.now()))
    }

    @Sendable func importsAPI(_ request: Request, context: SignedInContext) async throws -> Response {
        try Self.json(["imports": try await services.store.imports(userID: context.userID, now: services.clock.now(), limit: 20)])
    }

    // MARK: Forms

    /// Spools the upload, then imports it in the background; the page shows how it goes.
    @Sendable func upload(_ request: Request, context: SignedInContext) async throws -> Response {
        let pages = services.pages, sessionID = context.sessionID, jobs = services.jobs
        // The Origin check needs no body; the token is checked as soon as its field arrives.
        try pages.checkOrigin(request)
        let listener = try await listening(context.userID).listener
        if listener.isRezoning {
            throw HistoryBusy(
                description: "Encore is recounting your history in your new time zone; import once it is done.", retryAfter: .seconds(30))
        }
        // Refused before a byte is stored when this person already uploads or imports here.
        return try await jobs.withUploadSlot(userID: context.userID) {
            let upload = try await HistoryUpload.receive(request, maxBytes: services.uploadMaxBytes) { token in
                try pages.checkCSRF(token: token, sessionID: sessionID, request: request)
            }
            guard !upload.files.isEmpty else {
                throw AppError.badParameter(name: "file", message: "is missing: choose the ZIP or JSON files to import")
            }
            _ = try await jobs.start(
                files: upload.files, fileName: upload.files.map(\.name).joined(separator: ", "), userID: context.userID,
                timeZone: listener.timeZone)
            return .redirecting(to: "/history?done=import#import")
        }
    }

    @Sendable func forget(_ request: Request, context: SignedInContext) async throws -> Response {
        let form = try await request.form(ForgetForm.self, context: context)
        try services.pages.checkCSRF(token: form.csrfToken, sessionID: context.sessionID, request: request)
        guard form.confirm == "yes" else { throw AppError.badParameter(name: "confirm", message: "must be ticked to delete your history") }
        try await services.store.forget(userID: context.userID)
        return .redirecting(to: "/history?done=forgotten")
    }

    /// Turns recording on (asking Spotify for `user-read-recently-played` first if the grant
    /// lacks it: the person agrees again, keeping every other permission) or off.
    @Sendable func recording(_ request: Request, context: SignedInContext) async throws -> Response {
        let form = try await request.form(RecordingForm.self, context: context)
        try services.pages.checkCSRF(token: form.csrfToken, sessionID: context.sessionID, request: request)
        guard form.on == "1" else {
            try await services.store.setRecording(userID: context.userID, false, outcome: .stopped)
            return .redirecting(to: "/history?done=recording-off#recording")
        }
        let granted = try await services.spotify.client(userID: context.userID).authorization.grantedScopes ?? []
        guard granted.contains(.userReadRecentlyPlayed) else { return .redirecting(to: Self.consentPath) }
        _ = try await listening(context.userID)
        try await services.store.setRecording(userID: context.userID, true, firstPollAt: services.clock.now())
        return .redirecting(to: "/history?done=recording-on#recording")
    }

    @Sendable func timeZone(_ request: Request, context: SignedInContext) async throws -> Response {
        let form = try await request.form(TimeZoneForm.self, context: context)
        try services.pages.checkCSRF(token: form.csrfToken, sessionID: context.sessionID, request: request)
        guard let name = form.timeZone?.trimmingCharacters(in: .whitespaces), LocalCalendar.zone(named: name) != nil else {
            throw AppError.badParameter(name: "time_zone", message: "must be a time zone name such as Europe/Berlin")
        }
        _ = try await listening(context.userID)
        if try await services.store.startTimeZoneChange(userID: context.userID, name, now: services.clock.now()) {
            services.maintenance.wake()
        }
        return .redirecting(to: "/history?done=zone")
    }

    // MARK: Pieces

    private func recordingView(_ listener: HistoryListener, granted: Set<Scope>, zone: TimeZone) -> RecordingView {
        guard services.recorderEnabled else {
            return RecordingView(
                on: false, status: "Recording is switched off on this Encore server. You can still import your streaming history.", buttonLabel: "",
                turnOn: false, available: false)
        }
        if listener.recording {
            let checked = listener.lastPollMs.map { " Last checked \(HistoryDisplay.moment(Date(unixMilliseconds: $0), in: zone))." } ?? ""
            return RecordingView(
                on: true, status: "Encore records everything you play: it asks Spotify every 20–30 minutes." + checked,
                buttonLabel: "Stop recording", turnOn: false, available: true)
        }
        var status = "Recording is off."
        if let stopped = listener.lastPollOutcome.flatMap(HistoryDisplay.whyRecordingStopped) { status = stopped }
        guard granted.contains(.userReadRecentlyPlayed) else {
            status += " To record, Spotify will ask you to let Encore read your recently played tracks; everything else you allowed stays as it is."
            return RecordingView(
                on: false, status: status, buttonLabel: "Start recording", turnOn: true, available: true, consentHref: Self.consentPath)
        }
        return RecordingView(on: false, status: status, buttonLabel: "Start recording", turnOn: true, available: true)
    }

    /// Spotify's consent once more, for recently played on top of what was granted; back to a page
    /// that says recording is on (the sign-in starts it).
    static let consentPath = "/login?scope=\(Scope.userReadRecentlyPlayed.rawValue)&next=/history%3Fdone%3Drecording-on"

    static func row(_ status: ImportStatus, zone: TimeZone) -> ImportRow {
        var details = HistoryDisplay.importDetails(status.summary)
        if let message = status.message { details += ". " + message }
        let state =
            switch status.state {
            case .running: "Importing…"
            case .done: "Done"
            case .failed: "Stopped"
            case .interrupted: "Interrupted — upload it again"
            }
        return ImportRow(fileName: status.fileName, state: state, details: details, when: HistoryDisplay.moment(status.startedAt, in: zone))
    }

    static func years(_ span: (first: LocalDate, latest: LocalDate)?, current: Int?) -> [NavLink] {
        guard let span else { return [] }
        let first = max(span.first.year, span.latest.year - 30)
        return (first...span.latest.year).map { NavLink(label: String($0), href: "/history/year/\($0)", current: $0 == current) }
    }

    static func year(_ context: SignedInContext) throws(AppError) -> Int {
        guard let text = context.parameters.get("year"), text.utf8.count == 4, let year = Int(text), (2000...2100).contains(year) else {
            throw AppError.badParameter(name: "year", message: "must be a year from 2000 to 2100")
        }
        return year
    }

    /// What a finished form says, from a fixed list: nothing from the address is echoed.
    static func notice(_ request: Request) -> String? {
        switch (try? QueryReader(request).single("done")) ?? nil {
        case "import": "Your upload is being imported; this page shows how it goes. Reload to see the latest."
        case "forgotten": "Your history is deleted, and recording is off."
        case "zone": "Your days and hours are being recounted in the new time zone."
        case "recording-on": "Recording is on. Encore fetches your last 50 plays now, and keeps up from there."
        case "recording-off": "Recording is off. What Encore recorded stays until you delete it."
        default: nil
        }
    }

    static func json<T: Encodable>(_ value: T) throws -> Response {
        let data = try HistoryReport.makeEncoder().encode(value)
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "private, no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

struct ForgetForm: Decodable {
    var csrfToken: String?
    var confirm: String?

    enum CodingKeys: String, CodingKey {
        case csrfToken = "csrf_token", confirm
    }
}

struct RecordingForm: Decodable {
    var csrfToken: String?
    var on: String?

    enum CodingKeys: String, CodingKey {
        case csrfToken = "csrf_token", on
    }
}

struct TimeZoneForm: Decodable {
    var csrfToken: String?
    var timeZone: String?

    enum CodingKeys: String, CodingKey {
        case csrfToken = "csrf_token", timeZone = "time_zone"
    }
}
