import Foundation
import PortOneSimulator
import Testing
import WireFormat

/// The simulator's PortOne endpoints over real loopback HTTP.
@Suite struct SimulatorEndpointTests {
    @Test func pagesThroughEveryPaymentOnceInOrder() throws {
        let (server, port) = try SimulatorTestData.start()
        defer { server.stop() }
        let client = SimulatorTestClient(port: port)
        var ids: [String] = []
        var previous: (String, String)?
        for number in 0..<10 {
            let response = try client.get(
                "/payments", requestBody: SimulatorTestData.listBody(number: number, size: 500))
            #expect(response.status == 200)
            let json = try response.json()
            #expect(json[member: "page"]?[member: "number"]?.int == Int64(number))
            #expect(json[member: "page"]?[member: "size"]?.int == 500)
            #expect(json[member: "page"]?[member: "totalCount"]?.int == 3000)
            let items = try #require(json[member: "items"]?.array)
            for item in items {
                let key = (item[member: "requestedAt"]!.string!, item[member: "id"]!.string!)
                if let previous {
                    let a = Timestamp.parse(previous.0)!
                    let b = Timestamp.parse(key.0)!
                    #expect(a < b || (a == b && previous.1 < key.1), "order broken at \(key.1)")
                }
                previous = key
                ids.append(key.1)
            }
            if items.count < 500 { break }
        }
        #expect(ids.count == 3000 && Set(ids).count == 3000)
    }

    @Test(arguments: [(0, 60000, 200), (59, 1000, 200), (60, 1000, 400), (1, 30001, 400), (3000, 100, 400)])
    func pagingLimit(number: Int, size: Int, status: Int) throws {
        let (server, port) = try SimulatorTestData.start(count: 50)
        defer { server.stop() }
        let response = try SimulatorTestClient(port: port).get(
            "/payments", requestBody: "{\"page\":{\"number\":\(number),\"size\":\(size)}}")
        #expect(response.status == status)
        if status == 400 {
            #expect(try response.json()[member: "type"]?.string == "INVALID_REQUEST")
            #expect(try response.json()[member: "message"]?.string?.contains("60000") == true)
        }
    }

