import Foundation
import LedgerStore
import PortOne
import Postgres
import ReconcilerCore
import ReconcilerEngine
import TestSupport
import Testing

/// An apply run against the simulator with its faults on, compared with a fault-free run over
/// the same world loaded into another database: a transport fault must end either in exactly the
/// fault-free end state or in a clean failure (no checkpoint moved) after which a fault-free
/// rerun reaches it; a fault that changes what PortOne says must never cause a repair the
/// fault-free run would not make.
@Suite(.serialized) struct APIFaultEndStateTests {
    typealias World = ReconciliationWorldTests

    /// One fault configuration for `PUT /_simulator/faults`.
    struct Fault: Sendable, CustomTestStringConvertible {
        var name: String
        var settings: [String: Int]
        var testDescription: String { name }
    }

    /// Faults that garble the transport but not the payments.
    static let transportFaults: [Fault] = [
        Fault(name: "429 storm with Retry-After", settings: ["rateLimitEvery": 2, "retryAfterSeconds": 1]),
        Fault(name: "5xx burst", settings: ["serverErrorEvery": 2]),
        Fault(name: "dropped connections", settings: ["dropConnectionEvery": 3]),
        Fault(name: "truncated bodies", settings: ["truncateEvery": 3]),
        Fault(name: "malformed bodies", settings: ["malformedEvery": 3]),
        Fault(name: "HTML error pages", settings: ["htmlErrorEvery": 3]),
        Fault(name: "empty pages mid-scan", settings: ["emptyPageEvery": 2]),
        Fault(
            name: "everything at once",
            settings: [
                "rateLimitEvery": 11, "retryAfterSeconds": 1, "serverErrorEvery": 7, "dropConnectionEvery": 5,
                "truncateEvery": 13, "malformedEvery": 17, "htmlErrorEvery": 19, "jitterMs": 5,
            ]),
    ]

    static let payments = 1200

    /// The world's fault-free end state: one run on a fresh copy of the ledger.
    /// The re-fetch tests fetch one batch ahead, so that what may still be repaired after a
    /// change is small next to what must not be: the batch being written (1 payment at the
    /// change) and the next one (2 payments).
    static let refetchDepth = 1
    static let fetchedAhead = 2

    /// `World.engine` fetching `refetchDepth` batches ahead.
    static func engineFetchingOneBatchAhead(_ simulator: SimulatorProcess, _ database: TestDatabase) throws
        -> ReconciliationEngine
    {
        try World.engine(simulator, database, refetchDepth: refetchDepth)
    }

    /// Runs the engine fetching one batch ahead on `world` loaded into `database`; at its first
    /// repair, PortOne's copies of `payments` are replaced (the run waits until they are). Returns
    /// the result and how many repairs were applied before the replacement.
    static func run(_ world: ChaosWorld, _ database: TestDatabase, replacingAtFirstRepair payments: [[String: Any]])
        async throws -> (RunResult, Int)
    {
        let body = try JSONSerialization.data(withJSONObject: ["payments": payments])
        let simulator = world.simulator
        let atFirstRepair = AtFirstRepair {
            let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any]
            _ = try? await simulator.control(.post, "/_simulator/payments", object ?? [:])
        }
        let result = try await engineFetchingOneBatchAhead(simulator, database).run(
            RunRequest(), control: atFirstRepair.control)
        return (result, try #require(atFirstRepair.repairsBefore))
    }

    static func baseline(_ world: ChaosWorld) async throws -> (LedgerEndState, RunResult) {
        try await TestDatabase.withFresh(schema: .app) { database in
            try world.load(into: database)
            let result = try await World.engine(world.simulator, database).run(RunRequest())
            let connection = try database.connect()
            defer { connection.close() }
            return (try LedgerEndState.read(connection), result)
        }
    }

    static func checkpoint(_ database: TestDatabase) throws -> Checkpoint? {
        let connection = try database.connect()
        defer { connection.close() }
        return try RunRecorder(connection: connection).checkpoint(ReconciliationEngine.checkpointName)
    }

    static func endState(_ database: TestDatabase) throws -> LedgerEndState {
        let connection = try database.connect()
        defer { connection.close() }
        return try LedgerEndState.read(connection)
    }

