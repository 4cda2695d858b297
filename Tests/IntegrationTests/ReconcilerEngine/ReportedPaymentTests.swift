import Foundation
import LedgerStore
import ReconcilerCore
import ReconcilerEngine
import Reports
import TestSupport
import Testing
import WireFormat

/// The report lists each fix with its payment as the run last fetched it: the scan's copy waits
/// in the repair queue, and a payment that changed before its re-fetch is stored again.
@Suite struct ReportedPaymentTests {
    typealias World = ReconciliationWorldTests
    typealias Faults = APIFaultEndStateTests

    @Test func aPaymentRenamedBeforeItsRepairIsReportedAsFetchedAgain() async throws {
        let world = try await ChaosWorld.generate(payments: Faults.payments, seed: 95, end: World.worldEnd)
        defer { world.close() }
        let missed = Set(world.mistakes("MISSED_GRANT").compactMap(\.paymentId))
        var renamed: [[String: Any]] = []
        var originalNames: [String: String] = [:]
        for (index, id) in missed.sorted().enumerated() {
            var payment = try await world.simulator.control(.get, "/payments/\(id)")
            originalNames[id] = payment["orderName"] as? String
            // Every other one: the rest must keep the scan's copy.
            guard index % 2 == 0 else { continue }
            payment["orderName"] = "renamed \(id)"
            renamed.append(payment)
        }
        try #require(renamed.count >= 5)
        let renamedIds = Set(renamed.compactMap { $0["id"] as? String })
        try await TestDatabase.withFresh(schema: .app) { database in
            try world.load(into: database)
            let (result, before) = try await Faults.run(world, database, replacingAtFirstRepair: renamed)
            let connection = try database.connect()
            defer { connection.close() }
            let stored = try #require(try RunRecorder(connection: connection).report(runId: result.runId))
            let fixes = try JSONValue.parse(Data(stored.utf8))["fixes"].arrayValue
            let grants = fixes.filter { $0["kind"].stringValue == "MISSED_GRANT" }
            #expect(grants.count == missed.count, "every missed grant is repaired whatever its name")
            var fetchedBeforeTheChange = 0
            for (position, fix) in grants.enumerated() {
                let id = try #require(fix["paymentId"].stringValue)
                let name = fix["payment"]["orderName"].stringValue
                if renamedIds.contains(id), name != "renamed \(id)" {
                    // Written or fetched ahead before the rename landed.
                    #expect(name == originalNames[id] && position < before + Faults.fetchedAhead, "\(fix)")
                    fetchedBeforeTheChange += 1
                } else if !renamedIds.contains(id) {
                    #expect(name == originalNames[id], "\(fix)")
                }
                #expect(fix["payment"]["package"]["id"].stringValue != nil, "\(fix)")
            }
            #expect(fetchedBeforeTheChange < renamedIds.count, "some renamed payments must show the new name")
            #expect(
                try connection.queryFirst("SELECT count(*) AS n FROM reconciler.run_repair")!.decode("n") == Int64(0))
        }
    }
}
