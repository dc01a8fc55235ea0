import Synchronization

/// Figures worked out from a period's plays, remembered while the listener's history stands as it
/// was: a page that is opened again reads its rollups' small parts and takes the rest from here.
///
/// A key holds everything that moves when any play or rollup does (``PeriodMemoKey``), so an
/// entry is never trusted after a write, on this instance or another. At most `limit` entries
/// are kept, across listeners; when full, the memo starts again empty rather than keeping order.
final class PeriodMemo<Value: Sendable>: Sendable {
    let limit: Int
    private let entries = Mutex([PeriodMemoKey: Value]())

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    subscript(key: PeriodMemoKey) -> Value? {
        entries.withLock { $0[key] }
    }

    func remember(_ value: Value, for key: PeriodMemoKey) {
        entries.withLock { entries in
            if entries.count >= limit, entries[key] == nil { entries.removeAll() }
            entries[key] = value
        }
    }

    var count: Int { entries.withLock { $0.count } }

    /// The remembered value, or `make`'s, remembered for next time.
    func value(for key: PeriodMemoKey, make: () async throws -> Value) async rethrows -> Value {
        if let known = self[key] { return known }
        let made = try await make()
        remember(made, for: key)
        return made
    }
}

/// What a remembered figure is filed under: the listener's history as of its generation (moved by
/// forgetting and re-zoning), its revision (moved by every write of plays) and the progress of a
/// time-zone recount (which moves the rollups piece by piece), then the period, and `detail` for
/// what else the figure depends on (a top list's length).
struct PeriodMemoKey: Hashable {
    var listener: Int64
    var generation: Int64
    var revision: Int64
    var rezoneCursor: Int64?
    var from: LocalDate
    var to: LocalDate
    var detail = 0

    init(_ listener: HistoryListener, from: LocalDate, to: LocalDate, detail: Int = 0) {
        self.listener = HistoryID.listener(listener.userID)
        generation = listener.generation
        revision = listener.revision
        rezoneCursor = listener.rezoneCursorMs
        self.from = from
        self.to = to
        self.detail = detail
    }
}