    @Test(arguments: transportFaults)
    func aTransportFaultEndsInTheFaultFreeEndStateOrACleanFailure(fault: Fault) async throws {
        let world = try await ChaosWorld.generate(payments: Self.payments, seed: 91, end: World.worldEnd)
        defer { world.close() }
        let (expected, _) = try await Self.baseline(world)
        #expect(!expected.fixes.isEmpty)
        try await TestDatabase.withFresh(schema: .app) { database in
            try world.load(into: database)
            try await world.simulator.setFaults(fault.settings)
            var injected = 0
            do {
                _ = try await World.engine(world.simulator, database).run(RunRequest())
                let stats = try await world.simulator.control(.get, "/_simulator/stats")
                injected = (stats["faultsInjected"] as? [String: Any] ?? [:]).values.reduce(0) {
                    $0 + (($1 as? NSNumber)?.intValue ?? 0)
                }
                try await world.simulator.setFaults([:])
                let actual = try Self.endState(database)
                #expect(actual == expected, "\(actual.differences(from: expected))")
            } catch let failure as RunFailure {
                try await world.simulator.setFaults([:])
                injected = 1
                #expect(try Self.checkpoint(database) == nil, "a failed run moved the checkpoint: \(failure)")
                _ = try await World.engine(world.simulator, database).run(RunRequest())
                let actual = try Self.endState(database)
                #expect(actual == expected, "after a rerun: \(actual.differences(from: expected))")
            }
            #expect(injected > 0, "the simulator injected no fault")
        }
    }

    /// Every fix key of `state` occurs at most as often as in `reference`.
    static func wrongRepairs(_ state: LedgerEndState, _ reference: LedgerEndState) -> [String] {
        state.fixes.compactMap { key, count in count > reference.fixes[key, default: 0] ? key : nil }.sorted()
    }

    @Test func aStatusPortOneDoesNotKnowCausesNoRepairAndAFaultFreeRerunCatchesUp() async throws {
        let world = try await ChaosWorld.generate(payments: Self.payments, seed: 92, end: World.worldEnd)
        defer { world.close() }
        let (expected, reference) = try await Self.baseline(world)
        try await TestDatabase.withFresh(schema: .app) { database in
            try world.load(into: database)
            try await world.simulator.setFaults(["unknownStatusEvery": 1])
            let faulted = try await World.engine(world.simulator, database).run(RunRequest())
            try await world.simulator.setFaults([:])
            let during = try Self.endState(database)
            #expect(Self.wrongRepairs(during, expected).isEmpty, "\(Self.wrongRepairs(during, expected))")
            #expect(during.paymentsGrantedTwice.isEmpty)
            let window = try #require(faulted.window ?? reference.window)
            _ = try await World.engine(world.simulator, database).run(
                RunRequest(since: window.from, until: window.until))
            let actual = try Self.endState(database)
            #expect(actual == expected, "\(actual.differences(from: expected))")
        }
    }

    @Test func paymentsCancelledDuringTheScanCauseNoWrongRepair() async throws {
        let world = try await ChaosWorld.generate(payments: Self.payments, seed: 93, end: World.worldEnd)
        defer { world.close() }
        let (expected, _) = try await Self.baseline(world)
        try await TestDatabase.withFresh(schema: .app) { database in
            try world.load(into: database)
            try await world.simulator.setFaults(["mutateEvery": 1])
            do {
                _ = try await World.engine(world.simulator, database).run(RunRequest())
            } catch let failure as RunFailure {
                #expect(try Self.checkpoint(database) == nil, "a failed run moved the checkpoint: \(failure)")
            }
            try await world.simulator.setFaults([:])
            let actual = try Self.endState(database)
            #expect(actual.paymentsGrantedTwice.isEmpty)
            #expect(actual.driftedUsers == expected.driftedUsers)
            let grants = actual.fixes.filter { $0.key.contains("|MISSED_GRANT|") }
            let expectedGrants = expected.fixes.filter { $0.key.contains("|MISSED_GRANT|") }
            #expect(grants.allSatisfy { expectedGrants[$0.key, default: 0] >= $0.value }, "\(grants)")
            // A deduction the fault-free run did not make must be for a payment PortOne now reports
            // cancelled.
            let client = try world.simulator.client()
            for key in actual.fixes.keys where expected.fixes[key] == nil {
                let paymentId = String(key.split(separator: "|")[0])
                guard case .found(let payment) = try await client.getPayment(id: paymentId) else {
                    Issue.record("\(key): the payment is gone")
                    continue
                }
                #expect(key.contains("|MISSED_REFUND|") && payment.amount.cancelled > 0, "\(key)")
            }
        }
    }

