// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Encore",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "SpotifyWebAPI", targets: ["SpotifyWebAPI"]),
        .library(name: "SpotifyWebAPITesting", targets: ["SpotifyWebAPITesting"]),
        .library(name: "SpotifyEmulator", targets: ["SpotifyEmulator"]),
        .library(name: "EncoreServer", targets: ["EncoreServer"]),
        .executable(name: "encore", targets: ["encore"]),
    ],
    // What a package that only adopts the libraries need not fetch (docs/library.md, "Cheap to
    // adopt"). This repository builds with the defaults, so `swift run encore` needs nothing
    // more; a dependent that wants SpotifyWebAPI alone declares `traits: []`, and one that tests
    // with the emulator `traits: ["Emulator"]`.
    traits: [
        .trait(name: "Emulator", description: "The SpotifyEmulator library and Hummingbird, which it serves with."),
        .trait(
            name: "App", description: "The Encore app and command line, with PostgreSQL, SQLite, templates and metrics export.",
            enabledTraits: ["Emulator"]),
        .default(enabledTraits: ["App"]),
    ],
    dependencies: [
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.30.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.34.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.27.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.20.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.3.0"),
        .package(url: "https://github.com/vapor/sql-kit", from: "3.30.0"),
        .package(url: "https://github.com/vapor/sqlite-kit", from: "4.5.0"),
        .package(url: "https://github.com/vapor/postgres-kit", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.0"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
        // `swift package generate-documentation` (scripts/docs); a plugin, so nothing links it.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // zlib, for reading the export ZIP with inflation Encore bounds itself (docs/security.md).
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
        .target(
            name: "SpotifyWebAPI",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        // What tests of code built on SpotifyWebAPI need: a clock whose time moves when told to.
        .target(
            name: "SpotifyWebAPITesting",
            dependencies: ["SpotifyWebAPI"]
        ),
        .target(
            name: "SpotifyEmulator",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird", condition: .when(traits: ["Emulator"])),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "EncoreServer",
            dependencies: [
                "SpotifyWebAPI",
                .product(name: "Hummingbird", package: "hummingbird", condition: .when(traits: ["App"])),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SQLKit", package: "sql-kit", condition: .when(traits: ["App"])),
                .product(name: "SQLiteKit", package: "sqlite-kit", condition: .when(traits: ["App"])),
                .product(name: "PostgresKit", package: "postgres-kit", condition: .when(traits: ["App"])),
                .product(name: "NIOSSL", package: "swift-nio-ssl", condition: .when(traits: ["App"])),
                .product(name: "Mustache", package: "swift-mustache", condition: .when(traits: ["App"])),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus", condition: .when(traits: ["App"])),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle", condition: .when(traits: ["App"])),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras", condition: .when(traits: ["App"])),
                "CZlib",
                .product(name: "MultipartKit", package: "multipart-kit", condition: .when(traits: ["App"])),
            ]
        ),
        .executableTarget(
            name: "encore",
            dependencies: [
                "SpotifyWebAPI",
                "SpotifyEmulator",
                "EncoreServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser", condition: .when(traits: ["App"])),
                .product(name: "Hummingbird", package: "hummingbird", condition: .when(traits: ["App"])),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle", condition: .when(traits: ["App"])),
            ]
        ),
        .testTarget(
            name: "SpotifyWebAPITests",
            dependencies: [
                "SpotifyWebAPI",
                "SpotifyWebAPITesting",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "SpotifyEmulatorTests",
            dependencies: [
                "SpotifyEmulator",
                "SpotifyWebAPI",
                "SpotifyWebAPITesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(
            name: "EncoreServerTests",
            dependencies: [
                "EncoreServer",
                "SpotifyEmulator",
                "SpotifyWebAPI",
                "SpotifyWebAPITesting",
                "CZlib",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "PropertyBased", package: "swift-property-based"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "EncoreCommandTests",
            dependencies: [
                "encore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
    ]
)
