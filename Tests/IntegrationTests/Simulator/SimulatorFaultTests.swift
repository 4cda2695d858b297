import Foundation
import PortOneSimulator
import Testing
import WireFormat

/// Each injected fault, observed over real loopback HTTP.
@Suite struct SimulatorFaultTests {
    static let list = SimulatorTestData.listBody(size: 50)

    func faults(_ body: String, port: Int) throws {
        let response = try SimulatorTestClient(port: port).request("PUT", "/_simulator/faults", body: Array(body.utf8))
        #expect(response.status == 200, "\(response.text)")
    }

    func stats(_ port: Int) throws -> JSONValue {
        try SimulatorTestClient(port: port).request("GET", "/_simulator/stats").json()
    }

    @Test func rateLimitEveryThirdRequestWithRetryAfter() throws {
        let (server, port) = try SimulatorTestData.start(count: 100)
        defer { server.stop() }
        try faults("{\"rateLimitEvery\":3,\"retryAfterSeconds\":7}", port: port)
        let client = SimulatorTestClient(port: port)
        let statuses = try (0..<6).map { _ in try client.get("/payments", requestBody: Self.list) }
        #expect(statuses.map(\.status) == [200, 200, 429, 200, 200, 429])
        #expect(statuses[2].headers["retry-after"] == "7")
        #expect(try statuses[2].json()[member: "type"]?.string == "TOO_MANY_REQUESTS")
        #expect(try stats(port)[member: "faultsInjected"]?[member: "rateLimit"]?.int == 2)
    }

    @Test func serverErrorsAlternateJSONAndText() throws {
        let (server, port) = try SimulatorTestData.start(count: 100)
        defer { server.stop() }
        try faults("{\"serverErrorEvery\":1}", port: port)
        let client = SimulatorTestClient(port: port)
        let first = try client.get("/payments", requestBody: Self.list)
        let second = try client.get("/payments", requestBody: Self.list)
        #expect(Set([first.status, second.status]) == [500, 503])
        #expect([first, second].contains { (try? $0.json()[member: "type"]?.string) == "INTERNAL_SERVER_ERROR" })
        #expect([first, second].contains { $0.headers["content-type"]?.hasPrefix("text/plain") == true })
    }

