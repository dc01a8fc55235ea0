import Foundation
import Testing

@testable import encore

/// The terminal client against the emulator, as a person uses it: `encore login`, then commands.
@Suite("encore login and the terminal commands", .timeLimit(.minutes(3)))
struct TerminalCommandTests {
    /// An emulator process and a private config folder.
    struct Setup {
        let directory: URL
        let emulator: String
        let environment: [String: String]
        let process: EncoreProcess

        static func start() async throws -> Setup {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("encore-cli-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let process = try EncoreProcess.start(
                [
                    "emulator", "--port", "0", "--client-id", "cli-client", "--redirect-uri", "http://127.0.0.1/callback", "--auto-approve", "maya",
                ], in: directory)
            guard let emulator = await process.url(after: "Spotify emulator running on") else { throw HarnessFailure("emulator did not start") }
            let environment = [
                "XDG_CONFIG_HOME": directory.appendingPathComponent("config").path,
                "SPOTIFY_CLIENT_ID": "cli-client", "SPOTIFY_ACCOUNTS_URL": emulator, "SPOTIFY_API_URL": emulator + "/v1",
                "COLUMNS": "70",
            ]
            return Setup(directory: directory, emulator: emulator, environment: environment, process: process)
        }

        var credentials: String { directory.appendingPathComponent("config/encore/credentials.json").path }

        func run(_ arguments: [String]) async throws -> (status: Int32?, output: String) {
            let command = try EncoreProcess.start(arguments, in: directory, environment: environment)
            let status = await command.waitForExit()
            return (status, command.output)
        }

        /// `encore login`, finished by the listener or by pasting the address.
        func login(paste: Bool, extra: [String] = []) async throws -> (status: Int32?, output: String) {
            let port = try freeLoopbackPort()
            let login = try EncoreProcess.start(
                ["login", "--no-browser", "--port", String(port)] + extra, in: directory, environment: environment, stdin: true)
            defer { login.terminate() }
            guard let line = await login.waitForLine(containing: "/authorize?"),
                let start = line.range(of: "http")
            else { throw HarnessFailure("no authorize URL in: \(login.output)") }
            let consent = try await http("GET", String(line[start.lowerBound...]))
            guard let callback = consent.location else { throw HarnessFailure("authorize answered \(consent.status)") }
            #expect(callback.hasPrefix("http://127.0.0.1:\(port)/callback?"))
            if paste {
                login.send(callback + "\n")
            } else {
                let page = try await http("GET", callback)
                #expect(page.status == 200)
                #expect(page.body.contains("You can close this tab"))
            }
            return (await login.waitForExit(), login.output)
        }
    }

    @Test("login through the loopback listener, then status, me, top in three formats, logout")
    func fullSession() async throws {
        let setup = try await Setup.start()
        defer { setup.process.terminate() }
        let login = try await setup.login(paste: false)
        #expect(login.status == 0, "\(login.output)")
        #expect(login.output.contains("Signed in as Maya Okafor."))
        let mode = try FileManager.default.attributesOfItem(atPath: setup.credentials)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // Written through a temporary file and a rename: nothing else is left in the folder.
        let folder = (setup.credentials as NSString).deletingLastPathComponent
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["credentials.json"])

        let status = try await setup.run(["status"])
        #expect(status.status == 0)
        #expect(status.output.contains("Signed in as Maya Okafor"))
        #expect(status.output.contains("user-top-read"))
        #expect(status.output.contains("Sign-in ends"))

        let me = try await setup.run(["me"])
        #expect(me.status == 0)
        #expect(me.output.contains("maya"))

        let table = try await setup.run(["top", "tracks", "--limit", "5"])
        #expect(table.status == 0)
        let lines = table.output.split(separator: "\n")
        #expect(lines.count == 7)
        #expect(lines.allSatisfy { $0.count <= 70 })

        let csv = try await setup.run(["top", "tracks", "--range", "short", "--format", "csv"])
        #expect(csv.status == 0)
        #expect(csv.output.hasPrefix("#,Title,Artists,Album,Length\r\n"))
        #expect(csv.output.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 21)
        #expect(csv.output.contains("\""))  // several artists in one field are quoted

        let json = try await setup.run(["top", "artists", "--format", "json", "--limit", "3"])
        #expect(json.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]
        #expect((object?["items"] as? [Any])?.count == 3)

