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

    func load() throws -> StoredCredentials? {
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
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else {
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
}
