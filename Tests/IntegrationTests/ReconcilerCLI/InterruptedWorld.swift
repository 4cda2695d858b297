import Foundation
import ReconcilerCore
import TestSupport
import WireFormat

extension ChaosWorld {
    /// The setting of the tests that interrupt a run: a world in which every paid live payment
    /// lost its grant (`--lost-grant-rate 1`), ending an hour ago, a run configuration file, and
    /// the world's ledger loaded into two fresh databases: `reference`, for one uninterrupted
    /// run, and `copy`, the one the test interrupts.
    static func withReferenceAndCopy(
        payments: Int, seed: Int,
        _ body: (_ world: ChaosWorld, _ config: URL, _ reference: TestDatabase, _ copy: TestDatabase) async throws ->
            Void
    ) async throws {
        let end = RFC3339.Timestamp(Date().addingTimeInterval(-3600))
        let world = try await generate(payments: payments, seed: seed, end: end, extra: ["--lost-grant-rate", "1"])
        defer { world.close() }
        let config = try RunCommandTests.configFile()
        defer { try? FileManager.default.removeItem(at: config) }
        try await TestDatabase.withFresh(schema: .app) { reference in
            try await TestDatabase.withFresh(schema: .app) { copy in
                try world.load(into: reference)
                try world.load(into: copy)
                try await body(world, config, reference, copy)
            }
        }
    }
}