        let all = try await setup.run(["top", "artists", "--all", "--format", "csv"])
        #expect(all.output.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 51)

        let recent = try await setup.run(["recent", "--format", "csv", "--limit", "10"])
        #expect(recent.status == 0, "\(recent.output)")
        #expect(recent.output.hasPrefix("Played at,Title,Artists\r\n"))

        let file = setup.directory.appendingPathComponent("library.csv").path
        let saved = try await setup.run(["saved", "--format", "csv", "--output", file])
        #expect(saved.status == 0, "\(saved.output)")
        #expect(!saved.output.contains("█"))  // stderr is not a terminal: no progress bar
        let library = try String(contentsOfFile: file, encoding: .utf8)
        #expect(library.hasPrefix("Added,Title,Artists,Album\r\n"))
        #expect(saved.output.contains("Wrote \(library.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count - 1) tracks"))

        let playlist = try await setup.run(["playlist", "from-top", "--range", "long", "--name", "Mine, all mine"])
        #expect(playlist.status == 0, "\(playlist.output)")
        #expect(playlist.output.contains("Saved 20 tracks to “Mine, all mine”"))

        let help = try await setup.run(["top", "--help"])
        #expect(help.output.contains("Examples:"))

        let logout = try await setup.run(["logout"])
        #expect(logout.status == 0)
        #expect(!FileManager.default.fileExists(atPath: setup.credentials))
        let after = try await setup.run(["top", "tracks"])
        #expect(after.status == 2)
        #expect(after.output.contains("hint: run `encore login`"))
    }

    @Test("two commands refreshing at once keep the rotated refresh token; a credentials file others can read is refused")
    func credentialsFile() async throws {
        let setup = try await Setup.start()
        defer { setup.process.terminate() }
        #expect(try await setup.login(paste: true).status == 0)
        let mode = { (try? FileManager.default.attributesOfItem(atPath: setup.credentials)[.posixPermissions] as? Int) ?? -1 }
        #expect(mode() == 0o600)
        // Spotify rotates refresh tokens and revokes the old one; both commands find the access
        // token expired at once.
        _ = try await http(
            "PUT", setup.emulator + "/_emulator/settings", headers: [("Content-Type", "application/json")],
            body: #"{"refresh_token_policy":"rotate"}"#)
        _ = try await http(
            "POST", setup.emulator + "/_emulator/clock/advance", headers: [("Content-Type", "application/json")], body: #"{"seconds":7200}"#)
        async let first = setup.run(["me", "--format", "json"])
        async let second = setup.run(["me", "--format", "json"])
        let results = try await [first, second]
        #expect(results.map(\.status) == [0, 0], "\(results.map(\.output))")
        #expect(try await setup.run(["me"]).status == 0)
        #expect(mode() == 0o600)

        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: setup.credentials)
        let refused = try await setup.run(["status"])
        #expect(refused.status == 2)
        #expect(refused.output.contains("can be read by other users"))
        #expect(refused.output.contains("chmod 600"))
    }

    @Test("a headless machine finishes login with the pasted address")
    func pastedAddress() async throws {
        let setup = try await Setup.start()
        defer { setup.process.terminate() }
        let login = try await setup.login(paste: true)
        #expect(login.status == 0, "\(login.output)")
        #expect(FileManager.default.fileExists(atPath: setup.credentials))
    }

    @Test("a revoked grant says to sign in again and exits 2; usage mistakes exit 1")
    func exitCodes() async throws {
        let setup = try await Setup.start()
        defer { setup.process.terminate() }
        #expect(try await setup.login(paste: true).status == 0)
        let usage = try await setup.run(["top", "tracks", "--limit", "99"])
        #expect(usage.status == 1)
        _ = try await http("POST", setup.emulator + "/_emulator/users/maya/revoke")
        _ = try await http(
            "POST", setup.emulator + "/_emulator/clock/advance", headers: [("Content-Type", "application/json")], body: #"{"seconds":7200}"#)
        let expired = try await setup.run(["me"])
        #expect(expired.status == 2)
        #expect(expired.output.contains("your sign-in has expired"))
    }
}

struct HarnessFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

func freeLoopbackPort() throws -> Int {
    guard let port = FreePort.loopback() else { throw HarnessFailure("no free port") }
    return port
}
