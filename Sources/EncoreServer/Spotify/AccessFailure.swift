/// Why a call to Spotify for a user was not made, in the terms background work acts on: the
/// history recorder matches these, never the web app's ``AppError``.
enum AccessFailure: Equatable {
    /// No usable grant is stored: the person must sign in again.
    case signedOut
    /// The user's own call budget is spent for now.
    case userRateLimited(retryAfter: Int)

    /// The failure an error of the Spotify layer stands for, or `nil` for any other error.
    init?(_ error: any Error) {
        switch error {
        case AppError.reauthorizationRequired: self = .signedOut
        case AppError.userRateLimited(let retryAfter): self = .userRateLimited(retryAfter: retryAfter)
        default: return nil
        }
    }

    /// Seconds until the user's budget allows another call, for ``userRateLimited(retryAfter:)``.
    var retryAfter: Int? {
        if case .userRateLimited(let seconds) = self { return seconds }
        return nil
    }
}
