import Configuration
import Foundation
import Testing

@testable import SpotifyWebAPI

@Suite("Configuration and redirect URIs")
struct ConfigurationTests {
    @Test(
        "Spotify's accepted redirect URIs pass",
        arguments: [
            "https://example.com/callback", "http://127.0.0.1:8000/callback", "http://[::1]:8000/callback",
            "http://127.0.0.1/callback", "com.example.app:/callback",
        ])
    func accepted(uri: String) throws {
        let redirect = try RedirectURI(uri)
        #expect(redirect.url.absoluteString == uri)
    }

    @Test(
        "localhost is refused with the loopback address to use instead",
        arguments: [
            "http://localhost:9000/callback", "https://localhost/callback", "http://LOCALHOST:9000/cb",
        ])
    func localhostRefused(uri: String) {
        let error = #expect(throws: SpotifyConfigurationError.self) { try RedirectURI(uri) }
        #expect(error?.message.contains("127.0.0.1") == true)
        #expect(error?.key == "redirect.uri")
    }

    @Test(
        "insecure or malformed redirect URIs are refused",
        arguments: [
            "http://example.com/callback", "http://192.168.1.5:9000/callback", "https://example.com/cb#frag", "/callback", "",
        ])
    func refused(uri: String) {
        #expect(throws: SpotifyConfigurationError.self) { try RedirectURI(uri) }
    }

    @Test("loopback and secure flags")
    func flags() throws {
        #expect(try RedirectURI("http://127.0.0.1:9000/callback").isLoopback)
        #expect(try RedirectURI("http://[::1]:9000/callback").isLoopback)
        #expect(try !RedirectURI("https://example.com/cb").isLoopback)
        #expect(try RedirectURI("https://example.com/cb").isSecure)
    }

    @Test("reads every key from a config reader, the secret included")
    func readsConfiguration() throws {
        let reader = ConfigReader(
            provider: InMemoryProvider(values: [
                "spotify.client.id": "id-1",
                "spotify.client.secret": .init(.string("secret-1"), isSecret: true),
                "spotify.redirect.uri": "http://127.0.0.1:9100/callback",
                "spotify.scopes": "user-top-read user-read-email",
                "spotify.accounts.url": "http://127.0.0.1:9100",
                "spotify.api.url": "http://127.0.0.1:9100/v1",
                "spotify.timeout": 2.5,
                "spotify.retry.budget": 5.0,
            ]))
        let configuration = try SpotifyClientConfiguration(reader: reader.scoped(to: "spotify"))
        #expect(configuration.clientID == "id-1")
        #expect(configuration.clientSecret?.rawValue == "secret-1")
        #expect(configuration.redirectURI?.url.absoluteString == "http://127.0.0.1:9100/callback")
        #expect(configuration.scopes == [.userTopRead, .userReadEmail])
        #expect(configuration.accountsBaseURL.absoluteString == "http://127.0.0.1:9100")
        #expect(configuration.apiBaseURL.absoluteString == "http://127.0.0.1:9100/v1")
        #expect(configuration.timeout == .milliseconds(2500))
        #expect(configuration.retry.rateLimitBudget == .seconds(5))
    }

    @Test("defaults point at the real Spotify")
    func defaults() throws {
        let reader = ConfigReader(provider: InMemoryProvider(values: ["client.id": "id-1"]))
        let configuration = try SpotifyClientConfiguration(reader: reader)
        #expect(configuration.accountsBaseURL == URL(string: "https://accounts.spotify.com"))
        #expect(configuration.apiBaseURL == URL(string: "https://api.spotify.com/v1"))
        #expect(configuration.clientSecret == nil)
        #expect(configuration.scopes == SpotifyClientConfiguration.defaultScopes)
    }

    @Test("a missing client id or a localhost redirect stops configuration with a message")
    func configurationErrors() {
        let missing = #expect(throws: SpotifyConfigurationError.self) {
            try SpotifyClientConfiguration(reader: ConfigReader(provider: InMemoryProvider(values: [:])))
        }
        #expect(missing?.key == "client.id")
        let localhost = #expect(throws: SpotifyConfigurationError.self) {
            try SpotifyClientConfiguration(
                reader: ConfigReader(
                    provider: InMemoryProvider(values: [
                        "client.id": "x", "redirect.uri": "http://localhost:9000/callback",
                    ])))
        }
        #expect(localhost?.description.contains("http://127.0.0.1:9000/callback") == true)
    }
}
