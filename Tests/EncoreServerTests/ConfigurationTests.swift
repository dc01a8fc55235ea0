import Crypto
import Foundation
import Logging
import SpotifyWebAPI
import Testing

@testable import EncoreServer

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Configuration", .timeLimit(.minutes(3)))
struct ConfigurationTests {
    @Test(".env is read the way people write it")
    func dotEnv() {
        let file = DotEnvFile(
            parsing: """
                # comment
                export SPOTIFY_CLIENT_ID=abc123
                SPOTIFY_CLIENT_SECRET="se#cret with \\"quotes\\""
                SPOTIFY_SCOPES='user-top-read  user-read-email'
                ENCORE_PORT=8080 # inline comment
                ENCORE_LOG_LEVEL = debug
                EMPTY=
                MULTI="line one
                line two"
                not a line
                1BAD=x

                """)
        #expect(file.values["SPOTIFY_CLIENT_ID"] == "abc123")
        #expect(file.values["SPOTIFY_CLIENT_SECRET"] == "se#cret with \"quotes\"")
        #expect(file.values["SPOTIFY_SCOPES"] == "user-top-read  user-read-email")
        #expect(file.values["ENCORE_PORT"] == "8080")
        #expect(file.values["ENCORE_LOG_LEVEL"] == "debug")
        #expect(file.values["EMPTY"] == "")
        #expect(file.values["MULTI"] == "line one\nline two")
        #expect(file.malformedLines == [10, 11])
    }

