import EncoreServer
import Foundation

/// How the insight commands print: a story, a table of items, sessions.
extension HistoryOutput {
    static func write(_ text: String) { FileHandle.standardOutput.write(Data(text.utf8)) }

    static func json<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try HistoryReport.makeEncoder().encode(value), as: UTF8.self) + "\n"
    }

    /// "2025-03-01T12:00:00Z": UTC, as the JSON writes it.
    static func utc(_ date: Date?) -> String { date.map { $0.formatted(Date.ISO8601FormatStyle()) } ?? "" }

    /// A local moment, "2025-03-01 13:00", in the history's zone.
    static func local(_ date: Date, zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        func two(_ value: Int?) -> String { (value ?? 0) < 10 ? "0\(value ?? 0)" : "\(value ?? 0)" }
        return "\(parts.year ?? 0)-\(two(parts.month))-\(two(parts.day)) \(two(parts.hour)):\(two(parts.minute))"
    }

    static func duration(_ ms: Int64) -> String {
        let minutes = ms / 60_000
        return minutes >= 60 ? "\(minutes / 60) h \(minutes % 60) min" : minutes > 0 ? "\(minutes) min" : "\(ms / 1000) s"
    }

    static let rowHeaders = ["kind", "name", "artist", "album", "plays", "ms_played", "first_played", "last_played", "id"]

    static func csvRow(_ row: HistoryItemRow) -> [String] {
        [
            row.kind.rawValue, row.name, row.artist ?? "", row.album ?? "", String(row.plays), String(row.msPlayed), utc(row.firstPlayedAt),
            utc(row.lastPlayedAt), row.id,
        ]
    }

    static func emit(_ story: HistoryItemStory, format: OutputFormat) throws {
        let item = story.item
        switch format {
        case .json:
            write(try json(story))
        case .csv:
            var rows = [["item"] + csvRow(item)]
            rows += story.topTracks.map { ["top_track"] + csvRow($0) }
            rows += story.topAlbums.map { ["top_album"] + csvRow($0) }
            write(CSV.render(headers: ["row"] + rowHeaders, rows: rows))
        case .table:
            let width = TextTable.terminalWidth()
            var text = "\(item.name) (\(item.kind.rawValue)\(item.artist.map { " by \($0)" } ?? ""))\n"
            text +=
                story.from.map { from in "\(from) – \(story.to.map(\.description) ?? ""), days in \(story.timeZone)\n" }
                ?? "All time, days in \(story.timeZone)\n"
            text += "Plays    \(item.plays)" + (story.shortPlays > 0 ? " (and \(story.shortPlays) under 30 s)" : "") + "\n"
            text += "Minutes  \(item.msPlayed / 60_000) (\(duration(item.msPlayed)))\n"
            text += String(
                format: "Share    %.1f %% of your listening, %.1f %% of your plays\n", story.shareOfListening * 100, story.shareOfPlays * 100)
            if let first = item.firstPlayedAt { text += "First    \(utc(first))\n" }
            if let last = item.lastPlayedAt { text += "Latest   \(utc(last))\n" }
            for (title, rows) in [("Top tracks", story.topTracks), ("Top albums", story.topAlbums)] where !rows.isEmpty {
                text += "\n\(title)\n" + itemTable(rows, rank: 1).render(width: width)
            }
            write(text)
        }
    }

    static func itemTable(_ rows: [HistoryItemRow], rank: Int) -> TextTable {
        let withArtist = rows.contains { $0.kind != .artist && $0.artist != nil }
        return TextTable(
            headers: ["#", "Name"] + (withArtist ? ["Artist"] : []) + ["Plays", "Minutes", "First played", "Latest"],
            rows: rows.enumerated().map { index, row in
                [String(rank + index), row.name] + (withArtist ? [row.artist ?? ""] : []) + [
                    String(row.plays), String(row.msPlayed / 60_000), String(utc(row.firstPlayedAt).prefix(10)),
                    String(utc(row.lastPlayedAt).prefix(10)),
                ]
            }, flexible: withArtist ? [1, 2] : [1])
    }

    static func emit(_ table: HistoryItemTable, format: OutputFormat) throws {
        switch format {
        case .json: write(try json(table))
        case .csv: write(CSV.render(headers: rowHeaders, rows: table.rows.map(csvRow)))
        case .table:
            var text = "\(table.from) – \(table.to), days in \(table.timeZone): \(table.total) \(table.kind.plural)"
            text += table.rows.count < table.total ? ", \(table.rows.count) shown" : ""
            text += ", by \(table.sort.rawValue) \(table.order == .asc ? "ascending" : "descending")\n"
            write(table.rows.isEmpty ? text : text + itemTable(table.rows, rank: 1).render(width: TextTable.terminalWidth()))
        }
    }

    static func emit(_ sessions: [HistorySession], zone: TimeZone, format: OutputFormat) throws {
        switch format {
        case .json: write(try json(sessions))
        case .csv:
            write(
                CSV.render(
                    headers: ["start", "end", "length_ms", "entries", "plays", "ms_played"],
                    rows: sessions.map {
                        [utc($0.start), utc($0.end), String($0.lengthMs), String($0.entries), String($0.plays), String($0.msPlayed)]
                    }))
        case .table:
            guard !sessions.isEmpty else { return write("No sessions in this period.\n") }
            write(
                TextTable(
                    headers: ["Start (\(zone.identifier))", "End", "Length", "Plays", "Minutes"],
                    rows: sessions.map {
                        [
                            local($0.start, zone: zone), local($0.end, zone: zone), duration($0.lengthMs), String($0.plays),
                            String($0.msPlayed / 60_000),
                        ]
                    }, flexible: []
                ).render(width: TextTable.terminalWidth()))
        }
    }

    /// The sessions and streaks lines of `history stats`.
    static func habits(_ report: HistoryReport) -> String {
        guard report.sessions > 0 else { return "" }
        var text = "Sessions \(report.sessions), about \(duration(report.averageSessionMs)) each; the longest \(duration(report.longestSessionMs))\n"
        text += "Streaks  longest \(report.longestStreakDays) day\(report.longestStreakDays == 1 ? "" : "s")"
        if let from = report.longestStreakFrom, let to = report.longestStreakTo { text += " (\(from) – \(to))" }
        return text + ", current \(report.currentStreakDays)\n"
    }
}
