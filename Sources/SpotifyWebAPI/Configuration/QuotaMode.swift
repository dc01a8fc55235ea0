/// Which of Spotify's quota modes the app is in, as its developer dashboard says.
///
/// Since February 2026 a development-mode app (every new app) may not call the multi-get
/// endpoints, the type-specific library endpoints and others, and gets smaller `limit`s on
/// search and an artist's albums. The client checks these before sending, so the caller gets
/// an error naming the replacement instead of Spotify's bare 403 or 400.
public enum QuotaMode: String, Sendable, Hashable, CaseIterable, Codable {
    /// The default for a new app: at most 5 allow-listed users and the February 2026 limits.
    case development
    /// An app Spotify granted extended quota: every endpoint and field as before 2026.
    case extended
}

/// What an endpoint is for a development-mode app.
public enum DevelopmentModeRule: Sendable, Hashable {
    /// Unchanged.
    case available
    /// Removed in February 2026 (Spotify answers 403); `replacement` names the operation to use,
    /// `nil` when there is none.
    case removed(replacement: String?)
    /// Available with a smaller `limit`.
    case maximumLimit(Int)
}

extension SpotifyRequest {
    /// Fails before sending when this request cannot succeed for an app in `mode`.
    func checkQuota(_ mode: QuotaMode) throws(SpotifyAPIError) {
        guard mode == .development else { return }
        switch developmentMode {
        case .available:
            return
        case .removed(let replacement):
            let advice = replacement.map { "use \($0) instead" } ?? "there is no replacement"
            throw SpotifyAPIError(
                code: .unavailableInDevelopmentMode,
                message: "\(endpointName) is not available to development-mode apps since February 2026; \(advice)"
            )
        case .maximumLimit(let maximum):
            guard let text = query.first(where: { $0.0 == "limit" })?.1, let limit = Int(text) else { return }
            try SpotifyRequest.checkLimit(limit, range: 1...maximum, context: "in development mode")
        }
    }
}
