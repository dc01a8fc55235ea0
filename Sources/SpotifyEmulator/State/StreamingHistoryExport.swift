import Foundation

/// Spotify's Extended Streaming History (the privacy export's `Streaming_History_Audio_*.json`),
/// generated from the listening simulation, so an import can be tested and demonstrated with a
/// file whose plays are known exactly.
///
/// Each entry has the export's fields: `ts` (when the stream ended, UTC, whole seconds),
/// `ms_played`, the `master_metadata_*` names, `spotify_track_uri`, `reason_start`/`reason_end`,
/// `skipped`, `shuffle`, `offline`, and the episode and audiobook fields as `null`. The IP address
/// is from the documentation range (192.0.2.0/24).
enum StreamingHistoryExport {
    /// Writes the export of `plays` as one JSON array, an entry per line, in pieces, so a large
    /// export never has to be held whole.
    static func write(
        _ plays: [SimulatedPlay], country: String, platform: String, to sink: (String) throws -> Void
    ) rethrows {
        try sink("[")
        var previousEnd: Date?
        var previousSkipped = false
        for (index, play) in plays.enumerated() {
            let start = play.playedAt.addingTimeInterval(-TimeInterval(play.msPlayed) / 1000)
            // Back-to-back plays continue one another; a gap means the listener picked something.
            let continues = previousEnd.map { start.timeIntervalSince($0) < 10 } ?? false
            let skipped = play.msPlayed < play.durationMs
            let reasonStart = continues ? (previousSkipped ? "fwdbtn" : "trackdone") : "clickrow"
            let entry = JSONValue.object([
                ("ts", .string(play.playedAt.formatted(Date.ISO8601FormatStyle()))),
                ("platform", .string(platform)),
                ("ms_played", .int(play.msPlayed)),
                ("conn_country", .string(country)),
                ("ip_addr", .string("192.0.2.\(1 + Int(StreamingHistoryExport.day(of: play.playedAt) % 250))")),
                ("master_metadata_track_name", .string(play.trackName)),
                ("master_metadata_album_artist_name", .string(play.artistName)),
                ("master_metadata_album_album_name", .string(play.albumName)),
                ("spotify_track_uri", .string("spotify:track:\(play.trackID)")),
                ("episode_name", .null), ("episode_show_name", .null), ("spotify_episode_uri", .null),
                ("audiobook_title", .null), ("audiobook_uri", .null), ("audiobook_chapter_uri", .null), ("audiobook_chapter_title", .null),
                ("reason_start", .string(reasonStart)),
                ("reason_end", .string(skipped ? "fwdbtn" : "trackdone")),
                ("shuffle", .bool(false)),
                ("skipped", .bool(skipped)),
                ("offline", .bool(false)),
                ("offline_timestamp", .null),
                ("incognito_mode", .bool(false)),
            ])
            try sink((index == 0 ? "\n" : ",\n") + entry.serialized)
            previousEnd = play.playedAt
            previousSkipped = skipped
        }
        try sink("\n]\n")
    }

    static func day(of date: Date) -> Int64 { Int64(date.timeIntervalSince1970 / 86_400) }

    /// Each user listens on one platform, as people mostly do.
    static func platform(for userID: String) -> String {
        ["android", "ios", "windows", "osx", "web_player"][Int(ListeningSimulator.stableHash(userID) % 5)]
    }
}

extension SpotifyEmulator {
    /// Writes the streaming-history export of a seeded user's simulated plays that ended in
    /// `interval`, in pieces (`sink` gets the JSON text in order). Returns how many entries it
    /// wrote, or `nil` for an unknown user.
    ///
    /// Every play is in it, the short ones too, as in Spotify's export; an importer keeping plays
    /// of 30 s or more counts the same plays recently played shows.
    @discardableResult
    public func writeStreamingHistory(of userID: String, in interval: DateInterval, to sink: (String) throws -> Void) rethrows -> Int? {
        guard let user = catalog.users.first(where: { $0.id == userID }) else { return nil }
        let plays = simulatedPlays(of: userID, in: interval)
        try StreamingHistoryExport.write(plays, country: user.country, platform: StreamingHistoryExport.platform(for: userID), to: sink)
        return plays.count
    }
}
