import Foundation
import SpotifyWebAPI

/// What the signed-in header needs.
struct Chrome: Sendable {
    var csrfToken: String
    var onTracks = false
    var onArtists = false
    var onHistory = false
}

struct HomeView: Sendable {
    var title = "Home"
    var chrome: Chrome?
    var profile: ProfileCard?
    var notice: String?
}

struct ProfileCard: Sendable {
    var displayName: String
    var initial: String
    var avatarURL: String?
    var details: String?
    var profileURL: String?
    var grantMessage: String
    var grantWarning: Bool
    var grantRole: String
    var csrfToken: String
    var ranges: [RangeOption]
}

/// A link among its siblings, marked when it is the page shown: the top lists' ranges, the
/// history's presets and years.
struct NavLink: Sendable {
    var label: String
    var href: String
    var current: Bool
}

struct RangeOption: Sendable {
    var value: String
    var label: String
    var selected: Bool
}

struct TopView: Sendable {
    var title: String
    var heading: String
    var caption: String
    var chrome: Chrome
    var tabs: [NavLink]
    var rows: [Row]
    var hasRows: Bool
    var isTracks: Bool
    var imageColumn: String
    var titleColumn: String
    var timeRange: String
    var csrfToken: String
    var limit: Int
    var previousHref: String?
    var nextHref: String?

    struct Row: Sendable {
        var rank: Int
        var imageURL: String?
        var imageAlt: String
        var title: String
        var subtitle: String?
        var detail: String
        var duration: String?
        var spotifyURL: String
    }
}

struct PlaylistView: Sendable {
    var title = "Playlist saved"
    var chrome: Chrome
    var name: String
    var trackCount: String
    var spotifyURL: String?
}

struct ErrorView: Sendable {
    var title: String
    var heading: String
    var message: String
    var retryAfter: String?
    var actionHref: String?
    var actionLabel: String?
    var chrome: Chrome?
}

/// Display-ready wording shared by the pages.
enum Display {
    static func rangeLabel(_ range: TimeRange) -> String {
        switch range {
        case .shortTerm: "Last 4 weeks"
        case .mediumTerm: "Last 6 months"
        case .longTerm: "All time"
        }
    }

    /// `3:42`, or `1:02:07` past an hour.
    static func duration(milliseconds: Int) -> String {
        let total = max(0, milliseconds / 1000)
        let hours = total / 3600, minutes = (total % 3600) / 60, seconds = total % 60
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return hours > 0 ? "\(hours):\(two(minutes)):\(two(seconds))" : "\(minutes):\(two(seconds))"
    }

    /// "29 May 2027", in UTC so every instance prints the same date.
    static func date(_ date: Date) -> String {
        let parts = utcCalendar.dateComponents([.day, .month, .year], from: date)
        let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
        return "\(parts.day ?? 1) \(months[((parts.month ?? 1) - 1) % 12]) \(parts.year ?? 1970)"
    }

    // Made once: building a Calendar costs more than the rest of the home page.
    private static let utcCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        return calendar
    }()

    /// The link when it is an http(s) URL; `nil` for `javascript:` and every other scheme, which
    /// a page must never turn into a link however Spotify (or something posing as it) spells it.
    static func webLink(_ candidate: String?) -> String? {
        guard let candidate, let scheme = URLComponents(string: candidate)?.scheme?.lowercased(),
            scheme == "https" || scheme == "http"
        else { return nil }
        return candidate
    }

    static func ranges(selected: TimeRange) -> [RangeOption] {
        TimeRange.allCases.map { RangeOption(value: $0.rawValue, label: rangeLabel($0), selected: $0 == selected) }
    }

    static func spotifyURL(external: ExternalURLs?, uri: String?, kind: String, id: String?) -> String {
        if let url = webLink(external?.spotify) { return url }
        if let id { return "https://open.spotify.com/\(kind)/\(id)" }
        return "https://open.spotify.com/"
    }
}
