/// Why a call to Spotify for a user was not made, thrown by the Spotify layer in its own terms:
/// the history recorder acts on it, and the web app's edge turns it into a page
/// (``appError``), so nothing here knows how the web app answers.
enum AccessFailure: Error, Equatable {
    /// No usable grant is stored: the person must sign in again.
    case signedOut
    /// The user's own call budget is spent for now.
    case userRateLimited(retryAfter: Int)

    /// Seconds until the user's budget allows another call, for ``userRateLimited(retryAfter:)``.
    var retryAfter: Int? {
        if case .userRateLimited(let seconds) = self { return seconds }
        return nil
    }
}
