import Foundation
import NIOCore
import NIOPosix
import PropertyBased
import Testing

@testable import EncoreServer

/// Generated hostile input against every route: never a 500, never a crash, always a message.
@Suite("Hostile input", .timeLimit(.minutes(3)))
struct HostileInputTests {
    /// Pieces of query strings and cookies that have broken web apps before: bad percent-encoding
    /// (and percent-encoded invalid UTF-8), repeated and empty parameters, huge values, scheme-
    /// relative paths, separators in odd places.
    static let fragments = [
        "%", "%Z", "%ZZ", "%FF", "%00", "%C3%28", "%E2%82", "%ED%A0%80", "%F4%90%80%80", "%2F%2F", "%5C", "%0D%0A",
        "&", "=", "==", "&&", "state", "code", "error", "limit", "offset", "time_range", "next", "access_denied",
        "//evil.example", "https:", "javascript:", "+", "..", ";", ",", "!", "*", "'", "(", ")", "~",
        "99999999999999999999", "-1", "0", "50", "51", "short_term", "long_term", "A",
        String(repeating: "A", count: 3000), String(repeating: "%41", count: 500),
    ]

    static let hostileText = Gen<String?>.element(of: fragments).map { $0 ?? "" }.array(of: 1...12).map { $0.joined() }

    static let routes = [
        "/", "/login", "/callback", "/top/tracks", "/top/artists", "/api/me", "/api/top/tracks", "/api/top/artists", "/playlists/x", "/healthz",
    ]
    static let route = Gen<String?>.element(of: routes).map { $0 ?? "/" }

    @Test("generated query strings never cause a 500, on any route, signed in or not")
    func queries() async throws {
        try await AppHarness.run { app in
            let signedIn = app.browser()
            try await app.signIn(signedIn)
            let anonymous = app.browser()
            await propertyCheck(count: 60, input: Self.hostileText, Self.route) { query, route in
                for browser in [signedIn, anonymous] {
                    let answer = try await browser.get(route + "?" + query)
                    #expect(answer.status < 500, "\(route)?\(query.prefix(200)) answered \(answer.status)")
                    if answer.status >= 400 { #expect(!answer.body.isEmpty) }
                }
            }
            #expect(try await signedIn.get("/api/me").status == 200)
            #expect(try await anonymous.get("/healthz").status == 200)
        }
    }

    @Test("generated cookies and headers never cause a 500 and never sign anyone in")
    func cookiesAndHeaders() async throws {
        try await AppHarness.run { app in
            let victim = app.browser()
            try await app.signIn(victim)
            let realCookie = try #require(victim.sessionCookie)
            await propertyCheck(count: 80, input: Self.hostileText, Self.route) { text, route in
                let cookies = [
                    "encore_session=\(text)",
                    "encore_session=\(realCookie); encore_session=\(text)",
                    "\(text)=\(text); encore_session=",
                    "encore_session=\(realCookie.dropLast())\(realCookie.last == "A" ? "B" : "A")",
                ]
                for cookie in cookies {
                    let answer = try await http(
                        "GET", app.appBase + route,
                        headers: [
                            ("Cookie", cookie), ("Cache-Control", text), ("Origin", text), ("Accept", text),
                        ])
                    #expect(answer.status < 500, "\(route) with cookie \(cookie.prefix(120)) answered \(answer.status)")
                    if route.hasPrefix("/api/") { #expect(answer.status == 401) }
                }
                let post = try await http(
                    "POST", app.appBase + "/playlists/from-top",
                    headers: [
                        ("Cookie", "encore_session=\(realCookie)"), ("Content-Type", "application/x-www-form-urlencoded"),
                    ], body: text)
                #expect(post.status == 403 || post.status == 400, "form \(text.prefix(120)) answered \(post.status)")
            }
            #expect(app.emulator.counters.requests["POST /v1/me/playlists 201"] == nil)
            #expect(try await victim.get("/api/me").status == 200)
        }
    }

    /// Bytes no HTTP client would send, so they go straight onto the socket: invalid UTF-8, NUL and
    /// other control bytes, lone continuation bytes, overlong and surrogate encodings.
    static let rawFragments: [[UInt8]] = [
        [0xFF], [0xFE, 0xFF], [0xC3, 0x28], [0x80], [0xBF, 0xBF], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80],
        [0xC0, 0xAF], [0xE2, 0x82], [0x00], [0x01], [0x7F], [0x09], [0x1B],
        Array("é".utf8), Array("🎵".utf8), Array("%".utf8), Array("%C3".utf8), Array("&".utf8), Array("=".utf8),
        Array("next=".utf8), Array("state=".utf8), Array("code=".utf8), Array("limit=".utf8), Array("\"<>".utf8), Array("//".utf8),
    ]

    static let rawText = Gen<[UInt8]?>.element(of: rawFragments).map { $0 ?? [] }.array(of: 1...10).map { Array($0.joined()) }

    @Test(
        "raw invalid UTF-8 and control bytes on the wire: a 4xx with a message (or a closed connection), never a 500",
        .timeLimit(.minutes(2)))
    func rawBytes() async throws {
        try await AppHarness.run { app in
            let signedIn = app.browser()
            try await app.signIn(signedIn)
            let cookie = try #require(signedIn.sessionCookie)
            let port = try #require(Int(app.appBase.split(separator: ":").last ?? ""))
            await propertyCheck(count: 50, input: Self.rawText, Self.route) { bytes, route in
                let requests: [[UInt8]] = [
                    RawWire.request(target: Array(route.utf8) + Array("?".utf8) + bytes, headers: []),
                    RawWire.request(target: Array(route.utf8), headers: [Array("Cookie: encore_session=".utf8) + bytes]),
                    RawWire.request(
                        target: Array(route.utf8), headers: [Array("Cookie: encore_session=\(cookie)".utf8), Array("Cache-Control: ".utf8) + bytes]),
                    RawWire.request(target: Array("/login?next=/".utf8) + bytes, headers: []),
                ]
                for request in requests {
                    let answer = await RawWire.exchange(port: port, request)
                    #expect((answer.status ?? 400) < 500, "\(route) with \(bytes) answered \(answer.status.map(String.init) ?? "nothing")")
                    if let status = answer.status, status >= 400 {
                        #expect(answer.hasMessage, "\(route) with \(bytes) answered \(status) without a message")
                    }
                }
            }
            #expect(try await signedIn.get("/api/me").status == 200)
        }
    }

    @Test(
        "oversized requests are refused with a 4xx and a message (or a closed connection), and the server keeps serving",
        .timeLimit(.minutes(2)))
    func oversized() async throws {
        try await AppHarness.run { app in
            let signedIn = app.browser()
            try await app.signIn(signedIn)
            let cookie = try #require(signedIn.sessionCookie)
            let port = try #require(Int(app.appBase.split(separator: ":").last ?? ""))
            let megabyte = [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20)
            let cases: [(String, [UInt8])] = [
                ("a 1 MiB request target", RawWire.request(target: Array("/top/tracks?q=".utf8) + megabyte, headers: [])),
                ("a 1 MiB header", RawWire.request(target: Array("/".utf8), headers: [Array("X-Big: ".utf8) + megabyte])),
                ("a 1 MiB cookie", RawWire.request(target: Array("/api/me".utf8), headers: [Array("Cookie: encore_session=".utf8) + megabyte])),
                ("10,000 headers", RawWire.request(target: Array("/".utf8), headers: (0..<10_000).map { Array("X-H\($0): v".utf8) })),
                (
                    "a 16 MiB form",
                    RawWire.request(
                        method: "POST", target: Array("/playlists/from-top".utf8),
                        headers: [Array("Cookie: encore_session=\(cookie)".utf8), Array("Content-Type: application/x-www-form-urlencoded".utf8)],
                        body: [UInt8](repeating: UInt8(ascii: "a"), count: 16 << 20)
                    )
                ),
            ]
            for (name, request) in cases {
                let answer = await RawWire.exchange(port: port, request)
                #expect((answer.status ?? 400) < 500, "\(name) answered \(answer.status.map(String.init) ?? "nothing")")
                #expect(answer.status == nil || answer.hasMessage, "\(name) answered without a message")
                if name.hasSuffix("form") {
                    #expect(answer.status == 413)
                    #expect(answer.text.contains("larger than Encore accepts"))
                }
                #expect(try await signedIn.get("/api/me").status == 200, "after \(name)")
            }
            #expect(app.emulator.counters.requests["POST /v1/me/playlists 201"] == nil)
        }
    }
}

/// A client that writes bytes exactly as given, so tests can send what HTTP clients refuse to.
enum RawWire {
    struct Answer {
        /// The status of the first response, or `nil` when the server closed without one.
        var status: Int?
        var text: String

