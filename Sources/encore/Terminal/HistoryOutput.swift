import EncoreServer
import Foundation

/// How `encore history` writes a report and the plays.
enum HistoryOutput {
    static func emit(_ report: HistoryReport, format: OutputFormat) throws {
        let text: String
        switch format {
        case .json:
            text = String(decoding: try HistoryReport.makeEncoder().encode(report), as: UTF8.self) + "\n"
        case .csv:
            text = CSV.render(headers: ["list", "rank", "name", "artist", "album", "plays", "ms_played"], rows: csvRows(report))
        case .table:
            text = table(report)
        }
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func csvRows(_ report: HistoryReport) -> [[String]] {
        var rows = [["total", "", "", "", "", String(report.plays), String(report.msPlayed)]]
        let lists: [(String, [HistoryTopEntry])] = [
            ("tracks_by_plays", report.topTracks.byPlays), ("tracks_by_minutes", report.topTracks.byMinutes),
            ("artists_by_plays", report.topArtists.byPlays), ("artists_by_minutes", report.topArtists.byMinutes),
            ("albums_by_plays", report.topAlbums.byPlays), ("albums_by_minutes", report.topAlbums.byMinutes),
        ]
        for (name, entries) in lists {
            for (index, entry) in entries.enumerated() {
                rows.append([name, String(index + 1), entry.name, entry.artist ?? "", entry.album ?? "", String(entry.plays), String(entry.msPlayed)])
            }
        }
        return rows
    }

    static func table(_ report: HistoryReport) -> String {
        let width = TextTable.terminalWidth()
        let hours = report.msPlayed / 3_600_000, minutes = report.msPlayed / 60_000
        var text = "\(report.from) – \(report.to), days in \(report.timeZone)\n"
        text += "Minutes  \(minutes) (\(hours) h \(minutes % 60) min)\n"
        text += "Plays    \(report.plays)" + (report.shortPlays > 0 ? " (and \(report.shortPlays) under 30 s)" : "") + "\n"
        text += "Tracks   \(report.tracks), artists \(report.artists)\n"
        text += habits(report)
        guard report.msPlayed > 0 else { return text + "\nNo plays in this period.\n" }
        let sections: [(String, [HistoryTopEntry], Bool)] = [
            ("Top tracks", report.topTracks.byPlays, true), ("Top artists", report.topArtists.byPlays, false),
            ("Top albums", report.topAlbums.byPlays, true),
        ]
        for (title, entries, withArtist) in sections where !entries.isEmpty {
            text += "\n\(title), by plays\n"
            let headers = ["#", withArtist ? "Name" : "Artist"] + (withArtist ? ["Artist"] : []) + ["Plays", "Minutes"]
            let rows = entries.enumerated().map { index, entry in
                [String(index + 1), entry.name] + (withArtist ? [entry.artist ?? ""] : []) + [String(entry.plays), String(entry.msPlayed / 60_000)]
            }
            text += TextTable(headers: headers, rows: rows, flexible: Set([1, 2])).render(width: width)
        }
        return text
    }

    /// Writes every play, oldest first, a page at a time.
    /// - Returns: How many plays were written.
    static func export(_ history: HistoryStore, userID: String, format: OutputFormat, to sink: Sink) async throws -> Int {
        let encoder = HistoryReport.makeEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var after = HistoryStore.PlayCursor.start
        var count = 0
        if format == .csv {
            sink.write(
                CSV.render(
                    headers: [
                        "played_at", "ms_played", "kind", "name", "artist", "album", "uri", "source", "context_uri", "estimated", "reason_start",
                        "reason_end", "skipped",
                    ], rows: []))
        } else {
            sink.write("[")
        }
        while true {
            let page = try await history.plays(userID: userID, after: after, limit: 10_000)
            guard let last = page.last else { break }
            after = HistoryStore.PlayCursor(playedAtMs: last.playedAtMs, entryID: last.entryID)
            var text = ""
            for play in page {
                let when = Date(timeIntervalSince1970: TimeInterval(play.playedAtMs) / 1000).formatted(
                    Date.ISO8601FormatStyle(includingFractionalSeconds: true))
                if format == .csv {
                    text += CSV.line([
                        when, String(play.msPlayed), kindName(play.item.kind), play.item.name, play.item.artist, play.item.album,
                        play.item.uri ?? "", play.source.name, play.contextURI ?? "", play.isEstimated ? "true" : "false",
                        play.reasonStart?.description ?? "", play.reasonEnd?.description ?? "", play.skipped.map { $0 ? "true" : "false" } ?? "",
                    ])
                } else {
                    let entry = ExportedPlay(
                        playedAt: when, msPlayed: play.msPlayed, estimated: play.isEstimated, kind: kindName(play.item.kind), name: play.item.name,
                        artist: play.item.artist, album: play.item.album, uri: play.item.uri, source: play.source.name,
                        contextURI: play.contextURI, reasonStart: play.reasonStart?.description, reasonEnd: play.reasonEnd?.description,
                        skipped: play.skipped)
                    text += (count == 0 ? "\n" : ",\n") + String(decoding: try encoder.encode(entry), as: UTF8.self)
                }
                count += 1
            }
            sink.write(text)
        }
        if format != .csv { sink.write(count == 0 ? "]\n" : "\n]\n") }
        return count
    }

    static func kindName(_ kind: PlayedKind) -> String {
        switch kind {
        case .track: "track"
        case .episode: "episode"
        case .chapter: "chapter"
        case .unknown: "unknown"
        }
    }

    struct ExportedPlay: Encodable {
        var playedAt: String
        var msPlayed: Int
        /// Whether `ms_played` is the recorder's estimate (recently played does not say).
        var estimated: Bool
        var kind: String
        var name: String
        var artist: String
        var album: String
        var uri: String?
        var source: String
        var contextURI: String?
        var reasonStart: String?
        var reasonEnd: String?
        var skipped: Bool?
    }

    /// Standard output, or a file.
    final class Sink: Sendable {
        let handle: FileHandle
        let ownsHandle: Bool

        init(path: String?) throws {
            guard let path else {
                handle = .standardOutput
                ownsHandle = false
                return
            }
            guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
                throw CLIFailure(cause: "cannot write \(path)", hint: "choose a file in a folder you can write to", code: 1)
            }
            self.handle = handle
            ownsHandle = true
        }

        func write(_ text: String) { handle.write(Data(text.utf8)) }

        func close() { if ownsHandle { try? handle.close() } }
    }
}