    @Test func dropConnectionClosesWithoutAnAnswer() throws {
        let (server, port) = try SimulatorTestData.start(count: 100)
        defer { server.stop() }
        try faults("{\"dropConnectionEvery\":2}", port: port)
        let client = SimulatorTestClient(port: port)
        #expect(try client.get("/payments", requestBody: Self.list).status == 200)
        #expect(throws: SimulatorTestClient.WireError.closedWithoutResponse) {
            try client.get("/payments", requestBody: Self.list)
        }
        #expect(try client.get("/payments", requestBody: Self.list).status == 200)
    }

    @Test func truncatedBodyIsShorterThanContentLength() throws {
        let (server, port) = try SimulatorTestData.start(count: 100)
        defer { server.stop() }
        try faults("{\"truncateEvery\":1}", port: port)
        do {
            _ = try SimulatorTestClient(port: port).get("/payments", requestBody: Self.list)
            Issue.record("a truncated response was read whole")
        } catch let SimulatorTestClient.WireError.truncated(received, expected) {
            #expect(received < expected && received > 0)
        }
    }

    @Test func malformedBodyIsNotJSON() throws {
        let (server, port) = try SimulatorTestData.start(count: 100)
        defer { server.stop() }
        try faults("{\"malformedEvery\":1}", port: port)
        let response = try SimulatorTestClient(port: port).get("/payments", requestBody: Self.list)
        #expect(response.status == 200)
        #expect(throws: (any Error).self) { try response.json() }
        #expect(throws: (any Error).self) { try JSONSerialization.jsonObject(with: Data(response.body)) }
    }

    @Test func htmlErrorPage() throws {
        let (server, port) = try SimulatorTestData.start(count: 100)
        defer { server.stop() }
        try faults("{\"htmlErrorEvery\":1}", port: port)
        let response = try SimulatorTestClient(port: port).request("GET", "/payments/x")
        #expect(response.status == 502)
        #expect(response.headers["content-type"] == "text/html")
        #expect(response.text.contains("<html>"))
    }

    @Test func unknownStatusValue() throws {
        let (server, port) = try SimulatorTestData.start(count: 100)
        defer { server.stop() }
        try faults("{\"unknownStatusEvery\":1}", port: port)
        let response = try SimulatorTestClient(port: port).get("/payments", requestBody: Self.list)
        let items = try #require(try response.json()[member: "items"]?.array)
        #expect(items.first?[member: "status"]?.string == "PAY_SCHEDULED")
        #expect(items.dropFirst().allSatisfy { $0[member: "status"]?.string != "PAY_SCHEDULED" })
        let validator = try SimulatorSchemaValidator.load()
        #expect(
            !validator.validate(items[0], schemaNamed: "Payment").isEmpty, "an unknown status must not match the schema"
        )
        let events = try SimulatorTestClient(port: port).get(
            "/payment-events-by-cursor",
            requestBody: "{\"from\":\"2020-01-01T00:00:00Z\",\"until\":\"\(SimulatorTestData.until)\"}"
        ).json()
        let eventItems = try #require(events[member: "items"]?.array)
        #expect(eventItems.first?[member: "paymentEvent"]?[member: "type"]?.string == "DISPUTE_CREATED")
        #expect(
            eventItems.dropFirst().allSatisfy {
                $0[member: "paymentEvent"]?[member: "type"]?.string != "DISPUTE_CREATED"
            })
    }

    @Test func latencyDelaysAnswers() throws {
        let (server, port) = try SimulatorTestData.start(count: 10)
        defer { server.stop() }
        try faults("{\"latencyMs\":150,\"jitterMs\":10}", port: port)
        let start = Date()
        #expect(try SimulatorTestClient(port: port).get("/payments", requestBody: nil).status == 200)
        #expect(Date().timeIntervalSince(start) >= 0.15)
        #expect(try stats(port)[member: "faults"]?[member: "latencyMs"]?.int == 150)
    }

    @Test func paymentsChangeStatusDuringAScan() throws {
        let (server, port) = try SimulatorTestData.start(count: 500)
        defer { server.stop() }
        try faults("{\"mutateEvery\":1}", port: port)
        let before = Set(server.store.paidIds())
        let client = SimulatorTestClient(port: port)
        for number in 0..<3 {
            _ = try client.get("/payments", requestBody: SimulatorTestData.listBody(number: number, size: 100))
        }
        let after = Set(server.store.paidIds())
        #expect(before.subtracting(after).count == 3)
        #expect(try stats(port)[member: "faultsInjected"]?[member: "mutate"]?.int == 3)
        let changed = try #require(before.subtracting(after).first)
        let payment = try client.request("GET", "/payments/" + SimulatorTestClient.encode(changed)).json()
        #expect(["CANCELLED", "PARTIAL_CANCELLED"].contains(payment[member: "status"]?.string))
        let changedAt = Timestamp.parse(payment[member: "statusChangedAt"]!.string!)!
        #expect(abs(changedAt.nanoseconds - Timestamp.now().nanoseconds) < 60_000_000_000)
    }

    @Test func concurrentScansStayConsistentWhilePaymentsChange() async throws {
        let (server, port) = try SimulatorTestData.start(count: 2000)
        defer { server.stop() }
        try faults("{\"mutateEvery\":2}", port: port)
        let results = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for worker in 0..<8 {
                group.addTask {
                    let client = SimulatorTestClient(port: port)
                    var pages = 0
                    var items = 0
                    for round in 0..<6 {
                        let path = ["/payments", "/payments-by-cursor", "/payment-events-by-cursor"][
                            (worker + round) % 3]
                        let body =
                            path == "/payments"
                            ? SimulatorTestData.listBody(number: round, size: 200)
                            : "{\"from\":\"2020-01-01T00:00:00Z\",\"until\":\"\(SimulatorTestData.until)\",\"size\":200}"
                        let response = try client.get(path, requestBody: body)
                        guard response.status == 200 else { continue }
                        pages += 1
                        items += try response.json()[member: "items"]?.array?.count ?? 0
                        if round % 2 == 0 {
                            _ = try client.request(
                                "POST", "/_simulator/mutate",
                                body: Array("{\"count\":2,\"seed\":\(worker * 10 + round)}".utf8))
                        }
                    }
                    return (pages, items)
                }
            }
            return try await group.reduce(into: [(Int, Int)]()) { $0.append($1) }
        }
        #expect(results.map(\.0).reduce(0, +) == 48)
        #expect(results.map(\.1).reduce(0, +) > 0)
        // Every payment still renders to JSON that decodes, and the indexes still hold each one once.
        let all = server.store.allJSON()
        #expect(all.count == 2000)
        #expect(Set(try all.map { try JSONValue.parse($0)[member: "id"]!.string! }).count == 2000)
        let list = try SimulatorTestClient(port: port).get(
            "/payments",
            requestBody:
                "{\"page\":{\"size\":5000 },\"filter\":{\"from\":\"2020-01-01T00:00:00Z\",\"until\":\"2030-01-01T00:00:00Z\"}}"
        ).json()
        #expect(list[member: "page"]?[member: "totalCount"]?.int == 2000)
    }

    @Test func flagsSetFaultsAtStartAndControlReplacesThem() throws {
        var initial = FaultConfiguration()
        initial.rateLimitEvery = 1
        let (server, port) = try SimulatorTestData.start(count: 10, faults: initial)
        defer { server.stop() }
        let client = SimulatorTestClient(port: port)
        #expect(try client.get("/payments", requestBody: nil).status == 429)
        try faults("{}", port: port)
        #expect(try client.get("/payments", requestBody: nil).status == 200)
        let badClient = SimulatorTestClient(port: port)
        let bad = try badClient.request("PUT", "/_simulator/faults", body: Array("{\"rateLimitEvry\":1}".utf8))
        #expect(bad.status == 400)
        #expect(bad.text.contains("rateLimitEvry"))
    }

    @Test func controlUpsertAndMutate() throws {
        let (server, port) = try SimulatorTestData.start(count: 200)
        defer { server.stop() }
        let client = SimulatorTestClient(port: port)
        let id = server.store.paidIds()[0]
        var payment = try client.request("GET", "/payments/" + SimulatorTestClient.encode(id)).text
        payment = payment.replacingOccurrences(of: "\"id\":\"\(id)\"", with: "\"id\":\"uploaded-1\"")
        let upload = try client.request("POST", "/_simulator/payments", body: Array("{\"payments\":[\(payment)]}".utf8))
        #expect(upload.status == 200)
        #expect(try client.request("GET", "/payments/uploaded-1").status == 200)
        let mutate = try client.request("POST", "/_simulator/mutate", body: Array("{\"count\":4,\"seed\":3}".utf8))
            .json()
        let changedList = mutate[member: "changed"]?.array?.compactMap { $0.string }
        let changed = try #require(changedList)
        #expect(changed.count == 4)
        for id in changed {
            let status = try client.request("GET", "/payments/" + SimulatorTestClient.encode(id)).json()[
                member: "status"]?
                .string
            #expect(status == "CANCELLED" || status == "PARTIAL_CANCELLED")
        }
        let stats = try stats(port)
        #expect(stats[member: "payments"]?.int == 201)
        #expect((stats[member: "byPath"]?[member: "/payments/{paymentId}"]?.int ?? 0) >= 5)
        let bad = try client.request("POST", "/_simulator/payments", body: Array("{\"payments\":[{\"id\":1}]}".utf8))
        #expect(bad.status == 400)
    }

    /// `DELETE /_simulator/payments/{paymentId}`: the payment leaves `GET /payments/{id}` (404),
    /// every list and the payment count; an unknown id is 404; the control API's auth applies.
    @Test func controlDeleteRemovesAPaymentEverywhere() throws {
        let (server, port) = try SimulatorTestData.start(count: 200)
        defer { server.stop() }
        let client = SimulatorTestClient(port: port)
        let id = server.store.paidIds()[0]
        let before = try client.get("/payments", requestBody: #"{"page":{"number":0,"size":1000}}"#).json()
        let deleted = try client.request("DELETE", "/_simulator/payments/" + SimulatorTestClient.encode(id))
        #expect(deleted.status == 200)
        #expect(try deleted.json()[member: "deleted"]?.string == id)
        #expect(try client.request("GET", "/payments/" + SimulatorTestClient.encode(id)).status == 404)
        let after = try client.get("/payments", requestBody: #"{"page":{"number":0,"size":1000}}"#).json()
        #expect(
            after[member: "page"]?[member: "totalCount"]?.int
                == (before[member: "page"]?[member: "totalCount"]?.int ?? 0) - 1)
        let ids = after[member: "items"]?.array?.compactMap { $0[member: "id"]?.string } ?? []
        #expect(ids.count == 199)
        #expect(!ids.contains(id))
        #expect(try stats(port)[member: "payments"]?.int == 199)
        #expect(!server.store.paidIds().contains(id))
        let again = try client.request("DELETE", "/_simulator/payments/" + SimulatorTestClient.encode(id))
        #expect(again.status == 404)
        #expect(again.text.contains("PAYMENT_NOT_FOUND"))
        #expect(try client.request("DELETE", "/_simulator/payments/no-such-payment").status == 404)
        #expect(try client.request("DELETE", "/_simulator/payments/").status == 400)
        let stranger = SimulatorTestClient(port: port, secret: "wrong")
        #expect(try stranger.request("DELETE", "/_simulator/payments/no-such-payment").status == 401)
    }
}
