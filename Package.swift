// swift-tools-version: 6.1
import Foundation
import PackageDescription

let package = Package(
    name: "concertd",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "concertd", targets: ["concertd"]),
        .executable(name: "concertctl", targets: ["concertctl"]),
        .library(name: "ConcertCore", targets: ["ConcertCore"]),
        .library(name: "ConcertProtocol", targets: ["ConcertProtocol"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        // The metrics listener (/metrics, /healthz): Hummingbird's HTTP server and swift-prometheus'
        // registry and exposition (which brings swift-metrics). Only concertd links them (ConcertMetrics).
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        // Already in Hummingbird's graph (nothing more to build), named for the listener's life cycle
        // (its event loop thread, bind errors, the service group it runs in) and its HTTP types.
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // HMAC-SHA256 and random bytes for signed generic webhooks: OpenSSL's libcrypto is already on
        // every machine that has libcurl, and costs no build time (swift-crypto adds 1-1.5 min per clean build).
        .systemLibrary(
            name: "CCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // PostgreSQL's client library, for the shared store (`database_url`): a system library costs
        // no build time, and its synchronous calls fit the scheduler's serial queue
        // (docs/postgresql.md has the measurements against PostgresNIO).
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        // What the daemon and the CLI share besides the protocol, so that concertctl does not link
        // ConcertCore (GRDB, libcurl): Korea time and its one reader of times, JSON values, whitespace trimming.
        .target(name: "ConcertShared"),
        .target(
            name: "ConcertCore",
            dependencies: [
                "CCrypto",
                "CCurl",
                "ConcertShared",
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C API, for the outbox's and the bulk import's statements (`BoundStatement`).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            // The message templates, embedded in the binary: one copy, the files of etc/concertd/templates
            // (each linked from Channels/Messages/Templates), which `make install` also installs.
            resources: [
                .embedInCode("Channels/Messages/Templates/cancellation.en.mustache"),
                .embedInCode("Channels/Messages/Templates/cancellation.ko.mustache"),
                .embedInCode("Channels/Messages/Templates/change.en.mustache"),
                .embedInCode("Channels/Messages/Templates/change.ko.mustache"),
                .embedInCode("Channels/Messages/Templates/confirmation.en.mustache"),
                .embedInCode("Channels/Messages/Templates/confirmation.ko.mustache"),
                .embedInCode("Channels/Messages/Templates/new_concert.en.mustache"),
                .embedInCode("Channels/Messages/Templates/new_concert.ko.mustache"),
                .embedInCode("Channels/Messages/Templates/reminder.en.mustache"),
                .embedInCode("Channels/Messages/Templates/reminder.ko.mustache"),
                .embedInCode("Channels/Messages/Templates/test.en.mustache"),
                .embedInCode("Channels/Messages/Templates/test.ko.mustache"),
            ]
        ),
        .target(name: "ConcertProtocol", dependencies: ["ConcertShared"]),
        // The PostgreSQL store (`database_url`): libpq's client and the store protocols of ConcertCore
        // implemented on it. Only concertd links it; concertctl stays free of libpq.
        .target(
            name: "ConcertPostgres",
            dependencies: ["CLibPQ", "ConcertCore", .product(name: "Logging", package: "swift-log")]
        ),
        // The operator's metrics and health listener: the metric definitions (swift-metrics over a
        // Prometheus registry, one per daemon) and the Hummingbird server that serves them.
        .target(
            name: "ConcertMetrics",
            dependencies: [
                "ConcertCore",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The web front door: pages, forms and one-click unsubscribe on Hummingbird's router. What it
        // needs from the store is its own protocol (`WebStore`), which the daemon implements.
        .target(
            name: "ConcertWeb",
            dependencies: [
                "ConcertCore",
                "ConcertShared",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "ConcertDaemon",
            dependencies: [
                "ConcertCore",
                "ConcertMetrics",
                // The PostgreSQL store (`database_url`): concertd links libpq; concertctl does not
                // link ConcertDaemon, so it stays free of it.
                "ConcertPostgres",
                "ConcertProtocol",
                "ConcertShared",
                "ConcertWeb",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "concertd",
            dependencies: [
                "ConcertCore",
                "ConcertDaemon",
                "ConcertProtocol",
                "ConcertShared",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "concertctl",
            dependencies: [
                "ConcertProtocol",
                "ConcertShared",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "StoreScale", dependencies: ["ConcertCore"], path: "Benchmarks/StoreScale"),
        .executableTarget(
            name: "SchedulerCycle", dependencies: ["ConcertCore", .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/SchedulerCycle"),
        .executableTarget(name: "RawCurlMulti", dependencies: ["CCurl"], path: "Benchmarks/RawCurlMulti"),
        .executableTarget(
            name: "PostgresClaims", dependencies: ["ConcertCore", "ConcertPostgres"], path: "Benchmarks/PostgresClaims"),
        .executableTarget(
            name: "PostgresImport", dependencies: ["ConcertCore", "ConcertPostgres"], path: "Benchmarks/PostgresImport"),
        .testTarget(
            name: "ConcertCoreTests",
            dependencies: ["CCurl", "ConcertCore", .product(name: "GRDB", package: "GRDB.swift")],
            // Golden files are read by path from the source tree (so GOLDEN_RECORD=1 can rewrite them).
            exclude: ["Golden"]
        ),
        // A throwaway PostgreSQL cluster for the tests of both engines (Tests/EndToEnd/harness/postgres.py).
        .target(name: "PostgresTestSupport", dependencies: ["ConcertCore"], path: "Tests/PostgresTestSupport"),
        .testTarget(
            name: "ConcertPostgresTests",
            // GRDB: the SQLite side of the suites that run on both engines reaches around the store.
            dependencies: [
                "ConcertCore", "ConcertPostgres", "PostgresTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(name: "ConcertMetricsTests", dependencies: ["ConcertCore", "ConcertMetrics"]),
        .testTarget(name: "ConcertProtocolTests", dependencies: ["ConcertProtocol", "ConcertShared"]),
        .testTarget(name: "ConcertSharedTests", dependencies: ["ConcertShared"]),
        .testTarget(
            name: "ConcertWebTests",
            dependencies: ["ConcertCore", "ConcertWeb", .product(name: "Hummingbird", package: "hummingbird")]
        ),
        .target(
            name: "FuzzTargets",
            dependencies: [
                "ConcertCore", "ConcertDaemon", "ConcertProtocol", .product(name: "Logging", package: "swift-log"),
            ],
            path: "Fuzz/FuzzTargets"),
        .testTarget(name: "FuzzCorpusTests", dependencies: ["FuzzTargets"]),
        .testTarget(
            name: "ConcertDaemonTests",
            dependencies: [
                "ConcertDaemon", "ConcertCore", "ConcertMetrics", "ConcertPostgres", "ConcertProtocol", "ConcertShared",
                "PostgresTestSupport", "concertctl", "concertd",
                // A second connection to a daemon's database: holding its lock, reading a backup.
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
    ]
)

// libFuzzer drivers, only when `make fuzz` asks for them: they link libFuzzer's runtime, which
// an ordinary build has no use for.
if ProcessInfo.processInfo.environment["CONCERTD_FUZZ"] != nil {
    package.targets += [
        .executableTarget(name: "FuzzControl", dependencies: ["FuzzTargets"], path: "Fuzz/FuzzControl"),
        .executableTarget(name: "FuzzLoaders", dependencies: ["FuzzTargets"], path: "Fuzz/FuzzLoaders"),
    ]
}

// Settings shared by every target, applied in one place.
for target in package.targets where target.type != .system {
    target.swiftSettings =
        (target.swiftSettings ?? []) + [
            .swiftLanguageMode(.v6),
            .enableUpcomingFeature("ExistentialAny"),
        ]
}