    @Test("flags win over the environment, which wins over .env")
    func precedence() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("encore-\(UUID().uuidString).env").path
        try """
        SPOTIFY_CLIENT_ID="from-dotenv"
        ENCORE_PORT=7000
        ENCORE_HOST=0.0.0.0
        ENCORE_CACHE_TTL=5
        ENCORE_SESSION_CACHE_TTL=2
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let loaded = try AppConfiguration.load(
            environment: ["ENCORE_PORT": "7100", "SPOTIFY_CLIENT_ID": "from-env"],
            dotEnvPath: path,
            overrides: ["ENCORE_PORT": "7200"]
        )
        #expect(loaded.configuration.port == 7200)
        #expect(loaded.configuration.host == "0.0.0.0")
        #expect(loaded.configuration.spotify?.clientID == "from-env")
        #expect(loaded.configuration.cacheTTL == .seconds(5))
        #expect(loaded.configuration.sessionCacheTTL == .seconds(2))
        #expect(loaded.configuration.spotify?.redirectURI?.url.absoluteString == "http://127.0.0.1:7200/callback")
    }

    @Test("no client id means demo mode, with the documented defaults")
    func defaults() throws {
        let configuration = try AppConfiguration.load(environment: [:], dotEnvPath: nil).configuration
        #expect(configuration.spotify == nil)
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 9000)
        #expect(configuration.database == .sqliteFile(path: ".encore/encore.sqlite"))
        #expect(configuration.cacheTTL == .seconds(30))
        #expect(configuration.logLevel == .info)
        #expect(configuration.spotifyConnections == 64)
        #expect(try AppConfiguration.load(environment: ["ENCORE_SPOTIFY_CONNECTIONS": "16"], dotEnvPath: nil).configuration.spotifyConnections == 16)
    }

    @Test("a redirect URI Spotify would refuse stops startup with what to use instead")
    func localhostRefused() {
        #expect {
            try AppConfiguration.load(
                environment: ["SPOTIFY_CLIENT_ID": "x", "SPOTIFY_REDIRECT_URI": "http://localhost:9000/callback"], dotEnvPath: nil)
        } throws: { error in
            let text = (error as? SpotifyConfigurationError)?.description ?? ""
            return text.contains("SPOTIFY_REDIRECT_URI") && text.contains("http://127.0.0.1:9000/callback")
        }
    }

    @Test(
        "bad values name their variable",
        arguments: [
            ("ENCORE_PORT", "ninety"), ("ENCORE_DATABASE_URL", "mysql://x"), ("ENCORE_SECRET_KEY", "c2hvcnQ="),
            ("ENCORE_LOG_LEVEL", "loud"), ("ENCORE_CACHE_TTL", "-1"), ("ENCORE_SPOTIFY_CONNECTIONS", "0"),
            ("ENCORE_DATABASE_POOL_SIZE", "many"), ("ENCORE_SESSION_CACHE_TTL", "61"), ("ENCORE_SESSION_CACHE_TTL", "soon"),
        ])
    func badValues(variable: String, value: String) {
        #expect {
            try AppConfiguration.load(environment: [variable: value], dotEnvPath: nil)
        } throws: { error in
            (error as? SpotifyConfigurationError)?.key == variable
        }
    }

    @Test(
        "database URLs",
        arguments: [
            ("sqlite://.encore/encore.sqlite", DatabaseLocation.sqliteFile(path: ".encore/encore.sqlite")),
            ("sqlite:///var/lib/encore.sqlite", .sqliteFile(path: "/var/lib/encore.sqlite")),
            ("sqlite::memory:", .sqliteMemory),
            ("postgres://u:p@db:5432/encore", .postgres(url: "postgres://u:p@db:5432/encore")),
        ])
    func databaseURLs(text: String, expected: DatabaseLocation) throws {
        #expect(try DatabaseLocation(parsing: text) == expected)
    }

    @Test("a PostgreSQL URL prints without its password")
    func redactedDatabaseURL() throws {
        let location = try DatabaseLocation(parsing: "postgres://encore:hunter2@db:5432/encore")
        #expect(!location.description.contains("hunter2"))
    }

    @Test("the key file is created once, private, and reused")
    func keyFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("encore-key-\(UUID().uuidString)/secret.key").path
        let first = try SecretKeyFile.loadOrCreate(at: path)
        let second = try SecretKeyFile.loadOrCreate(at: path)
        #expect(first == second)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        #expect(throws: StorageError.self) { try SecretKeyFile.loadOrCreate(at: path) }
    }
}

@Suite("Files that hold secrets")
struct PrivateFileTests {
    func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("encore-files-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test(
        "a PostgreSQL URL off this machine requires TLS unless it says otherwise",
        arguments: [
            ("postgres://u:p@db.example:5432/encore", "require"), ("postgres://u:p@10.0.0.5/encore", "require"),
            ("postgres://u:p@127.0.0.1:5432/encore", "prefer"), ("postgres://u:p@localhost/encore", "prefer"),
            ("postgres://u:p@[::1]/encore", "prefer"),
            ("postgres://u:p@db.example/encore?sslmode=disable", "disable"), ("postgres://u:p@127.0.0.1/encore?sslmode=verify-full", "verify-full"),
        ])
    func postgresTLS(url: String, mode: String) throws {
        #expect(PostgresEngine.sslMode(try #require(URLComponents(string: url))) == mode)
    }

    @Test("a key file that is a symlink, or belongs to another user, is refused")
    func keyFileRefused() throws {
        let folder = try folder()
        let real = folder + "/real.key", link = folder + "/secret.key"
        _ = try SecretKeyFile.loadOrCreate(at: real)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real)
        let error = #expect(throws: StorageError.self) { try SecretKeyFile.loadOrCreate(at: link) }
        #expect(error?.description.contains("symbolic link") == true)
        // Only root can give a file away; elsewhere this half is not reachable.
        if geteuid() == 0 {
            #expect(chown(real, 65534, 65534) == 0)
            let foreign = #expect(throws: StorageError.self) { try SecretKeyFile.loadOrCreate(at: real) }
            #expect(foreign?.description.contains("another user") == true)
        }
    }

    @Test("a SQLite file that is a symlink is refused; one readable by others is made 0600")
    func sqliteFile() async throws {
        let folder = try folder()
        let real = folder + "/real.sqlite", link = folder + "/encore.sqlite"
        #expect(FileManager.default.createFile(atPath: real, contents: nil, attributes: [.posixPermissions: 0o644]))
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real)
        await #expect(throws: StorageError.self) { try await SQLEncoreStore.open(.sqliteFile(path: link), logger: Logger(label: "test")) }
        let store = try await SQLEncoreStore.open(.sqliteFile(path: real), logger: Logger(label: "test"))
        await store.close()
        #expect(try FileManager.default.attributesOfItem(atPath: real)[.posixPermissions] as? Int == 0o600)
    }
}

@Suite("Security helpers", .timeLimit(.minutes(3)))
struct SecurityHelperTests {
    @Test(
        "only same-origin paths are accepted as return paths",
        arguments: [
            ("/top/tracks?time_range=short_term", true), ("/", true), ("//evil.example", false), ("/\\evil.example", false),
            ("https://evil.example", false), ("top/tracks", false), ("/a\u{0}b", false), ("/\u{0D}\u{0A}Set-Cookie:x", false),
            (String(repeating: "/a", count: 300), false),
        ])
    func returnPaths(path: String, accepted: Bool) {
        #expect((ReturnPath.validated(path) != nil) == accepted)
    }

    @Test("a sealed value opens only with the same key and place")
    func cipher() throws {
        let key = SymmetricKey(size: .bits256)
        let cipher = TokenCipher(key: key)
        let sealed = try cipher.seal(Data("secret".utf8), boundTo: "tokens:maya")
        #expect(!sealed.contains("secret"))
        #expect(try cipher.open(sealed, boundTo: "tokens:maya") == Data("secret".utf8))
        #expect(throws: StorageError.undecryptable) { try cipher.open(sealed, boundTo: "tokens:jonas") }
        #expect(throws: StorageError.undecryptable) { try TokenCipher(key: SymmetricKey(size: .bits256)).open(sealed, boundTo: "tokens:maya") }
        // After a key rotation, old values still open through the previous key.
        let rotated = TokenCipher(key: SymmetricKey(size: .bits256), previousKeys: [key])
        #expect(try rotated.open(sealed, boundTo: "tokens:maya") == Data("secret".utf8))
    }

    @Test("CSRF tokens are bound to the session")
    func csrfTokens() {
        let tokens = CSRFTokens(secretKey: SymmetricKey(size: .bits256))
        let token = tokens.token(forSession: "session-a")
        #expect(tokens.isValid(token, forSession: "session-a"))
        #expect(!tokens.isValid(token, forSession: "session-b"))
        #expect(!tokens.isValid(nil, forSession: "session-a"))
        #expect(!tokens.isValid("%%%", forSession: "session-a"))
    }

    @Test("the request log cannot be forged with control characters")
    func safeLogPath() {
        #expect(RequestLogMiddleware<AppRequestContext>.safePath("/a\nINFO fake") == "/a?INFO fake")
    }
}
