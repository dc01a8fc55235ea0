import Foundation

/// What `/history` says in words: why recording stopped, how far a recount has got, what an
/// import did.
extension HistoryDisplay {
    /// What `/history` says of a recorder outcome that stopped recording; `nil` when recording is
    /// simply off.
    static func whyRecordingStopped(_ outcome: RecorderOutcome) -> String? {
        switch outcome {
        case .signedOut: "Recording stopped: your Spotify sign-in ended."
        case .missingScope: "Recording stopped: Spotify no longer lets Encore read your recently played tracks."
        case .historyFull: "Recording stopped: your history holds the most plays Encore keeps for one person."
        case .ok, .rateLimited, .userRateLimited, .failed, .leaseLost, .storageFailed, .stopped, .forgotten: nil
        }
    }

    /// How far a change of time zone has got, said on `/history` until it is done.
    static func recounting(_ listener: HistoryListener, span: (first: Date, latest: Date)?) -> String? {
        guard let cursor = listener.rezoneCursorMs else { return nil }
        var percent = 0
        if let span, cursor > Int64.min + 1 {
            let first = span.first.unixMilliseconds, latest = span.latest.unixMilliseconds
            percent = latest > first ? Int(max(0, min(99, (cursor - first) * 100 / (latest - first)))) : 99
        }
        return
            "Encore is recounting your days and hours in \(listener.timeZone): \(percent) % done. The figures below fill in as it goes; reload to see them."
    }

    /// One import as `/history` lists it: each figure of its report that is not zero.
    static func importDetails(_ summary: ImportSummary) -> String {
        var parts = ["\(grouped(Int64(summary.entries))) entries read", "\(grouped(Int64(summary.added))) plays added"]
        let more: [(Int, String)] = [
            (summary.duplicates, "already there"), (summary.merged, "replaced a recorded play"),
            (summary.withoutMetadata, "without a track name (counted as unknown)"), (summary.video, "video, not listening"),
            (summary.malformed, "unreadable"),
        ]
        for (count, label) in more where count > 0 { parts.append("\(grouped(Int64(count))) \(label)") }
        var text = parts.joined(separator: ", ")
        let reasons = Array(Set(summary.files.flatMap(\.malformedReasons))).sorted().prefix(3)
        if !reasons.isEmpty { text += " (" + reasons.joined(separator: "; ") + ")" }
        return text
    }
}
