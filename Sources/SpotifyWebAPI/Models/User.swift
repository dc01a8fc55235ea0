/// The signed-in user, from `GET /me`.
///
/// Fields gated by scopes (`email`, `country`, `product`, `explicit_content`) and those Spotify
/// removed for development-mode apps in February 2026 are optional.
public struct CurrentUser: Codable, Sendable, Hashable {
    /// Spotify's user ID.
    public var id: UserID
    /// The stable, pseudonymous account identifier (May 2026); use it to link accounts.
    public var accountID: String?
    /// The name shown on the profile, `null` when not available.
    public var displayName: String?
    /// The email address (needs `user-read-email`; unverified).
    public var email: String?
    /// The country as ISO 3166-1 alpha-2 (needs `user-read-private`).
    public var country: String?
    /// `premium`, `free` or `open` (needs `user-read-private`).
    public var product: String?
    /// Explicit-content settings (needs `user-read-private`).
    public var explicitContent: ExplicitContent?
    /// Links to the profile.
    public var externalURLs: ExternalURLs?
    /// Follower count.
    public var followers: Followers?
    /// The API link to the user.
    public var href: String?
    /// Profile pictures.
    public var images: [SpotifyImage]?
    /// `user`.
    public var type: String?
    /// The Spotify URI.
    public var uri: String?

    /// The identifier to key stored data by: ``accountID`` when Spotify sends it, else ``id``.
    public var stableID: String { accountID ?? id.rawValue }

    /// Explicit-content filter settings.
    public struct ExplicitContent: Codable, Sendable, Hashable {
        /// Whether explicit content is filtered.
        public var filterEnabled: Bool
        /// Whether the setting is locked.
        public var filterLocked: Bool

        enum CodingKeys: String, CodingKey {
            case filterEnabled = "filter_enabled"
            case filterLocked = "filter_locked"
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, email, country, product, followers, href, images, type, uri
        case accountID = "account_id"
        case displayName = "display_name"
        case explicitContent = "explicit_content"
        case externalURLs = "external_urls"
    }
}

/// Another user, as shown as a playlist's owner.
public struct PublicUser: Codable, Sendable, Hashable {
    /// Spotify's user ID.
    public var id: UserID
    /// The shown name.
    public var displayName: String?
    /// Links to the profile.
    public var externalURLs: ExternalURLs?
    /// The API link.
    public var href: String?
    /// The Spotify URI.
    public var uri: String?
    /// Profile pictures, when the full profile was asked for (`GET /users/{user_id}`).
    public var images: [SpotifyImage]?
    /// The follower count, likewise (removed for development-mode apps).
    public var followers: Followers?

    enum CodingKeys: String, CodingKey {
        case id, href, uri, images, followers
        case displayName = "display_name"
        case externalURLs = "external_urls"
    }
}
