import Foundation
import LedgerStore
import PortOne
import Postgres
import ReconcilerCore
import ReconcilerEngine
import WireFormat

/// `reconciler-benchmark engine|baseline|load`: one measured reconciliation against the
/// database in `DATABASE_URL` and the PortOne (simulator) at `PORTONE_API_BASE_URL`, or loading a
/// simulator ledger. Prints one `key=value` line of figures on standard output.
///
/// The world is the one the simulator generates with `--until 2026-11-01T00:00:00Z`: the run's
/// clock stands an hour later and looks back 40 days, so every payment is in the window.
enum BenchmarkCommand {
    /// The catalog the simulator sells.
    static let catalog = [
        CreditPackage(id: "starter", name: "스타터", price: 10_000, currency: "KRW", credits: 100),
        CreditPackage(id: "basic", name: "베이직", price: 30_000, currency: "KRW", credits: 330),
        CreditPackage(id: "pro", name: "프로", price: 50_000, currency: "KRW", credits: 600),
        CreditPackage(id: "business", name: "비즈니스", price: 100_000, currency: "KRW", credits: 1300),
    ]
    /// The generated world's end (pass the same `--until` to the simulator).
    static let worldEnd = RFC3339.timestamp("2026-11-01T00:00:00Z")!
    /// The run's clock.
    static let clock = worldEnd.adding(nanoseconds: 3600 * 1_000_000_000)

    /// The usage text.
    static let usage = """
        usage: reconciler-benchmark engine|engine-status-scan|baseline
                                                 one run, figures on stdout (engine-status-scan:
                                                 the engine without PortOne's journal)
               reconciler-benchmark load LEDGER_DIR      app schema + COPY ledger + migrations
               reconciler-benchmark migrate              the reconciler's migrations
               reconciler-benchmark audit SINCE SLICES   the balance audit: every user against
                                                 a window from SINCE and one of SLICES slices
        environment: DATABASE_URL, PORTONE_API_BASE_URL, PORTONE_API_SECRET, PORTONE_STORE_ID
        """

    /// Runs the command; returns the exit status (64 for a usage error, 1 for a failure).
    static func main(_ arguments: [String]) async -> Int32 {
        do {
            switch arguments.first {
            case "engine":
                print(try await BenchmarkFigures.measure(mode: "engine") { try await engineRun() }.line)
            case "engine-status-scan":
                print(
                    try await BenchmarkFigures.measure(mode: "engine-status-scan") {
                        try await engineRun(readsEventsFeed: false)
                    }.line)
            case "baseline":
                print(
                    try await BenchmarkFigures.measure(mode: "baseline") {
                        try await BaselineRun(setup: try setup(decoder: FoundationPortOneDecoder())).run()
                    }.line)
            case "load" where arguments.count == 2:
                try load(URL(fileURLWithPath: arguments[1]))
            case "migrate" where arguments.count == 1:
                let session = try LedgerDatabase(parsing: try setupURL()).open()
                defer { session.close() }
                _ = try session.migrator.migrate()
            case "audit" where arguments.count == 3:
                try AuditCost.main(since: arguments[1], slices: arguments[2])
            default:
                FileHandle.standardError.write(Data((usage + "\n").utf8))
                return 64
            }
            return 0
        } catch {
            FileHandle.standardError.write(Data("reconciler-benchmark: \(error)\n".utf8))
            return 1
        }
    }

    /// What both runs need.
    struct Setup {
        /// The database holding the ledger.
        var database: LedgerDatabase
        /// The PortOne client, as the product configures it.
        var client: PortOneClient
        /// The catalog and a policy that applies every repair.
        var configuration: Configuration
        /// Our store.
        var storeId: String
    }

    /// Reads the environment into a setup.
    ///
    /// - Parameter decoder: how PortOne bodies are decoded (the baseline uses `JSONDecoder`).
    static func setup(decoder: any PortOneDecoder = FastPortOneDecoder()) throws -> Setup {
        let environment = ProcessInfo.processInfo.environment
        func required(_ name: String) throws -> String {
            guard let value = environment[name], !value.isEmpty else {
                throw BenchmarkError("set \(name) (scripts/benchmark does)")
            }
            return value
        }
        let storeId = environment["PORTONE_STORE_ID"] ?? "store-00000000-0000-4000-8000-000000000001"
        let client = try PortOneClient(
            configuration: PortOneConfiguration(
                baseURL: try required("PORTONE_API_BASE_URL"),
                secret: PortOneSecret(try required("PORTONE_API_SECRET")),
                storeId: storeId), decoder: decoder)
        var policy = Configuration.Policy()
        policy.initialLookback = 40 * 86_400
        policy.maxFixesPerRun = 10_000_000
        return Setup(
            database: try LedgerDatabase(parsing: try required("DATABASE_URL")), client: client,
            configuration: Configuration(catalog: catalog, policy: policy), storeId: storeId)
    }

    /// The product's engine, as `credit-reconciler run` drives it (no report files);
    /// `readsEventsFeed: false` leaves PortOne's journal unread, to measure what it costs.
    static func engineRun(readsEventsFeed: Bool = true) async throws -> BenchmarkFigures.Run {
        let setup = try setup()
        var settings = ReconciliationEngine.Settings(
            configuration: setup.configuration, storeId: setup.storeId, database: setup.database)
        settings.readsEventsFeed = readsEventsFeed
        let engine = ReconciliationEngine(settings: settings, client: setup.client, now: { clock }, log: eventLog())
        let result = try await engine.run(RunRequest())
        let totals = result.totals
        return BenchmarkFigures.Run(
            payments: totals.paymentsScanned, repairs: totals.fixesApplied,
            apiRequests: totals.apiRequests.values.reduce(0, +), sqlStatements: totals.sqlStatements,
            ledgerRows: totals.ledgerRowsScanned, timings: result.timings)
    }

    /// With `BENCHMARK_LOG` set, the run's events on stderr, each with the seconds since the run
    /// began (where a phase's time goes); else nothing.
    static func eventLog() -> @Sendable (String) -> Void {
        guard ProcessInfo.processInfo.environment["BENCHMARK_LOG"] != nil else { return { _ in } }
        let started = ContinuousClock.now
        return { line in
            let seconds = (ContinuousClock.now - started).seconds
            FileHandle.standardError.write(Data((String(format: "[%6.2f] ", seconds) + line + "\n").utf8))
        }
    }

    /// `DATABASE_URL`.
    static func setupURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["DATABASE_URL"] else {
            throw BenchmarkError("set DATABASE_URL")
        }
        return url
    }

    /// Creates the app's tables, loads the COPY files, applies the migrations.
    static func load(_ directory: URL) throws {
        let environment = ProcessInfo.processInfo.environment
        guard let url = environment["DATABASE_URL"] else { throw BenchmarkError("set DATABASE_URL") }
        let session = try LedgerDatabase(parsing: url).open()
        defer { session.close() }
        let connection = session.connection
        try AppReferenceSchema.apply(to: connection)
        let counts = try AppLedgerCopyFiles.load(from: directory, into: connection)
        _ = try session.migrator.migrate()
        try connection.executeScript(#"VACUUM ANALYZE "User"; "#)
        try connection.executeScript(#"VACUUM ANALYZE "Credit""#)
        try connection.executeScript(#"VACUUM ANALYZE "CreditTransaction""#)
        print(counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
    }
}

/// A benchmark setup problem.
struct BenchmarkError: Error, CustomStringConvertible {
    /// What went wrong and what to do.
    let description: String
    /// Creates an error with its message.
    init(_ description: String) { self.description = description }
}
