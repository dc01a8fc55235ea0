/// The period a user's top items are computed over.
public enum TimeRange: String, Sendable, Hashable, CaseIterable, Codable {
    /// About the last four weeks.
    case shortTerm = "short_term"
    /// About the last six months (Spotify's default).
    case mediumTerm = "medium_term"
    /// Several years of data.
    case longTerm = "long_term"
}