    /// A payment seen PAID in the scan but READY (not paid) when the run fetches it again just
    /// before its repair: no grant. The payments are changed from the run's progress callback
    /// at its first repair, so every later grant is decided on the changed payment.
    @Test func aPaymentNoLongerPaidAtReFetchIsNotGranted() async throws {
        let world = try await ChaosWorld.generate(payments: Self.payments, seed: 94, end: World.worldEnd)
        defer { world.close() }
        let missed = Set(world.mistakes("MISSED_GRANT").compactMap(\.paymentId))
        try #require(missed.count >= 5)
        var changed: [[String: Any]] = []
        for id in missed.sorted() {
            var payment = try await world.simulator.control(.get, "/payments/\(id)")
            guard payment["status"] as? String == "PAID" else { continue }
            payment["status"] = "READY"
            payment["paidAt"] = nil
            payment["pgTxId"] = nil
            payment["receiptUrl"] = nil
            changed.append(payment)
        }
        try #require(changed.count >= 5)
        try await TestDatabase.withFresh(schema: .app) { database in
            try world.load(into: database)
            let (result, before) = try await Self.run(world, database, replacingAtFirstRepair: changed)
            let changedIds = Set(changed.compactMap { $0["id"] as? String })
            let granted = (try result.fixes(in: database.url)).filter {
                $0.kind == .missedGrant && changedIds.contains($0.paymentId)
            }
            // The next batches' payments are re-fetched while a batch is written: when the change
            // lands after the first batch (1 payment), the next `refetchDepth` batches (2, 4, 8, …
            // payments) may already have been fetched as PAID. Every payment fetched after the
            // change must not be granted.
            let fetchedAhead = Self.fetchedAhead
            #expect(
                granted.count <= before + fetchedAhead, "granted after the change: \(granted.map(\.paymentId))")
            #expect(
                (try result.fixes(in: database.url)).count > before, "the run must go on repairing after the change")
            let state = try Self.endState(database)
            #expect(state.paymentsGrantedTwice.isEmpty)
            let refunds = (try result.fixes(in: database.url)).filter {
                $0.kind == .missedRefund && changedIds.contains($0.paymentId)
            }
            #expect(refunds.isEmpty)
        }
    }

    /// Payments the scan listed as needing a repair (every other missed grant and missed refund
    /// of the world) disappear from PortOne (`DELETE /_simulator/payments/{id}`, 404 afterwards) at
    /// the run's first repair, before their re-fetch. None may be repaired after that; the run
    /// completes (a payment PortOne no longer knows is the normal end of a lookup, not a failure,
    /// and failing would stall the checkpoint forever since it never comes back); a vanished
    /// payment the ledger granted opens ORPHAN_GRANT; every other payment, and every balance
    /// but for the vanished payments' credits, ends exactly as in the fault-free run.
    @Test func paymentsVanishingBeforeTheirRepairAreNotRepaired() async throws {
        let world = try await ChaosWorld.generate(payments: Self.payments, seed: 95, end: World.worldEnd)
        defer { world.close() }
        let (expected, _) = try await Self.baseline(world)
        // Every other payment needing a repair vanishes; the others must still be repaired.
        let needingRepair = Set(
            (world.mistakes("MISSED_GRANT") + world.mistakes("MISSED_REFUND")).compactMap(\.paymentId)
        ).sorted()
        let vanishing = Set(needingRepair.enumerated().filter { $0.offset % 2 == 0 }.map(\.element))
        try #require(vanishing.count >= 10)
        let simulator = world.simulator
        try await TestDatabase.withFresh(schema: .app) { database in
            try world.load(into: database)
            let atFirstRepair = AtFirstRepair {
                for id in vanishing.sorted() {
                    _ = try? await simulator.control(.delete, "/_simulator/payments/\(Self.percentEncoded(id))")
                }
            }
            let control = atFirstRepair.control
            let result = try await Self.engineFetchingOneBatchAhead(simulator, database).run(
                RunRequest(), control: control)
            let before = try #require(atFirstRepair.repairsBefore)
            let client = try simulator.client()
            for id in vanishing.sorted().prefix(3) {
                guard case .notFound = try await client.getPayment(id: id) else {
                    Issue.record("\(id) was not deleted")
                    continue
                }
            }
            // As in the READY test: the batch being written and the next `refetchDepth` ones were
            // re-fetched before the deletion and may still be repaired.
            let repairedAfter = Set((try result.fixes(in: database.url)).map(\.paymentId)).intersection(vanishing)
            #expect(
                repairedAfter.count <= before + Self.fetchedAhead,
                "repaired after vanishing: \(repairedAfter.sorted())")
            let kept = Set(needingRepair).subtracting(vanishing)
            #expect(
                kept.isSubset(of: Set((try result.fixes(in: database.url)).map(\.paymentId))),
                "the others are still repaired")
            #expect(try Self.checkpoint(database) != nil, "the run completes and moves the checkpoint")

            let actual = try Self.endState(database)
            #expect(actual.paymentsGrantedTwice.isEmpty)
            // Everything not about a vanished payment is as in the fault-free run.
            func payment(ofKey key: String, at index: Int) -> String { String(key.split(separator: "|")[index]) }
            func others(_ counts: [String: Int], paymentAt index: Int) -> [String: Int] {
                counts.filter { !vanishing.contains(payment(ofKey: $0.key, at: index)) }
            }
            #expect(others(actual.fixes, paymentAt: 0) == others(expected.fixes, paymentAt: 0))
            #expect(others(actual.transactions, paymentAt: 1) == others(expected.transactions, paymentAt: 1))
            // Balances: the fault-free balance, less what the fault-free run repaired for the
            // vanished payments, plus what this run repaired for them before they vanished.
            var owner: [String: String] = [:]
            for key in Array(expected.transactions.keys) + Array(actual.transactions.keys) {
                owner[payment(ofKey: key, at: 1)] = payment(ofKey: key, at: 0)
            }
            var balances = expected.balances
            for id in vanishing {
                guard let user = owner[id] else { continue }
                balances[user, default: 0] +=
                    actual.fixCreditsByPayment[id, default: 0] - expected.fixCreditsByPayment[id, default: 0]
            }
            #expect(actual.balances == balances, "balances differ beyond the vanished payments' credits")

            // A vanished payment the ledger granted (and the run did not repair) is an orphan grant.
            let connection = try database.connect()
            defer { connection.close() }
            let orphans = Set(
                try connection.query(
                    "SELECT payment_id FROM reconciler.discrepancy WHERE kind = 'ORPHAN_GRANT' AND status = 'open'"
                ).map { try $0.decode("payment_id", as: String.self) })
            let grantedRefundOnly = Set(world.mistakes("MISSED_REFUND").compactMap(\.paymentId)).intersection(vanishing)
                .subtracting(world.mistakes("MISSED_GRANT").compactMap(\.paymentId)).subtracting(repairedAfter)
            #expect(!grantedRefundOnly.isEmpty)
            #expect(grantedRefundOnly.isSubset(of: orphans), "\(grantedRefundOnly.subtracting(orphans).sorted())")
            let injectedOrphans = Set(world.mistakes("ORPHAN_GRANT").compactMap(\.paymentId))
            let unexpected = orphans.subtracting(vanishing).subtracting(injectedOrphans)
            #expect(unexpected.isEmpty, "\(unexpected.sorted())")

            // A second run finds nothing to repair for them.
            let again = try await World.engine(simulator, database).run(RunRequest())
            #expect(try again.fixes(in: database.url).filter { vanishing.contains($0.paymentId) }.isEmpty)
        }
    }

    /// `id` percent-encoded for a path segment.
    static func percentEncoded(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_.~"))) ?? id
    }
}