/// What `encore history import` prints: the totals, then each file's figures, which add up to
/// the entries it read.
enum ImportReportText {
    static func render(_ summary: ImportSummary) -> String {
        var text =
            "Read \(summary.entries) entries: \(figures(summary.added, summary.duplicates, summary.merged, summary.withoutMetadata, summary.video, summary.malformed)).\n"
        guard summary.files.count > 1 || summary.files.contains(where: { !$0.malformedReasons.isEmpty }) else { return text }
        for file in summary.files {
            text += "  \(file.name): \(file.entries) entries: "
            text += figures(file.added, file.duplicates, file.merged, file.withoutMetadata, file.video, file.malformed)
            if !file.malformedReasons.isEmpty { text += " (" + file.malformedReasons.joined(separator: "; ") + ")" }
            text += "\n"
        }
        return text
    }

    private static func figures(_ added: Int, _ duplicates: Int, _ merged: Int, _ withoutMetadata: Int, _ video: Int, _ malformed: Int) -> String {
        var parts = ["\(added) plays added", "\(duplicates) already there"]
        if merged > 0 { parts.append("\(merged) replaced recorded plays") }
        if withoutMetadata > 0 { parts.append("\(withoutMetadata) without metadata") }
        if video > 0 { parts.append("\(video) video (not listening)") }
        parts.append("\(malformed) unreadable")
        return parts.joined(separator: ", ")
    }
}
