// swift-tools-version: 6.1
// The tutorial's app: sign in with Spotify and show your top tracks, in a Hummingbird server
// that uses only the SpotifyWebAPI library. Its test signs in against the SpotifyEmulator.
import PackageDescription

let package = Package(
    name: "TopTracks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // The emulator, for the tests, and nothing of Encore's app (docs/library.md).
        .package(name: "Encore", path: "../..", traits: ["Emulator"]),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.20.0"),
    ],
    targets: [
        .target(
            name: "TopTracksApp",
            dependencies: [
                .product(name: "SpotifyWebAPI", package: "Encore"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        .executableTarget(name: "TopTracks", dependencies: ["TopTracksApp"]),
        .testTarget(
            name: "TopTracksTests",
            dependencies: [
                "TopTracksApp",
                .product(name: "SpotifyEmulator", package: "Encore"),
                .product(name: "SpotifyWebAPITesting", package: "Encore"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ]
)
