/// Which of the files Spotify has shipped in its exports a file is, by its name.
///
/// - `Streaming_History_Audio_*.json` (extended streaming history, 2023 on) and `endsong_*.json`
///   (the same history in its 2021–2022 layout) hold every stream with its URI.
/// - `StreamingHistory_music_*.json`, `StreamingHistory_podcast_*.json` and the older
///   `StreamingHistory*.json` (the account-data download) hold names and the minute a stream ended.
/// - `Streaming_History_Video_*.json` is video: read and counted, never listening.
public enum ExportFileKind: String, Sendable, Codable, Hashable {
    case extended
    case accountData = "account_data"
    case video
    /// Anything else in the ZIP (its read-me, playlists, the library…).
    case other

    public init(path: String) {
        let name = String(path.split(separator: "/").last ?? "").lowercased()
        // macOS adds resource forks (`__MACOSX/`, `._name`) when it zips a folder.
        guard name.hasSuffix(".json"), !name.hasPrefix("._"), !path.hasPrefix("__MACOSX/"), !path.contains("/__MACOSX/") else {
            self = .other
            return
        }
        if name.hasPrefix("streaming_history_video") {
            self = .video
        } else if name.hasPrefix("streaming_history_audio") || name.hasPrefix("endsong") {
            self = .extended
        } else if name.hasPrefix("streaminghistory") {
            self = .accountData
        } else {
            self = .other
        }
    }
}
