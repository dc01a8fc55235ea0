import Foundation

/// What became of every entry of one file (or one file inside a ZIP): each entry is counted in
/// exactly one of the figures after ``entries``, so they add up to it.
public struct ImportFileReport: Sendable, Codable, Equatable {
    /// The file's name, as its ZIP or the person named it.
    public var name: String
    public var kind: ExportFileKind
    /// Entries read.
    public var entries = 0
    /// Plays stored for the first time.
    public var added = 0
    /// Entries already in the history: the same entry imported before, or the same listening
    /// from a source that knows more (an account-data entry of a play the extended history has).
    public var duplicates = 0
    /// Entries that replaced a play of the same listening recorded from recently played (or,
    /// for the extended history, an account-data entry): the export's figures win.
    public var merged = 0
    /// Entries that name no track, episode or chapter, stored as an unknown item: their time counts.
    public var withoutMetadata = 0
    /// Entries of a video file: not listening, not stored.
    public var video = 0
    /// Entries that could not be read.
    public var malformed = 0
    /// Why, for the first few.
    public var malformedReasons: [String] = []
    /// Why the file could not be read to its end, if it could not.
    public var problem: String?

    public init(name: String, kind: ExportFileKind) {
        self.name = name
        self.kind = kind
    }

    /// Reasons kept per file.
    static let reasonsKept = 3

    mutating func noteMalformed(_ reason: String) {
        malformed += 1
        if malformedReasons.count < Self.reasonsKept, !malformedReasons.contains(reason) { malformedReasons.append(reason) }
    }

    /// Whether the figures add up to the entries read.
    public var addsUp: Bool { added + duplicates + merged + withoutMetadata + video + malformed == entries }
}

/// What an import read and did, in all and per file.
public struct ImportSummary: Sendable, Codable, Equatable {
    /// Entries read from the files.
    public var entries = 0
    /// Plays stored for the first time.
    public var added = 0
    /// Entries already in the history.
    public var duplicates = 0
    /// Entries that replaced a recorded play of the same listening.
    public var merged = 0
    /// Entries without metadata, stored as an unknown item.
    public var withoutMetadata = 0
    /// Entries of video files.
    public var video = 0
    /// Entries that could not be read.
    public var malformed = 0
    /// Files (or files inside a ZIP) that could not be read to their end, with why.
    public var problems: [String] = []
    /// Each file's figures (the first ``filesKept``).
    public var files: [ImportFileReport] = []

    /// Files whose figures are kept with an import.
    static let filesKept = 200

    public init(
        entries: Int = 0, added: Int = 0, duplicates: Int = 0, merged: Int = 0, withoutMetadata: Int = 0, video: Int = 0, malformed: Int = 0,
        problems: [String] = [], files: [ImportFileReport] = []
    ) {
        self.entries = entries
        self.added = added
        self.duplicates = duplicates
        self.merged = merged
        self.withoutMetadata = withoutMetadata
        self.video = video
        self.malformed = malformed
        self.problems = problems
        self.files = files
    }

    /// Adds a file's figures to the totals.
    mutating func add(_ file: ImportFileReport) {
        entries += file.entries
        added += file.added
        duplicates += file.duplicates
        merged += file.merged
        withoutMetadata += file.withoutMetadata
        video += file.video
        malformed += file.malformed
        if let problem = file.problem { problems.append("\(file.name): \(problem)") }
        if files.count < Self.filesKept { files.append(file) }
    }

    /// The totals with a file under way added.
    func adding(_ file: ImportFileReport) -> ImportSummary {
        var summary = self
        summary.add(file)
        return summary
    }

    /// Whether the totals add up to the entries read.
    public var addsUp: Bool { added + duplicates + merged + withoutMetadata + video + malformed == entries }

    /// The per-file figures as stored with an import.
    var encodedFiles: String? {
        guard !files.isEmpty, let data = try? JSONEncoder().encode(files) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    static func decodeFiles(_ text: String?) -> [ImportFileReport] {
        guard let text, let files = try? JSONDecoder().decode([ImportFileReport].self, from: Data(text.utf8)) else { return [] }
        return files
    }
}

extension ImportFileReport {
    /// Counts an entry the parser read; returns the play to store when it is one (video is
    /// counted and skipped).
    mutating func count(_ entry: StreamingHistoryParser.Entry, isVideo: Bool) -> Play? {
        entries += 1
        switch entry {
        case .malformed(let reason):
            noteMalformed(reason)
            return nil
        case .play, .withoutMetadata:
            guard !isVideo else {
                video += 1
                return nil
            }
            return entry.play
        }
    }

    /// Counts what one batch's write did.
    mutating func add(_ outcome: RecordOutcome) {
        added += outcome.added
        withoutMetadata += outcome.addedWithoutMetadata
        merged += outcome.merged
        duplicates += outcome.duplicates
    }
}
