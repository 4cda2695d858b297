// swift-tools-version:6.0
import PackageDescription

/// credit-reconciler: keeps a prepaid-credit ledger honest against PortOne V2.
///
/// Floors (a module imports only the floor below it, never one it skips):
///
///     credit-reconciler → ReconcilerCLI → ReconcilerEngine → {ReconcilerCore, PortOne, LedgerStore, Reports}
///                                                            → {HTTP, Postgres} → {CCurl, CLibPQ}
///
/// - `CCurl` → `HTTP`            libcurl transport, the only importer of CCurl
/// - `CLibPQ` → `Postgres`       libpq connection layer, the only importer of CLibPQ
/// - `CProcessControl` → `ReconcilerCLI`  a typed prctl(2) wrapper (core dump guard)
/// - `WireFormat`                the bottom floor, no dependencies: the byte-level JSON scanner, `JSONValue`
///                               with its parser and serializer, RFC 3339 and the calendar arithmetic, SHA-256
/// - `ReconcilerCore`            pure domain and decision logic: no I/O, no C
/// - `PortOne`                   PortOne V2 models, tolerant decoding, API client, scans (over HTTP)
/// - `LedgerStore`               the ledger and the reconciler's own schema and migrations: every SQL
///                               statement, and the only importer of Postgres (`LedgerDatabase` opens sessions)
/// - `Reports`                   reports for finance, metrics for monitoring, the notification (over HTTP)
/// - `ReconcilerEngine`          one run: scan PortOne, read the ledger, decide, repair, record; and what
///                               the other commands need from the database (`ReconcilerDatabase`)
/// - `FinanceConsole`            the finance console (DESIGN §10): pages and forms over the engine's database
///                               calls, on LoopbackHTTP
/// - `ReconcilerCLI`             command line parsing and the commands, over the engine only
/// - `credit-reconciler`         thin executable over ReconcilerCLI
/// - `LoopbackHTTP`              the HTTP/1.1 server of the simulator and the console (loopback or Unix socket
///                               only; size, count, time and method limits)
/// - `PortOneSimulator` / `portone-simulator`  a local PortOne V2 for demo, tests, benchmark
/// - `reconciler-benchmark`      a tool: the engine measured, and a naive baseline with its own SQL
/// - `reconciler-fuzz`           fuzz target for the decoder and the config parser (scripts/fuzz)
/// - `TestSupport`               shared test helpers (throwaway databases, simulator process, the web app's
///                               webhook stand-in, which reuses the simulator's HTTP server and signer)
let package = Package(
    name: "credit-reconciler",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "credit-reconciler", targets: ["credit-reconciler"]),
        .executable(name: "portone-simulator", targets: ["portone-simulator"]),
    ],
    targets: [
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        // prctl(2) for ReconcilerCLI's core dump guard (variadic in C, so Swift needs a wrapper).
        .systemLibrary(name: "CProcessControl"),
        .target(name: "HTTP", dependencies: ["CCurl"]),
        .target(name: "WireFormat"),
        // One line per event on stderr, journald priorities, secrets redacted: used by every floor above.
        .target(name: "Logging", dependencies: ["WireFormat"]),
        .target(name: "Postgres", dependencies: ["CLibPQ", "WireFormat"]),
        .target(name: "ReconcilerCore", dependencies: ["WireFormat"]),
        .target(name: "PortOne", dependencies: ["HTTP", "ReconcilerCore", "WireFormat"]),
        .target(name: "LedgerStore", dependencies: ["Postgres", "ReconcilerCore", "WireFormat"]),
        .target(
            name: "ReconcilerEngine",
            dependencies: ["ReconcilerCore", "PortOne", "LedgerStore", "Reports", "Logging", "WireFormat"]),
        .target(name: "Reports", dependencies: ["ReconcilerCore", "HTTP", "WireFormat"]),
        // The finance console: pages over the engine's database calls, on the loopback server.
        .target(
            name: "FinanceConsole",
            dependencies: ["LoopbackHTTP", "ReconcilerCore", "ReconcilerEngine", "Reports", "WireFormat"]),
        .target(
            name: "ReconcilerCLI",
            dependencies: [
                "ReconcilerCore", "ReconcilerEngine", "FinanceConsole", "Logging", "CProcessControl", "WireFormat",
            ]
        ),
        .executableTarget(name: "credit-reconciler", dependencies: ["ReconcilerCLI"]),
        // The HTTP/1.1 server of the simulator and the console: loopback or a Unix socket only, hardened.
        .target(name: "LoopbackHTTP"),
        .target(name: "PortOneSimulator", dependencies: ["ReconcilerCore", "LoopbackHTTP", "WireFormat"]),
        .executableTarget(name: "portone-simulator", dependencies: ["PortOneSimulator"]),
        .executableTarget(
            name: "reconciler-benchmark",
            dependencies: ["ReconcilerCore", "ReconcilerEngine", "PortOne", "LedgerStore", "Postgres", "WireFormat"]),
        // libFuzzer target for the payment decoder and the configuration parser (scripts/fuzz).
        .executableTarget(name: "reconciler-fuzz", dependencies: ["PortOne", "ReconcilerCore", "WireFormat"]),
        .target(
            name: "TestSupport",
            dependencies: [
                "Postgres", "LedgerStore", "ReconcilerCore", "PortOne", "HTTP", "PortOneSimulator", "WireFormat",
            ],
            path: "Sources/TestSupport"
        ),
        .testTarget(name: "WireFormatTests", dependencies: ["WireFormat"]),
        .testTarget(name: "ReconcilerCoreTests", dependencies: ["ReconcilerCore", "WireFormat"]),
        .testTarget(name: "PortOneTests", dependencies: ["PortOne", "ReconcilerCore", "WireFormat"]),
        .testTarget(name: "ReconcilerCLITests", dependencies: ["ReconcilerCLI", "WireFormat"]),
        .testTarget(name: "LoggingTests", dependencies: ["Logging"]),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP"]),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "WireFormat"]),
        .testTarget(name: "LedgerStoreTests", dependencies: ["LedgerStore", "WireFormat"]),
        .testTarget(
            name: "ReportsTests", dependencies: ["Reports", "ReconcilerCore", "TestSupport", "WireFormat"],
            exclude: ["Golden"]),
        .testTarget(name: "PortOneSimulatorTests", dependencies: ["PortOneSimulator", "TestSupport", "WireFormat"]),
        .testTarget(name: "LoopbackHTTPTests", dependencies: ["LoopbackHTTP"]),
        .testTarget(name: "FinanceConsoleTests", dependencies: ["FinanceConsole", "LoopbackHTTP", "ReconcilerCore"]),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "Postgres", "LedgerStore", "PortOne", "HTTP", "PortOneSimulator", "ReconcilerCLI", "ReconcilerEngine",
                "ReconcilerCore", "TestSupport", "Reports", "Logging", "WireFormat", "FinanceConsole", "LoopbackHTTP",
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