        /// Whether the answer has a body a person can read (the part after the blank line).
        var hasMessage: Bool {
            guard let end = text.range(of: "\r\n\r\n") else { return false }
            return text[end.upperBound...].contains { $0.isLetter }
        }
    }

    static func request(method: String = "GET", target: [UInt8], headers: [[UInt8]], body: [UInt8] = []) -> [UInt8] {
        var bytes = Array("\(method) ".utf8) + target + Array(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n".utf8)
        for header in headers { bytes += header + Array("\r\n".utf8) }
        if !body.isEmpty { bytes += Array("Content-Length: \(body.count)\r\n".utf8) }
        return bytes + Array("\r\n".utf8) + body
    }

    /// Sends `bytes` and reads until the server closes; a refused write still reads what came back.
    static func exchange(port: Int, _ bytes: [UInt8]) async -> Answer {
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
            let received = try await channel.executeThenClose { inbound, outbound in
                try? await outbound.write(ByteBuffer(bytes: bytes))
                var received = ByteBuffer()
                do {
                    for try await chunk in inbound { received.writeImmutableBuffer(chunk) }
                } catch {
                    // A reset after the answer still leaves the answer.
                }
                return received
            }
            let text = String(decoding: received.readableBytesView, as: UTF8.self)
            let statusLine = text.prefix { $0 != "\r" }.split(separator: " ")
            let status = statusLine.count >= 2 && statusLine[0].hasPrefix("HTTP/") ? Int(statusLine[1]) : nil
            return Answer(status: status, text: text)
        } catch {
            return Answer(status: nil, text: "")
        }
    }
}
