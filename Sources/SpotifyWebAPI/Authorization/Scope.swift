/// An OAuth scope Spotify grants, such as `user-top-read`.
public struct Scope: RawRepresentable, Hashable, Sendable, Codable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The scope as Spotify spells it.
    public let rawValue: String

    /// Creates a scope from Spotify's spelling.
    public init(rawValue: String) { self.rawValue = rawValue }

    public init(stringLiteral value: String) { self.rawValue = value }

    public var description: String { rawValue }

    /// Read the user's top artists and tracks.
    public static let userTopRead: Scope = "user-top-read"
    /// Read the user's subscription details (country, product, explicit-content settings).
    public static let userReadPrivate: Scope = "user-read-private"
    /// Read the user's email address.
    public static let userReadEmail: Scope = "user-read-email"
    /// Read the user's recently played tracks.
    public static let userReadRecentlyPlayed: Scope = "user-read-recently-played"
    /// Read the user's saved tracks and albums.
    public static let userLibraryRead: Scope = "user-library-read"
    /// Save and remove items in the user's library.
    public static let userLibraryModify: Scope = "user-library-modify"
    /// Read the user's private playlists.
    public static let playlistReadPrivate: Scope = "playlist-read-private"
    /// Read collaborative playlists.
    public static let playlistReadCollaborative: Scope = "playlist-read-collaborative"
    /// Create and change the user's public playlists.
    public static let playlistModifyPublic: Scope = "playlist-modify-public"
    /// Create and change the user's private playlists.
    public static let playlistModifyPrivate: Scope = "playlist-modify-private"
    /// Read which artists and users the user follows.
    public static let userFollowRead: Scope = "user-follow-read"
    /// Follow and unfollow artists and users.
    public static let userFollowModify: Scope = "user-follow-modify"
    /// Read the user's player: devices, what plays, the queue.
    public static let userReadPlaybackState: Scope = "user-read-playback-state"
    /// Control the user's player.
    public static let userModifyPlaybackState: Scope = "user-modify-playback-state"
    /// Read what the user is playing.
    public static let userReadCurrentlyPlaying: Scope = "user-read-currently-playing"
    /// Read where the user stopped in episodes and chapters.
    public static let userReadPlaybackPosition: Scope = "user-read-playback-position"
    /// Upload playlist cover images.
    public static let ugcImageUpload: Scope = "ugc-image-upload"
    /// Control Spotify on iOS and Android (App Remote SDK).
    public static let appRemoteControl: Scope = "app-remote-control"
    /// Play content in the Web Playback SDK.
    public static let streaming: Scope = "streaming"

    /// Parses Spotify's space-separated scope list.
    public static func parseList(_ list: String) -> Set<Scope> {
        Set(list.split(separator: " ", omittingEmptySubsequences: true).map { Scope(rawValue: String($0)) })
    }

    /// Writes scopes as Spotify's space-separated list, in a stable order.
    public static func formatList<S: Sequence<Scope>>(_ scopes: S) -> String {
        var seen = Set<Scope>()
        return scopes.filter { seen.insert($0).inserted }.map(\.rawValue).joined(separator: " ")
    }
}
