import Foundation

/// A person's listening over a period of local days: what `/history`, its JSON twin and
/// `encore history stats` show.
///
/// `plays` counts streams of 30 s or more (Spotify's own threshold); `msPlayed` is all the
/// listening in the period, shorter plays included.
public struct HistoryReport: Sendable, Codable, Equatable {
    /// The first day of the period.
    public var from: LocalDate
    /// The last day of the period (included).
    public var to: LocalDate
    /// The IANA zone the days, hours and weekdays are counted in.
    public var timeZone: String
    /// Streams of 30 s or more.
    public var plays: Int
    /// Plays shorter than 30 s (skips): in ``msPlayed``, not in ``plays``.
    public var shortPlays: Int
    /// Everything listened to in the period, in milliseconds.
    public var msPlayed: Int64
    /// How much of ``msPlayed`` is the recorder's estimate: recently played says when a track was
    /// played, not for how long (an imported export replaces the estimates it covers).
    public var estimatedMs: Int64 = 0
    /// The same in whole minutes.
    public var minutes: Int64
    /// Different tracks and artists heard.
    public var tracks: Int
    public var artists: Int
    /// The first and latest play in the period.
    public var firstPlayAt: Date?
    public var latestPlayAt: Date?
    /// Listening per day, week or month, every one in the period (empty ones as zero).
    public var chart: HistoryChart
    /// Listening by local hour of day, 0 to 23.
    public var hours: [HistoryAmount]
    /// Listening by weekday, Monday first.
    public var weekdays: [HistoryAmount]
    public var topTracks: HistoryTopLists
    public var topArtists: HistoryTopLists
    public var topAlbums: HistoryTopLists
    /// Listening sessions of the period's entries, their average and longest length, and the
    /// longest with what was played in it.
    public var sessions = 0
    public var averageSessionMs: Int64 = 0
    public var longestSessionMs: Int64 = 0
    public var longestSession: HistorySession? = nil
    /// The most consecutive local days with a play in the period, and the run that ends on its
    /// last day (or the day before, when the last day has no play yet).
    public var longestStreakDays = 0
    public var longestStreakFrom: LocalDate? = nil
    public var longestStreakTo: LocalDate? = nil
    public var currentStreakDays = 0
}

/// Plays and listening time of one slice of a period.
public struct HistoryAmount: Sendable, Codable, Equatable {
    public var plays: Int
    public var msPlayed: Int64

    public init(plays: Int = 0, msPlayed: Int64 = 0) {
        self.plays = plays
        self.msPlayed = msPlayed
    }
}

/// Listening per day, week (from Monday) or month.
public struct HistoryChart: Sendable, Codable, Equatable {
    public enum Unit: String, Sendable, Codable {
        case day, week, month
    }

    public struct Point: Sendable, Codable, Equatable {
        /// The first day of the day, week or month (a week may start before the period).
        public var start: LocalDate
        public var plays: Int
        public var msPlayed: Int64
    }

    public var unit: Unit
    public var points: [Point]

    /// Days for up to three months, weeks for up to three years, months beyond.
    static func unit(forDays days: Int64) -> Unit {
        days <= 92 ? .day : days <= 3 * 366 ? .week : .month
    }
}

/// The most played of a kind, counted by plays and by minutes.
public struct HistoryTopLists: Sendable, Codable, Equatable {
    public var byPlays: [HistoryTopEntry]
    public var byMinutes: [HistoryTopEntry]
}

/// A track, artist or album in a top list.
public struct HistoryTopEntry: Sendable, Codable, Equatable {
    /// The track, artist or album name.
    public var name: String
    /// The artist, for a track or an album.
    public var artist: String?
    /// The album, for a track.
    public var album: String?
    /// The track's `spotify:track:` URI, when known.
    public var uri: String?
    /// Its page: `/history/{kind}/{id}` (``HistoryLinkID``).
    public var id: String? = nil
    public var plays: Int
    public var msPlayed: Int64
    /// For a track: its first and latest play in the whole history.
    public var firstPlayedAt: Date?
    public var latestPlayedAt: Date?
}

extension HistoryReport {
    /// The encoder of the JSON twins and `encore history stats --format json`: snake_case keys,
    /// ISO 8601 dates.
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

/// A year's listening on one page, shareable as text.
public struct HistoryRecap: Sendable, Codable, Equatable {
    /// A local day and what was heard on it.
    public struct Day: Sendable, Codable, Equatable {
        public var date: LocalDate
        public var plays: Int
        public var msPlayed: Int64
    }

    public var year: Int
    /// The year, month by month.
    public var report: HistoryReport
    /// The day with the most listening.
    public var busiestDay: Day?
    /// Tracks first played this year.
    public var newTracks: Int
    /// Every local day of the year, empty ones included: the calendar.
    public var days: [Day] = []
    /// Each month's tracks and artists played for the first time ever.
    public var newByMonth: [NewInMonth] = []
    /// The track played most in one day (by plays of 30 s or more, then time).
    public var mostInADay: TrackDay? = nil

    /// What a month brought for the first time.
    public struct NewInMonth: Sendable, Codable, Equatable {
        /// The month's first day.
        public var month: LocalDate
        public var tracks: Int
        public var artists: Int
        /// The most played of them since, at most five each.
        public var topTracks: [HistoryItemRow]
        public var topArtists: [HistoryItemRow]
    }

    /// A track and the day it was played most.
    public struct TrackDay: Sendable, Codable, Equatable {
        public var date: LocalDate
        public var track: HistoryItemRow
        public var plays: Int
        public var msPlayed: Int64
    }
}
