import Testing

@testable import LoopbackHTTP

@Suite struct RequestParserTests {
    let parser = RequestParser(maxHeadBytes: 1024, maxBodyBytes: 100)

    func parse(_ text: String) -> RequestParser.Outcome { parser.parse(Array(text.utf8)) }

    @Test func parsesARequestWithQueryAndHeaders() throws {
        let outcome = parse(
            "GET /payments?requestBody=%7B%22a%22%3A1%7D&x=a+b HTTP/1.1\r\nHost: x\r\nAuthorization: PortOne s\r\n\r\nNEXT"
        )
        guard case .request(let request, let consumed) = outcome else {
            Issue.record("expected a request, got \(outcome)")
            return
        }
        #expect(request.method == "GET")
        #expect(request.path == "/payments")
        #expect(request.query["requestBody"] == "{\"a\":1}")
        #expect(request.query["x"] == "a b")
        #expect(request.header("AUTHORIZATION") == "PortOne s")
        #expect(request.keepAlive)
        #expect(consumed == outcome.consumedCount)
        #expect(
            consumed
                == Array(
                    "GET /payments?requestBody=%7B%22a%22%3A1%7D&x=a+b HTTP/1.1\r\nHost: x\r\nAuthorization: PortOne s\r\n\r\n"
                        .utf8
                ).count)
    }

    @Test func readsAContentLengthBodyAndWaitsForAllOfIt() {
        #expect(parse("PUT /_simulator/faults HTTP/1.1\r\nContent-Length: 5\r\n\r\nab") == .needMore)
        guard case .request(let request, _) = parse("PUT /_simulator/faults HTTP/1.1\r\nContent-Length: 5\r\n\r\nabcde")
        else {
            Issue.record("expected a request")
            return
        }
        #expect(request.body == Array("abcde".utf8))
    }

    @Test func decodesAChunkedBodyWithExtensionsAndTrailers() {
        let text =
            "POST /_simulator/payments HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nabcd\r\n3\r\nefg\r\n0\r\nX-Trailer: 1\r\n\r\nNEXT"
        for cut in [60, 80, text.utf8.count - 6] {
            #expect(parser.parse(Array(Array(text.utf8).prefix(cut))) == .needMore, "cut at \(cut)")
        }
        guard case .request(let request, let consumed) = parse(text) else {
            Issue.record("expected a request")
            return
        }
        #expect(request.body == Array("abcdefg".utf8))
        #expect(consumed == text.utf8.count - 4)
    }

    @Test func percentDecodesThePathButKeepsTheRawPath() {
        guard case .request(let request, _) = parse("GET /payments/order%2F1%20x HTTP/1.1\r\n\r\n") else {
            Issue.record("expected a request")
            return
        }
        #expect(request.path == "/payments/order/1 x")
        #expect(request.rawPath == "/payments/order%2F1%20x")
    }

    @Test(arguments: [
        ("GET /x HTTP/1.1\r\nConnection: close\r\n\r\n", false),
        ("GET /x HTTP/1.0\r\n\r\n", false),
        ("GET /x HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true),
        ("GET /x HTTP/1.1\r\n\r\n", true),
    ])
    func keepAliveFollowsTheVersionAndHeader(text: String, keepAlive: Bool) {
        guard case .request(let request, _) = parse(text) else {
            Issue.record("expected a request")
            return
        }
        #expect(request.keepAlive == keepAlive)
    }

    @Test(arguments: [
        ("GET /x HTTP/1.1\r\nContent-Length: 101\r\n\r\n", 413),
        ("GET /x HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400),
        ("GET /x HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400),
        ("GET /x HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
        ("GET /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", 400),
        ("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
        ("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n", 400),
        ("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n65\r\n", 413),
        ("GET /x HTTP/2.0\r\n\r\n", 505),
        ("GET /x\r\n\r\n", 400),
        ("GET  /x HTTP/1.1\r\n\r\n", 400),
        ("GET /x HTTP/1.1\r\nBad Header\r\n\r\n", 400),
        ("GET /x HTTP/1.1\r\n Folded: x\r\n\r\n", 400),
        ("GET x HTTP/1.1\r\n\r\n", 400),
        ("GET /x%zz HTTP/1.1\r\n\r\n", 400),
    ])
    func rejectsBadRequests(text: String, status: Int) {
        guard case .failure(let got, let message) = parse(text) else {
            Issue.record("expected failure \(status) for \(text.prefix(40))")
            return
        }
        #expect(got == status, "\(message)")
        #expect(!message.isEmpty)
    }

    @Test func anOversizedHeadIsRefused() {
        guard
            case .failure(let status, _) = parse(
                "GET /x HTTP/1.1\r\nX: " + String(repeating: "a", count: 2000) + "\r\n\r\n")
        else {
            Issue.record("expected a failure")
            return
        }
        #expect(status == 431)
    }

    @Test func anOversizedHeadWithoutTerminatorFailsEarly() {
        let outcome = parse("GET /x HTTP/1.1\r\nX: " + String(repeating: "a", count: 2000))
        #expect(outcome == .failure(status: 431, message: "request head exceeds 1024 bytes"))
    }
}

extension RequestParser.Outcome {
    var consumedCount: Int {
        if case .request(_, let consumed) = self { return consumed }
        return -1
    }
}

@Suite struct RequestParserHardeningTests {
    let strict = RequestParser(maxHeadBytes: 4096, maxBodyBytes: 100, maxHeaderCount: 5, refusesPathTricks: true)

    @Test(arguments: [
        "/../etc/passwd", "/runs/..", "/runs/%2e%2e/x", "/a/./b", "/a\\b", "/a%5cb", "/a%00b", "/a%0d%0ab", "//evil",
    ])
    func refusesPathTricks(path: String) {
        let outcome = strict.parse(Array("GET \(path) HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        guard case .failure(let status, _) = outcome else {
            Issue.record("accepted \(path)")
            return
        }
        #expect(status == 400)
    }

    @Test(arguments: ["/", "/runs/12", "/discrepancies?kind=MISSED_GRANT&status=open", "/static/console.css"])
    func acceptsOrdinaryPaths(path: String) {
        guard case .request = strict.parse(Array("GET \(path) HTTP/1.1\r\nHost: x\r\n\r\n".utf8)) else {
            Issue.record("refused \(path)")
            return
        }
    }

    @Test func refusesTooManyHeaderFields() {
        let head = "GET / HTTP/1.1\r\n" + (0..<6).map { "X-\($0): y\r\n" }.joined() + "\r\n"
        #expect(strict.parse(Array(head.utf8)) == .failure(status: 431, message: "more than 5 header fields"))
        let fine = "GET / HTTP/1.1\r\n" + (0..<5).map { "X-\($0): y\r\n" }.joined() + "\r\n"
        guard case .request = strict.parse(Array(fine.utf8)) else {
            Issue.record("refused five fields")
            return
        }
    }

    @Test func theSimulatorsParserStillTakesOddPaymentIds() {
        let lenient = RequestParser()
        guard case .request(let request, _) = lenient.parse(Array("GET /payments/..%2Fx HTTP/1.1\r\n\r\n".utf8)) else {
            Issue.record("refused")
            return
        }
        #expect(request.path == "/payments/../x")
    }
}
