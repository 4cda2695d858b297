import Foundation
import HTTP
import PortOne
import ReconcilerCore
import Synchronization
import TestSupport
import Testing
import WireFormat

/// The PortOne client against the real simulator over loopback HTTP.
@Suite(.serialized) struct PortOneClientIntegrationTests {
    static let secret = "sk-test-1f0c9e7a5b3d48e2a6c4b2d0f8e6a4c2"
    static let windowFrom = try! RFC3339.parse("2026-10-01T00:00:00Z")
    static let windowUntil = try! RFC3339.parse("2026-10-31T00:00:00Z")
    /// The scan window: generously around the generated one, and past "now" so payments the
    /// simulator moves to now during a scan stay inside it.
    static var scanFrom: RFC3339.Timestamp { windowFrom.adding(nanoseconds: -86_400 * 1_000_000_000) }
    static var scanUntil: RFC3339.Timestamp { RFC3339.Timestamp(Date().addingTimeInterval(86_400 * 400)) }

    static func startSimulator(payments: Int, seed: Int = 7) async throws -> SimulatorProcess {
        try await SimulatorProcess.start(
            secret: secret,
            arguments: [
                "--generate", String(payments), "--seed", String(seed), "--from", RFC3339.format(windowFrom), "--until",
                RFC3339.format(windowUntil),
            ])
    }

    /// Scans and checks every id arrives exactly once; returns the ids and the summary.
    static func scanAll(
        _ client: PortOneClient, options: PaymentScanOptions,
        onPage: (_ pages: Int, _ seen: Set<String>) async throws -> Void = { _, _ in }
    ) async throws -> (ids: Set<String>, summary: PaymentScanSummary, deliveredTwice: Int) {
        try await scanCounting(client, options: options, onPage: onPage).scan
    }

    /// ``scanAll`` plus how many payments came with a status this build does not know.
    static func scanCounting(
        _ client: PortOneClient, options: PaymentScanOptions,
        onPage: (_ pages: Int, _ seen: Set<String>) async throws -> Void = { _, _ in }
    ) async throws -> (scan: (ids: Set<String>, summary: PaymentScanSummary, deliveredTwice: Int), unknownStatuses: Int)
    {
        var unknownStatuses = 0
        var ids = Set<String>()
        var deliveredTwice = 0
        var pages = 0
        let summary = try await client.scanPayments(from: scanFrom, until: scanUntil, options: options) { page in
            pages += 1
            for item in page.items {
                let id: String?
                switch item {
                case .success(let payment):
                    id = payment.id
                    if case .unknown = payment.status { unknownStatuses += 1 }
                case .failure(let failure): id = failure.paymentId
                }
                if let id, !ids.insert(id).inserted { deliveredTwice += 1 }
            }
            try await onPage(pages, ids)
        }
        return ((ids, summary, deliveredTwice), unknownStatuses)
    }

