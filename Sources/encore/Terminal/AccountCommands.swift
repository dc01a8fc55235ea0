import ArgumentParser
import Foundation
import SpotifyWebAPI

/// The signed-in user's client, refreshing by itself and saving each refreshed set.
struct SignedInSession {
    let credentials: StoredCredentials
    let client: SpotifyClient<TokenManager>

    static func load() throws -> SignedInSession {
        let file = CredentialsFile()
        guard let credentials = try file.load() else { throw CLIFailure.signInNeeded() }
        // Refreshing does not use the redirect URI; the flow only needs one to exist.
        let configuration = SpotifyClientConfiguration(
            clientID: credentials.clientID, clientSecret: nil,
            redirectURI: try RedirectURI("http://127.0.0.1/callback"), accountsBaseURL: credentials.accountsURL, apiBaseURL: credentials.apiURL
        )
        let flow = try AuthorizationCodeFlow(configuration: configuration, clientAuthentication: .pkceOnly)
        let refresher = LockedCredentialsRefresher(file: file, flow: flow, leeway: configuration.refreshLeeway)
        let manager = TokenManager(tokens: credentials.tokens, refresher: refresher, leeway: configuration.refreshLeeway)
        return SignedInSession(credentials: credentials, client: SpotifyClient(configuration: configuration, authorization: manager))
    }
}

/// `encore logout`: forgets the saved tokens.
struct LogoutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logout", abstract: "Remove the saved Spotify sign-in.",
        discussion: "Deletes $XDG_CONFIG_HOME/encore/credentials.json (else ~/.config/encore/).\n\nExample:\n  encore logout"
    )

    func run() async throws {
        let file = CredentialsFile()
        print(file.remove() ? "Signed out; removed \(file.path)." : "You were not signed in.")
    }
}

/// `encore status`: who is signed in, with which scopes, until when.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show who is signed in, the granted scopes and when the sign-in ends.",
        discussion: "Exits 2 when nobody is signed in.\n\nExample:\n  encore status"
    )

    func run() async throws {
        try await runReportingFailures {
            guard let credentials = try CredentialsFile().load() else { throw CLIFailure.signInNeeded() }
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withFullDate]
            print(
                """
                Signed in as \(credentials.displayName ?? credentials.userID) (\(credentials.userID))
                Scopes:      \(credentials.tokens.scopes.map { $0.rawValue }.sorted().joined(separator: " "))
                Sign-in ends \(formatter.string(from: credentials.tokens.grantExpiresAt)) (Spotify ends sign-ins six months after you agree)
                Spotify:     \(credentials.apiURL.absoluteString)
                """)
        }
    }
}

/// `encore me`: the profile.
struct MeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "me", abstract: "Show your Spotify profile.",
        discussion: "Examples:\n  encore me\n  encore me --format json"
    )

    @Option(help: "table, json or csv.")
    var format: OutputFormat = .table

    func run() async throws {
        try await runReportingFailures {
            let session = try SignedInSession.load()
            if format == .json {
                return try await Output.passThrough(SpotifyRequest(path: "me", endpointName: "GET /me"), from: session)
            }
            let profile = try await session.client.currentUserProfile()
            var rows: [[String]] = [["Name", profile.displayName ?? "—"], ["Id", profile.id.rawValue]]
            if let email = profile.email { rows.append(["Email", email]) }
            if let country = profile.country { rows.append(["Country", country]) }
            if let product = profile.product { rows.append(["Plan", product]) }
            if let followers = profile.followers?.total { rows.append(["Followers", String(followers)]) }
            try Output.emit(rows, format: format, headers: ["Field", "Value"]) { _, row in row }
        }
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}
