import Foundation
import LedgerStore
import PortOne
import Postgres
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

    /// Every repair of a run says why, decided from the payment as PortOne serves it, and the
    /// ledger rows it wrote read as the shop's customers see them.
    @Test func everyFixSaysWhyAndItsLedgerRowSpeaksToTheCustomer() async throws {
        let world = try await ChaosWorld.generate(payments: Faults.payments, seed: 96, end: World.worldEnd)
        defer { world.close() }
        try await TestDatabase.withFresh(schema: .app) { database in
            try world.load(into: database)
            let result = try await World.engine(world.simulator, database).run(RunRequest())
            let connection = try database.connect()
            defer { connection.close() }
            let stored = try #require(try RunRecorder(connection: connection).report(runId: result.runId))
            let fixes = try JSONValue.parse(Data(stored.utf8))["fixes"].arrayValue
            try #require(fixes.contains { $0["kind"].stringValue == "MISSED_GRANT" })
            try #require(fixes.contains { $0["kind"].stringValue == "MISSED_REFUND" })
            for fix in fixes {
                let id = try #require(fix["paymentId"].stringValue)
                let served = try await world.simulator.control(.get, "/payments/\(id)")
                let body = Array(try JSONSerialization.data(withJSONObject: served))
                let facts = try FastPortOneDecoder().decodePayment(body).get().facts
                if fix["kind"].stringValue == "MISSED_GRANT" {
                    let cause = GrantCause.of(facts)
                    #expect(fix["cause"].stringValue == cause.kind.rawValue, "\(fix)")
                    #expect(fix["webhook"] == cause.webhookJSON, "\(fix)")
                    #expect(fix["origin"] == .null)
                } else {
                    let succeeded = facts.cancellations.filter { $0.status == .succeeded }
                    let named = try #require(
                        succeeded.first { $0.id == fix["cancellation"]["id"].stringValue }, "\(fix)")
                    #expect(fix["origin"].stringValue == DeductionOrigin.Kind(trigger: named.trigger).rawValue)
                    #expect(fix["cancellation"]["reason"].stringValue == named.reason)
                    #expect(fix["cause"] == .null)
                }
            }
            let rows = try connection.query(
                #"SELECT type::text AS type, description FROM "CreditTransaction" WHERE id LIKE 'rcn\_%'"#)
            #expect(rows.count == fixes.count)
            let names = Set(ReconciliationWorldTests.catalog.map(\.name))
            for row in rows {
                let description: String = try row.decode("description")
                let type: String = try row.decode("type")
                let package = names.first { description.contains("(\($0)") }
                #expect(package != nil, "\(description)")
                if type == "PURCHASE" {
                    #expect(description == "크레딧 구매 (\(package ?? "")) · 결제 확인 후 지급")
                } else {
                    #expect(
                        description == "환불 차감 (\(package ?? ""), 부분 환불)"
                            || description == "환불 차감 (\(package ?? ""), 전액 환불)", "\(description)")
                }
                #expect(!description.contains("credit-reconciler") && !description.contains("pay-"))
            }
        }
    }
}
