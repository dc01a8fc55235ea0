import Foundation
import SpotifyWebAPI

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What `encore login` saves: the tokens and where they came from.
struct StoredCredentials: Codable, Sendable {
    var clientID: String
    var accountsURL: URL
    var apiURL: URL
    var userID: String
    var displayName: String?
    var tokens: UserTokens

    enum CodingKeys: String, CodingKey {
        case tokens
        case clientID = "client_id"
        case accountsURL = "accounts_url"
        case apiURL = "api_url"
        case userID = "user_id"
        case displayName = "display_name"
    }
}

/// `$XDG_CONFIG_HOME/encore/credentials.json` (else `~/.config/encore/`), mode 0600,
/// replaced atomically so a crash never leaves half a file.
struct CredentialsFile: Sendable {
    let path: String

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let base: String
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") {
            base = xdg
        } else {
            base = (environment["HOME"] ?? NSHomeDirectory()) + "/.config"
        }
        path = base + "/encore/credentials.json"
    }

    /// The saved credentials; `nil` when nobody is signed in.
    /// - Throws: ``CLIFailure`` for a file others may read (or a symlink): it is not used.
    func load() throws -> StoredCredentials? {
        var status = stat()
        guard lstat(path, &status) == 0 else { return nil }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw CLIFailure(cause: "\(path) is not a regular file", hint: "remove it and run `encore login`", code: 2)
        }
        guard status.st_mode & 0o077 == 0 else {
            throw CLIFailure(
                cause: "\(path) can be read by other users, so it was not used", hint: "run `chmod 600 \(path)`, or `encore login` again", code: 2)
        }
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        do {
            return try SpotifyJSON.makeDecoder().decode(StoredCredentials.self, from: data)
        } catch {
            throw CLIFailure(cause: "\(path) is not readable credentials", hint: "run `encore login` to sign in again", code: 2)
        }
    }

    func save(_ credentials: StoredCredentials) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let encoder = SpotifyJSON.makeEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(credentials)
        let temporary = path + ".\(getpid()).tmp"
        // A new file of our own: never one planted (or linked) at that name, and 0600 whatever the umask.
        unlink(temporary)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600)
        guard descriptor >= 0, fchmod(descriptor, 0o600) == 0 else {
            if descriptor >= 0 { close(descriptor) }
            throw CLIFailure(cause: "cannot write \(temporary)", hint: "check the permissions of \(directory)", code: 1)
        }
        let written = data.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        fsync(descriptor)
        close(descriptor)
        guard written == data.count, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw CLIFailure(cause: "cannot write \(path)", hint: "check the free space and permissions of \(directory)", code: 1)
        }
    }

    /// - Returns: Whether there was a file.
    func remove() -> Bool {
        unlink(path) == 0
    }

    /// Runs `body` holding an exclusive `flock` on `credentials.json.lock`, so two commands at
    /// once refresh one after the other and the second sees the first's rotated token.
    func withLock<T>(_ body: () async throws -> T) async throws -> T {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let descriptor = open(path + ".lock", O_RDWR | O_CREAT | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            throw CLIFailure(cause: "cannot open \(path).lock", hint: "check the permissions of \(directory)", code: 1)
        }
        defer { close(descriptor) }
        // Held for one refresh (a fraction of a second); waiting for it blocks only this command.
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { throw CLIFailure(cause: "cannot lock \(path).lock", hint: "try again", code: 1) }
        }
        defer { flock(descriptor, LOCK_UN) }
        return try await body()
    }
}

/// Refreshes the command line's tokens under the credentials file's lock: re-reads the file
/// first and uses a set another command already refreshed; otherwise refreshes and saves the
/// new set (with a rotated refresh token) before it is used.
struct LockedCredentialsRefresher: TokenRefresher {
    let file: CredentialsFile
    let flow: AuthorizationCodeFlow
    let leeway: Duration

    func refresh(_ tokens: UserTokens) async throws -> UserTokens {
        try await file.withLock {
            guard var stored = try file.load() else { throw SpotifyAPIError(code: .reauthorizationRequired, message: "signed out meanwhile") }
            if stored.tokens.accessToken != tokens.accessToken, !stored.tokens.needsRefresh(at: Date(), leeway: leeway) {
                return stored.tokens
            }
            let fresh = try await flow.refresh(stored.tokens)
            stored.tokens = fresh
            try file.save(stored)
            return fresh
        }
    }
}
