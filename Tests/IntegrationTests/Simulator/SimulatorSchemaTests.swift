import Foundation
import PortOneSimulator
import Testing
import WireFormat

/// Validates everything the simulator serves against the committed OpenAPI document.
///
/// `origin` is marked required by the document and the simulator always sends it, so no
/// leniency is needed here (clients should still decode it as optional: API-NOTES §5).
@Suite struct SimulatorSchemaTests {
    @Test func everyServedShapeMatchesTheOpenAPIDocument() throws {
        let validator = try SimulatorSchemaValidator.load()
        let (server, port) = try SimulatorTestData.start(count: 4000, seed: 5)
        defer { server.stop() }
        let client = SimulatorTestClient(port: port)
        var errors: [String] = []
        var statuses = Set<String>()
        var cancellationStatuses = Set<String>()
        var sample: [String: String] = [:]
        for number in 0..<4 {
            let json = try client.get("/payments", requestBody: SimulatorTestData.listBody(number: number, size: 1000))
                .json()
            errors += validator.validate(json, schemaNamed: "GetPaymentsResponse", at: "page\(number)")
            for item in json[member: "items"]?.array ?? [] {
                let status = item[member: "status"]!.string!
                statuses.insert(status)
                sample[status] = sample[status] ?? item[member: "id"]!.string!
                for c in item[member: "cancellations"]?.array ?? [] {
                    cancellationStatuses.insert(c[member: "status"]!.string!)
                }
            }
        }
        #expect(statuses == Set(validator.discriminatorValues("Payment")))
        #expect(cancellationStatuses == Set(validator.discriminatorValues("PaymentCancellation")))
        for (status, id) in sample {
            let json = try client.request("GET", "/payments/" + SimulatorTestClient.encode(id)).json()
            errors += validator.validate(json, schemaNamed: "Payment", at: "getPayment(\(status))")
        }
        let cursorPage = try client.get(
            "/payments-by-cursor",
            requestBody: "{\"from\":\"2020-01-01T00:00:00Z\",\"until\":\"\(SimulatorTestData.until)\",\"size\":1000}"
        ).json()
        errors += validator.validate(cursorPage, schemaNamed: "GetAllPaymentsByCursorResponse", at: "cursor")
        var eventTypes = Set<String>()
        var cursor: String?
        for _ in 0..<5 {
            let cursorField = cursor.map { ",\"cursor\":\"\($0)\"" } ?? ""
            let events = try client.get(
                "/payment-events-by-cursor",
                requestBody:
                    "{\"from\":\"2020-01-01T00:00:00Z\",\"until\":\"\(SimulatorTestData.until)\",\"size\":1000\(cursorField)}"
            ).json()
            errors += validator.validate(events, schemaNamed: "GetAllPaymentEventsByCursorResponse", at: "events")
            let items = events[member: "items"]?.array ?? []
            for item in items { eventTypes.insert(item[member: "paymentEvent"]![member: "type"]!.string!) }
            cursor = items.last?[member: "cursor"]?.string
            if items.isEmpty { break }
        }
        #expect(eventTypes == Set(validator.discriminatorValues("PaymentEvent")))
        // Payments the simulator changes at run time keep the shape.
        let mutated = try client.request("POST", "/_simulator/mutate", body: Array("{\"count\":20,\"seed\":9}".utf8))
            .json()
        for id in mutated[member: "changed"]?.array?.compactMap({ $0.string }) ?? [] {
            let json = try client.request("GET", "/payments/" + SimulatorTestClient.encode(id)).json()
            errors += validator.validate(json, schemaNamed: "Payment", at: "mutated(\(id))")
        }
        // Error bodies, each against the error union of its operation.
        let bad = try client.get("/payments", requestBody: "{\"page\":{\"number\":60,\"size\":1000}}")
        errors += validator.validate(try bad.json(), schemaNamed: "GetPaymentsError", at: "400")
        let forbidden = try client.get("/payments-by-cursor", requestBody: "{\"storeId\":\"x\"}")
        errors += validator.validate(try forbidden.json(), schemaNamed: "GetAllPaymentsError", at: "403")
        let unauthorized = try SimulatorTestClient(port: port, secret: "wrong").request(
            "GET", "/payment-events-by-cursor")
        errors += validator.validate(try unauthorized.json(), schemaNamed: "GetAllPaymentEventsError", at: "401")
        let notFound = try client.request("GET", "/payments/missing")
        errors += validator.validate(try notFound.json(), schemaNamed: "GetPaymentError", at: "404")
        #expect(errors.isEmpty, "\(errors.prefix(20).joined(separator: "\n"))")
        for variant in [
            "ReadyPayment", "PayPendingPayment", "VirtualAccountIssuedPayment", "PaidPayment", "FailedPayment",
            "PartialCancelledPayment", "CancelledPayment", "RequestedPaymentCancellation", "FailedPaymentCancellation",
            "SucceededPaymentCancellation", "PaidPaymentEvent", "PartialCancelledPaymentEvent", "CancelledPaymentEvent",
            "PaymentMethodEasyPay", "PaymentWebhook", "ChannelGroupSummary", "PaymentOrigin", "Customer",
        ] {
            #expect(validator.visited.contains(variant), "\(variant) never validated")
        }
        #expect(validator.fractionDigitsSeen.isSuperset(of: [0, 3, 6, 9]))
    }

    @Test func theValidatorCatchesBrokenPayments() throws {
        let validator = try SimulatorSchemaValidator.load()
        let generator = DataSetGenerator(options: SimulatorTestData.options(count: 50))
        let paid = try #require((0..<50).map { generator.payment(at: $0) }.first { $0.status == .paid })
        let good = try JSONValue.parse(paid.renderJSON())
        #expect(validator.validate(good, schemaNamed: "Payment").isEmpty)
        guard case .object(var object) = good else { return }
        object["disputes"] = nil
        object["amount"] = .object(["total": .number(1.5)])
        object["bogus"] = .bool(true)
        object["currency"] = .string("WON")
        let errors = validator.validate(.object(object), schemaNamed: "Payment")
        #expect(errors.contains { $0.contains("\"disputes\"") })
        #expect(errors.contains { $0.contains("expected an integer") })
        #expect(errors.contains { $0.contains("\"bogus\"") })
        #expect(errors.contains { $0.contains("enum") })
        #expect(errors.contains { $0.contains("\"taxFree\"") })
    }
}
