import Foundation
import LedgerStore
import Postgres
import ReconcilerCore
import TestSupport
import WireFormat

/// A generated world that can be loaded into several databases: the simulator serves the
/// payments, and the web-app ledger it wrote (COPY files plus expected.json) stays on disk until
/// `close()`, so two databases can start from exactly the same ledger.
final class ChaosWorld {
    typealias World = ReconciliationWorldTests

    let simulator: SimulatorProcess
    let expected: World.Expected
    private let folder: URL

    private init(simulator: SimulatorProcess, expected: World.Expected, folder: URL) {
        self.simulator = simulator
        self.expected = expected
        self.folder = folder
    }

    /// Generates `payments` payments ending at `end` (no duplicate grants, which would stop the
    /// unique-index migration) with the extra simulator flags `extra`.
    static func generate(
        payments: Int, seed: Int, end: RFC3339.Timestamp, extra: [String] = []
    ) async throws -> ChaosWorld {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("chaos-\(UUID().uuidString)")
        let simulator = try await SimulatorProcess.start(
            secret: "chaos-secret-\(seed)",
            arguments: [
                "--generate", "\(payments)", "--seed", "\(seed)", "--until", RFC3339.format(end), "--ledger-out",
                folder.path, "--duplicate-grant-rate", "0",
            ] + extra)
        do {
            let expected = try JSONDecoder().decode(
                World.Expected.self, from: Data(contentsOf: folder.appendingPathComponent("expected.json")))
            return ChaosWorld(simulator: simulator, expected: expected, folder: folder)
        } catch {
            simulator.stop()
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
    }

    /// Loads the ledger into `database` with COPY and applies the reconciler's migrations.
    func load(into database: TestDatabase) throws {
        let connection = try database.connect()
        defer { connection.close() }
        _ = try AppLedgerCopyFiles.load(from: folder, into: connection)
        _ = try Migrator(connection: connection).migrate()
    }

    /// The injected mistakes of `kind`.
    func mistakes(_ kind: String) -> [World.Mistake] {
        expected.mistakes.filter { $0.kind == kind }
    }

    /// Stops the simulator and deletes the ledger files.
    func close() {
        simulator.stop()
        try? FileManager.default.removeItem(at: folder)
    }

    deinit { close() }
}