    @Test(arguments: [1, 4])
    func scansOneHundredFiftyThousandPaymentsCompletelyAndOnce(parallelism: Int) async throws {
        let simulator = try await Self.startSimulator(payments: 150_000)
        defer { simulator.stop() }
        let client = try simulator.client()
        let rssBefore = ProcessMemory.kibibytes("VmRSS")
        let peak = Mutex(0)
        let atPageTen = Mutex(0)
        let clock = ContinuousClock()
        let start = clock.now
        let (ids, summary, twice) = try await Self.scanAll(
            client, options: PaymentScanOptions(pageSize: 1000, parallelism: parallelism)
        ) { page, _ in
            let rss = ProcessMemory.kibibytes("VmRSS")
            peak.withLock { $0 = max($0, rss) }
            if page == 10 { atPageTen.withLock { $0 = rss } }
        }
        let elapsed = clock.now - start
        #expect(ids.count == 150_000)
        #expect(try await simulator.paymentCount() == 150_000)
        #expect(twice == 0)
        #expect(summary.paymentsDelivered + summary.decodingFailures == 150_000)
        #expect(summary.decodingFailures == 0)
        #expect(client.counters.count(.ok) == summary.pagesFetched)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(
            "scan150k parallelism=\(parallelism): \(summary.pagesFetched) pages, \(Int(seconds * 1000)) ms, "
                + "\(Int(Double(summary.itemsReceived) / seconds)) payments/s, RSS before \(rssBefore) KiB, "
                + "at page 10 \(atPageTen.withLock { $0 }) KiB, peak during scan \(peak.withLock { $0 }) KiB, "
                + "duplicates skipped \(summary.duplicatesSkipped)")
    }

    @Test func aScanStaysCompleteWhilePaymentsChangeStatus() async throws {
        let simulator = try await Self.startSimulator(payments: 150_000, seed: 11)
        defer { simulator.stop() }
        try await simulator.setFaults(["mutateEvery": 2])  // a random paid payment is cancelled now and then
        let client = try simulator.client()
        var moved: [String] = []
        let (ids, summary, twice) = try await Self.scanAll(
            client, options: PaymentScanOptions(pageSize: 1000, parallelism: 2, boundaryOverlap: .milliseconds(5))
        ) { page, seen in
            guard page == 5 else { return }
            // Move 50 payments the scan already handed over to "now", later in the window (which
            // shifts every page-number page after them): they come back at the end of the scan
            // and must not be handed over twice.
            let now = RFC3339.format(RFC3339.Timestamp(Date()))
            var changed: [[String: Any]] = []
            for id in seen.sorted().prefix(50) {
                var raw = try await simulator.control(.get, "/payments/" + JSONText.percentEncodePathSegment(id))
                raw["statusChangedAt"] = now
                raw["updatedAt"] = now
                changed.append(raw)
                moved.append(id)
            }
            try await simulator.control(.post, "/_simulator/payments", ["payments": changed])
            try await simulator.control(.post, "/_simulator/mutate", ["count": 300, "seed": 5])
        }
        #expect(ids.count == 150_000)
        #expect(twice == 0)
        #expect(try await simulator.paymentCount() == 150_000)
        #expect(moved.count == 50)
        #expect(summary.duplicatesSkipped >= 50, "the moved payments came back and were skipped")
        let stats = try await simulator.control(.get, "/_simulator/stats")
        let injected = stats["faultsInjected"] as? [String: Any] ?? [:]
        #expect((injected["mutate"] as? NSNumber)?.intValue ?? 0 > 0)
    }

    @Test func survivesRateLimitsServerErrorsDroppedConnectionsAndBrokenBodies() async throws {
        let simulator = try await Self.startSimulator(payments: 20_000, seed: 3)
        defer { simulator.stop() }
        try await simulator.setFaults([
            "rateLimitEvery": 29, "retryAfterSeconds": 1, "serverErrorEvery": 7, "dropConnectionEvery": 11,
            "truncateEvery": 13, "malformedEvery": 17, "htmlErrorEvery": 19, "unknownStatusEvery": 5,
        ])
        let lines = Mutex<[String]>([])
        let client = try simulator.client(log: { line in lines.withLock { $0.append(line) } })
        let (ids, _, twice) = try await Self.scanAll(client, options: PaymentScanOptions(pageSize: 200, parallelism: 2))
        #expect(ids.count == 20_000)
        #expect(twice == 0)
        #expect(client.counters.count(.rateLimited) > 0)
        #expect(client.counters.count(.serverError) > 0)
        #expect(client.counters.count(.connectionError) > 0)
        #expect(client.counters.count(.invalidResponse) > 0)
        let captured = lines.withLock { $0 }
        #expect(!captured.isEmpty)
        #expect(captured.allSatisfy { !$0.contains(Self.secret) })
        #expect(captured.contains { $0.contains("429") })
        let some = try #require(ids.first)
        guard case .found(let payment) = try await client.getPayment(id: some) else {
            Issue.record("payment \(some) not found")
            return
        }
        #expect(payment.id == some)

        try await simulator.setFaults(["unknownStatusEvery": 1])
        guard case .found(let odd) = try await client.getPayment(id: some) else {
            Issue.record("payment \(some) not found")
            return
        }
        #expect(odd.status == .unknown("PAY_SCHEDULED"), "an unknown status is kept, not an error")
    }

    /// Pages missing where data is expected (`emptyPageEvery`: 200 with `"items":[]` and the
    /// real `totalCount`): an empty page used to end its slice silently, so the scan finished
    /// without the rest of the slice. Now it is read again and every payment arrives once.
    @Test(arguments: [2, 3, 5])
    func emptyPagesMidScanAreReadAgainAndMissNothing(every: Int) async throws {
        let simulator = try await Self.startSimulator(payments: 5_000, seed: 7)
        defer { simulator.stop() }
        try await simulator.setFaults(["emptyPageEvery": every])
        let client = try simulator.client()
        let (ids, summary, twice) = try await Self.scanAll(
            client, options: PaymentScanOptions(pageSize: 100, parallelism: 2))
        #expect(ids.count == 5_000)
        #expect(twice == 0)
        #expect(summary.pagesReread > 0)
        let stats = try await simulator.control(.get, "/_simulator/stats")
        let injected = (stats["faultsInjected"] as? [String: Any])?["emptyPage"] as? Int ?? 0
        #expect(injected > 0)
        #expect(summary.pagesReread >= injected)
    }

    /// Every page empty while `totalCount` says payments match: the scan fails as unavailable
    /// after a few re-reads instead of reporting an empty window.
    @Test func pagesThatStayEmptyWhileTotalCountSaysOtherwiseFailTheScan() async throws {
        let simulator = try await Self.startSimulator(payments: 500, seed: 8)
        defer { simulator.stop() }
        try await simulator.setFaults(["emptyPageEvery": 1])
        let client = try simulator.client()
        await #expect {
            _ = try await Self.scanAll(client, options: PaymentScanOptions(pageSize: 100, parallelism: 1))
        } throws: { error in
            guard case .unavailable(let attempts, _, let problem) = error as? PortOneError else { return false }
            return attempts == PortOneClient.maxRereads + 1 && problem.contains("where its totalCount says")
        }
    }

    @Test func aWrongSecretSaysSoWithoutLeakingIt() async throws {
        let simulator = try await Self.startSimulator(payments: 10)
        defer { simulator.stop() }
        let wrong = "sk-wrong-9a8b7c6d5e4f3a2b1c0d"
        let lines = Mutex<[String]>([])
        let client = try simulator.client(secret: wrong, log: { line in lines.withLock { $0.append(line) } })
        await #expect {
            _ = try await client.getPayments(PaymentListQuery(storeId: SimulatorProcess.storeId))
        } throws: { error in
            guard case .unauthorized = error as? PortOneError else { return false }
            let text = "\(error) \(String(reflecting: error))"
            return text.contains("PORTONE_API_SECRET") && !text.contains(wrong) && !text.contains(Self.secret)
        }
        await #expect {
            _ = try await client.getPayment(id: "anything")
        } throws: { error in
            if case .unauthorized = error as? PortOneError { return true }
            return false
        }
        #expect(client.counters.count(.clientError) == 2)
        #expect(client.counters.total == 2, "a 401 is not retried")
        #expect(lines.withLock { $0 }.allSatisfy { !$0.contains(wrong) })
    }

    @Test func aForeignStoreIsForbidden() async throws {
        let simulator = try await Self.startSimulator(payments: 10)
        defer { simulator.stop() }
        let client = try simulator.client(storeId: "store-someone-else")
        await #expect {
            _ = try await client.getPayments(PaymentListQuery(storeId: "ignored"))
        } throws: { error in
            guard case .forbidden(let store, _) = error as? PortOneError else { return false }
            return store == "store-someone-else" && "\(error)".contains("PORTONE_STORE_ID")
        }
    }

    @Test func getPaymentFindsEncodedIdsAndAnswersNotFound() async throws {
        let simulator = try await Self.startSimulator(payments: 50)
        defer { simulator.stop() }
        let client = try simulator.client()
        let page = try await client.getPayments(PaymentListQuery(storeId: SimulatorProcess.storeId, pageSize: 1))
        let original = try #require(try page.items.first?.get())
        guard case .found(let found) = try await client.getPayment(id: original.id) else {
            Issue.record("existing payment not found")
            return
        }
        #expect(found == original)

        // Upsert a copy under an id that needs percent-encoding in the path.
        let raw = try await simulator.control(.get, "/payments/" + JSONText.percentEncodePathSegment(original.id))
        var copy = raw
        let oddId = "주문/2026 11+#?&%"
        copy["id"] = oddId
        try await simulator.control(.post, "/_simulator/payments", ["payments": [copy]])
        guard case .found(let odd) = try await client.getPayment(id: oddId) else {
            Issue.record("payment with an odd id not found")
            return
        }
        #expect(odd.id == oddId)
        guard case .notFound = try await client.getPayment(id: "pay-does-not-exist") else {
            Issue.record("a missing payment must be .notFound")
            return
        }
        #expect(client.counters.count(.notFound) == 1)
    }

    @Test func cursorEndpointsWalkToTheEnd() async throws {
        let simulator = try await Self.startSimulator(payments: 5_000, seed: 21)
        defer { simulator.stop() }
        let client = try simulator.client()
        var ids = Set<String>()
        var pages = 0
        try await client.scanPaymentsByCursor(from: Self.scanFrom, until: Self.scanUntil, pageSize: 700) { page in
            pages += 1
            for entry in page.items { ids.insert(try entry.item.get().id) }
        }
        #expect(ids.count == 5_000)
        #expect(pages == 8)
        var events = 0
        var eventPaymentIds = Set<String>()
        try await client.scanPaymentEvents(from: Self.scanFrom, until: Self.scanUntil, pageSize: 1000) { page in
            for entry in page.items {
                let event = try entry.item.get()
                events += 1
                eventPaymentIds.insert(event.paymentId)
                if event.kind == .paid { #expect(event.eventAmount > 0) } else { #expect(event.eventAmount < 0) }
            }
        }
        #expect(events > 0)
        #expect(eventPaymentIds.isSubset(of: ids))
    }

    @Test func timeoutsAndRefusedConnectionsBecomeUnavailable() async throws {
        let simulator = try await Self.startSimulator(payments: 10)
        try await simulator.setFaults(["latencyMs": 1500])
        let client = try PortOneClient(
            configuration: PortOneConfiguration(
                baseURL: simulator.baseURL, secret: PortOneSecret(Self.secret), storeId: SimulatorProcess.storeId,
                retry: RetryPolicy(maximumAttempts: 2, baseDelay: .milliseconds(10)),
                http: HTTPClientConfiguration(
                    userAgent: "t", connectTimeout: .seconds(1), totalTimeout: .milliseconds(300))))
        await #expect {
            _ = try await client.getPayment(id: "x")
        } throws: { error in
            guard case .unavailable(let attempts, _, let problem) = error as? PortOneError else { return false }
            return attempts == 2 && problem.contains("timed out")
        }
        #expect(client.counters.count(.timeout) == 2)
        simulator.stop()
        await #expect {
            _ = try await client.getPayment(id: "x")
        } throws: { error in
            guard case .unavailable(_, _, let problem) = error as? PortOneError else { return false }
            return problem.contains("could not connect") && !"\(error)".contains(Self.secret)
        }
        #expect(client.counters.count(.connectionError) == 2)
    }
}