    @Test func statusFilterUsesPendingAndTotalCountsMatches() throws {
        let (server, port) = try SimulatorTestData.start()
        defer { server.stop() }
        let client = SimulatorTestClient(port: port)
        let response = try client.get(
            "/payments", requestBody: SimulatorTestData.listBody(extraFilter: ",\"status\":[\"PENDING\"]"))
        let json = try response.json()
        let items = try #require(json[member: "items"]?.array)
        #expect(!items.isEmpty)
        #expect(items.allSatisfy { $0[member: "status"]?.string == "PAY_PENDING" })
        #expect(json[member: "page"]?[member: "totalCount"]?.int == Int64(items.count))
        let test = try client.get("/payments", requestBody: SimulatorTestData.listBody(extraFilter: ",\"isTest\":true"))
            .json()
        #expect(
            test[member: "items"]?.array?.allSatisfy {
                $0[member: "channel"]?[member: "type"]?.string == "TEST"
                    || $0[member: "channelGroup"]?[member: "isForTest"] == .bool(true)
            } == true)
        let v1 = try client.get(
            "/payments", requestBody: SimulatorTestData.listBody(extraFilter: ",\"version\":\"V1\"")
        ).json()
        #expect(v1[member: "items"]?.array?.isEmpty == false)
        #expect(v1[member: "items"]?.array?.allSatisfy { $0[member: "version"]?.string == "V1" } == true)
    }

    @Test func getPaymentByPercentEncodedId() throws {
        let (server, port) = try SimulatorTestData.start(count: 20)
        defer { server.stop() }
        var special = try #require(server.store.payment(id: server.store.paidIds().first!))
        special.id = "order/2026 11#1?x=한"
        server.store.upsert([special])
        let client = SimulatorTestClient(port: port)
        let response = try client.request("GET", "/payments/" + SimulatorTestClient.encode(special.id))
        #expect(response.status == 200)
        #expect(try response.json()[member: "id"]?.string == special.id)
        let missing = try client.request("GET", "/payments/%20")
        #expect(missing.status == 404)
        #expect(try missing.json()[member: "type"]?.string == "PAYMENT_NOT_FOUND")
        let otherStore = try client.request(
            "GET", "/payments/" + SimulatorTestClient.encode(special.id) + "?storeId=store-other")
        #expect(otherStore.status == 403)
        #expect(try otherStore.json()[member: "type"]?.string == "FORBIDDEN")
    }

    @Test(arguments: [
        ("/payments", ""), ("/payments", "PortOne wrong"), ("/payments", "Bearer x"), ("/payments-by-cursor", ""),
        ("/payment-events-by-cursor", "PortOne"), ("/payments/any", "PortOne wrong"),
        ("/_simulator/stats", "PortOne wrong"),
    ])
    func missingOrWrongSecretIs401(path: String, authorization: String) throws {
        let (server, port) = try SimulatorTestData.start(count: 5)
        defer { server.stop() }
        let response = try SimulatorTestClient(port: port).request("GET", path, authorization: authorization)
        #expect(response.status == 401)
        #expect(try response.json()[member: "type"]?.string == "UNAUTHORIZED")
        #expect(!response.text.contains(SimulatorTestData.secret))
    }

    @Test(arguments: ["/payments", "/payments-by-cursor", "/payment-events-by-cursor"])
    func anotherStoreIs403(path: String) throws {
        let (server, port) = try SimulatorTestData.start(count: 5)
        defer { server.stop() }
        let body = path == "/payments" ? "{\"filter\":{\"storeId\":\"store-x\"}}" : "{\"storeId\":\"store-x\"}"
        let response = try SimulatorTestClient(port: port).get(path, requestBody: body)
        #expect(response.status == 403)
        #expect(try response.json()[member: "type"]?.string == "FORBIDDEN")
        let ours =
            path == "/payments"
            ? "{\"filter\":{\"storeId\":\"\(SimulatorTestData.storeId)\"}}"
            : "{\"storeId\":\"\(SimulatorTestData.storeId)\"}"
        #expect(try SimulatorTestClient(port: port).get(path, requestBody: ours).status == 200)
    }

    @Test(arguments: ["/payments", "/payments-by-cursor", "/payment-events-by-cursor"])
    func badRequestBodyIs400(path: String) throws {
        let (server, port) = try SimulatorTestData.start(count: 5)
        defer { server.stop() }
        let client = SimulatorTestClient(port: port)
        for body in ["{not json", "{\"bogus\":1}", "[]"] {
            let response = try client.get(path, requestBody: body)
            #expect(response.status == 400, "\(body)")
            #expect(try response.json()[member: "type"]?.string == "INVALID_REQUEST")
        }
    }

    @Test func paymentsByCursorCoverTheCreationWindow() throws {
        let (server, port) = try SimulatorTestData.start()
        defer { server.stop() }
        let client = SimulatorTestClient(port: port)
        let from = Timestamp.parse("2026-11-01T00:00:00Z")!
        var cursor: String?
        var ids: [String] = []
        while true {
            let cursorField = cursor.map { ",\"cursor\":\"\($0)\"" } ?? ""
            let response = try client.get(
                "/payments-by-cursor",
                requestBody:
                    "{\"from\":\"\(from)\",\"until\":\"\(SimulatorTestData.until)\",\"size\":333\(cursorField)}")
            #expect(response.status == 200)
            let items = try #require(try response.json()[member: "items"]?.array)
            if items.isEmpty { break }
            for item in items {
                let requestedAt = Timestamp.parse(item[member: "payment"]![member: "requestedAt"]!.string!)!
                #expect(requestedAt >= from && requestedAt < SimulatorTestData.until)
                ids.append(item[member: "payment"]![member: "id"]!.string!)
            }
            cursor = items.last?[member: "cursor"]?.string
        }
        let expected = server.store.allJSON().compactMap { try? JSONValue.parse($0) }.filter {
            Timestamp.parse($0[member: "requestedAt"]!.string!)! >= from
        }.map { $0[member: "id"]!.string! }
        #expect(ids == expected)
        let defaultSize = try client.get(
            "/payments-by-cursor", requestBody: "{\"from\":\"\(from)\",\"until\":\"\(SimulatorTestData.until)\"}"
        ).json()
        #expect(defaultSize[member: "items"]?.array?.count == 10)
        #expect(try client.get("/payments-by-cursor", requestBody: "{\"size\":1001}").status == 400)
        #expect(try client.get("/payments-by-cursor", requestBody: "{\"cursor\":\"nope\"}").status == 400)
    }

    @Test func eventsCarrySignedAmountsInEventTimeOrder() throws {
        let (server, port) = try SimulatorTestData.start()
        defer { server.stop() }
        let client = SimulatorTestClient(port: port)
        var cursor: String?
        var events: [JSONValue] = []
        while true {
            let cursorField = cursor.map { ",\"cursor\":\"\($0)\"" } ?? ""
            let response = try client.get(
                "/payment-events-by-cursor",
                requestBody:
                    "{\"from\":\"2020-01-01T00:00:00Z\",\"until\":\"\(SimulatorTestData.until)\",\"size\":1000\(cursorField)}"
            )
            let items = try #require(try response.json()[member: "items"]?.array)
            if items.isEmpty { break }
            events += items.map { $0[member: "paymentEvent"]! }
            cursor = items.last?[member: "cursor"]?.string
        }
        #expect(Set(events.compactMap { $0[member: "type"]?.string }) == ["PAID", "PARTIAL_CANCELLED", "CANCELLED"])
        var net: [String: Int64] = [:]
        var lastTime: Timestamp?
        for event in events {
            let amount = event[member: "eventAmount"]!.int!
            let type = event[member: "type"]!.string!
            #expect(type == "PAID" ? amount > 0 : amount < 0)
            if type != "PAID" { #expect(event[member: "cancellation"]?[member: "status"]?.string == "SUCCEEDED") }
            net[event[member: "paymentId"]!.string!, default: 0] += amount
            let at = Timestamp.parse(event[member: "createdAt"]!.string!)!
            if let lastTime { #expect(lastTime <= at) }
            lastTime = at
        }
        // Net money per payment equals paid − cancelled of the payment itself.
        for (id, amount) in net.prefix(300) {
            let payment = try JSONValue.parse(try #require(server.store.json(id: id)))
            #expect(
                amount == payment[member: "amount"]![member: "paid"]!.int! - payment[member: "amount"]![
                    member: "cancelled"]!.int!, "\(id)")
        }
    }

    @Test func listInputMayAlsoComeAsAJSONBody() throws {
        let (server, port) = try SimulatorTestData.start(count: 100)
        defer { server.stop() }
        let client = SimulatorTestClient(port: port)
        let viaBody = try client.request("GET", "/payments", body: Array(SimulatorTestData.listBody(size: 7).utf8))
        let viaQuery = try client.get("/payments", requestBody: SimulatorTestData.listBody(size: 7))
        #expect(viaBody.status == 200)
        #expect(viaBody.body == viaQuery.body)
        #expect(try viaBody.json()[member: "items"]?.array?.count == 7)
    }

    @Test func expectContinueGetsAnInterimAnswer() throws {
        let (server, port) = try SimulatorTestData.start(count: 5)
        defer { server.stop() }
        let client = SimulatorTestClient(port: port)
        let body = Array("{\"payments\":[]}".utf8)
        let head =
            "POST /_simulator/payments HTTP/1.1\r\nAuthorization: PortOne \(SimulatorTestData.secret)\r\nExpect: 100-continue\r\nContent-Length: \(body.count)\r\n\r\n"
        let interim = try client.raw(Array(head.utf8))
        #expect(interim.status == 100)
        let final = try client.raw(body)
        #expect(final.status == 200)
        #expect(try final.json()[member: "upserted"]?.int == 0)
    }

    @Test func manyKeepAliveConnectionsInParallel() async throws {
        let (server, port) = try SimulatorTestData.start(count: 1000)
        defer { server.stop() }
        let ok = try await withThrowingTaskGroup(of: Int.self) { group in
            for worker in 0..<16 {
                group.addTask {
                    let client = SimulatorTestClient(port: port)
                    var good = 0
                    for number in 0..<20 {
                        let response = try client.get(
                            "/payments",
                            requestBody: SimulatorTestData.listBody(number: (number + worker) % 10, size: 100))
                        if response.status == 200, response.headers["connection"] == "keep-alive" { good += 1 }
                    }
                    return good
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(ok == 16 * 20)
    }

    @Test func malformedHTTPGetsAnErrorAndTheConnectionCloses() throws {
        let (server, port) = try SimulatorTestData.start(count: 5)
        defer { server.stop() }
        let client = SimulatorTestClient(port: port)
        let response = try client.raw(Array("GET /payments HTTP/1.1\r\nContent-Length: 999999999999\r\n\r\n".utf8))
        #expect(response.status == 400 || response.status == 413)
        #expect(response.headers["connection"] == "close")
        let big = try SimulatorTestClient(port: port).raw(
            Array("GET /payments HTTP/1.1\r\nX: \(String(repeating: "a", count: 40000))\r\n\r\n".utf8))
        #expect(big.status == 431)
    }
}
