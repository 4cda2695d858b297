import Foundation
import Synchronization
import WireFormat

/// The PortOne V2 simulator: serves `GET /payments`, `/payments-by-cursor`,
/// `/payment-events-by-cursor` and `/payments/{paymentId}` from a `PaymentStore`, plus the
/// control API under `/_simulator/`, with fault injection.
///
/// Contract choices where the OpenAPI document is silent (the client may rely on them):
/// - `GET /payments`: `from` inclusive, `until` exclusive; `until` defaults to now and `from`
///   to `until` − 90 days. `sortBy` defaults to the field `timestampType` filters on
///   (STATUS_CHANGED_AT unless CREATED_AT), `sortOrder` to DESC; ties are always broken by
///   payment id ascending (Swift `String` order, byte order for ASCII ids).
///   `page.totalCount` is the number of payments matching the query (all pages), not the
///   page's item count. Unknown top-level keys are 400; filter fields the simulator does not
///   implement (methods, pgProvider, textSearch, ...) are ignored.
/// - `statusChangedAt` is the time of the current status; each further SUCCEEDED partial
///   cancellation moves it (and `cancelledAt`) to that cancellation's time.
/// - Cursors are opaque strings; the cursor of item k resumes right after item k. An unknown
///   cursor is 400 INVALID_REQUEST. Cursor pages stop at `until` and are empty at the end.
/// - Events: `PAID` at `paidAt` (eventAmount = amount.paid), then one per SUCCEEDED
///   cancellation at its `cancelledAt` (else `requestedAt`), eventAmount = −totalAmount,
///   type CANCELLED for the one that completes the refund, else PARTIAL_CANCELLED; ordered by
///   (event time, payment id, ordinal). Event ids: `evt-<cancellationId>`, `evt-<transactionId>-paid`.
/// - `GET /payments/{id}`: `?storeId=` other than ours is 403; an unknown id is 404.
/// - `unknownStatusEvery` replaces the first payment's `status` with `PAY_SCHEDULED` (on
///   `/payment-events-by-cursor`: the first event's `type` with `DISPUTE_CREATED`).
/// - `eventsFeedStatus` (404, 403 or 200) makes every `/payment-events-by-cursor` request fail:
///   404 or 403 with PortOne's error body, or 200 with a body that has no `items`.
/// - `emptyPageEvery` (counted over `GET /payments` requests) answers 200 with `"items":[]`
///   and the `page` object unchanged, so `totalCount` still says how many payments match.
/// - The list endpoints also accept the JSON input as a request body when `requestBody` is absent.
/// - Fault responses: 429 carries `Retry-After` and `{"type":"TOO_MANY_REQUESTS",...}`; the
///   5xx fault alternates 500 JSON `{"type":"INTERNAL_SERVER_ERROR",...}` and 503 plain text.
/// - The control API uses the same `Authorization: PortOne <secret>` header. Beyond the brief:
///   `GET /_simulator/faults` returns the configuration in force; `/_simulator/stats` also
///   carries it under `faults`; `POST /_simulator/payments` answers `{"upserted":n,"ids":[...]}`
///   and `POST /_simulator/mutate` `{"changed":[...]}`. `DELETE /_simulator/payments/{paymentId}`
///   removes a payment as if PortOne no longer knew it (`{"deleted":"<id>"}`, or 404
///   `PAYMENT_NOT_FOUND` for an unknown id). Faults count API requests since the
///   last `PUT /_simulator/faults`; `mutateEvery` counts list requests only.
/// - Live traffic (``LiveTraffic``): `GET|PUT /_simulator/live` (configuration and counters;
///   PUT merges the members it names) and `GET /_simulator/live/log[?after=N]` (the ground
///   truth of every live payment); it runs only while the server is started.
/// - Uploaded payments are decoded into `SimulatedPayment` and re-rendered, so fields the
///   simulator does not model are dropped; an unknown `status` value is kept.
/// - HTTP: keep-alive by default (HTTP/1.1), `Content-Length` or chunked request bodies,
///   `Expect: 100-continue` answered, 120 s idle timeout, 64 MiB body limit
///   (`--max-body-bytes`); malformed requests get a plain-text 4xx/5xx and the connection closes.
public final class SimulatorServer: Sendable {
    /// What concurrent requests share: the faults in force, the counters they are decided by,
    /// the statistics, and the randomness of jitter and mutations.
    private struct State {
        /// The fault configuration in force.
        var faults: FaultConfiguration
        /// API requests since the faults were last set.
        var apiRequests = 0
        /// List requests since then (for `mutateEvery`).
        var listRequests = 0
        /// `GET /payments` requests since then (for `emptyPageEvery`).
        var pageRequests = 0
        /// Every request served.
        var requests = 0
        /// Requests by route.
        var byPath: [String: Int] = [:]
        /// Faults injected, by name.
        var injected: [String: Int] = [:]
        /// The listening server, once started.
        var server: HTTPServer?
        /// Jitter and mutation seeds.
        var random: SeededRandom
    }

    /// The data.
    public let store: PaymentStore
    /// Money moving while serving (`/_simulator/live`); see ``LiveTraffic``.
    public let live: LiveTraffic
    private let secret: String
    private let storeId: String
    private let state: Mutex<State>
    private let log: (@Sendable (String) -> Void)?

    /// Creates a simulator over `store`.
    ///
    /// - Parameters:
    ///   - secret: the API secret clients must send (`Authorization: PortOne <secret>`).
    ///   - storeId: our store; requests naming another store get 403.
    ///   - faults: the initial fault configuration.
    ///   - seed: seeds the randomness of jitter and mutations.
    ///   - log: receives one line per request when set.
    ///   - live: the live traffic; nil makes a stopped one whose buyers are
    ///     ``LiveTraffic/standInUsers(seed:)``.
    public init(
        store: PaymentStore, secret: String, storeId: String, faults: FaultConfiguration = FaultConfiguration(),
        seed: UInt64 = 1, log: (@Sendable (String) -> Void)? = nil, live: LiveTraffic? = nil
    ) {
        self.store = store
        self.live = live ?? LiveTraffic(store: store, storeId: storeId, users: LiveTraffic.standInUsers(seed: seed))
        self.secret = secret
        self.storeId = storeId
        self.state = Mutex(State(faults: faults, random: SeededRandom(seed: seed, stream: 9, index: 0)))
        self.log = log
    }

    /// Starts listening; returns the bound port.
    @discardableResult
    public func start(host: String = "127.0.0.1", port: Int = 0, maxBodyBytes: Int = 64 * 1024 * 1024) throws -> Int {
        let server = HTTPServer(parser: RequestParser(maxBodyBytes: maxBodyBytes)) { [self] request in
            handle(request)
        }
        try server.start(host: host, port: port)
        state.withLock { $0.server = server }
        live.start()
        return server.port
    }

    /// Stops listening and closes connections.
    public func stop() {
        live.stop()
        state.withLock { $0.server }?.stop()
    }

    /// The fault configuration in force.
    public var faultConfiguration: FaultConfiguration {
        get { state.withLock { $0.faults } }
        set {
            state.withLock {
                $0.faults = newValue
                $0.apiRequests = 0
                $0.listRequests = 0
                $0.pageRequests = 0
            }
        }
    }

    /// Answers one request (also usable without a socket, e.g. in unit tests).
    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        let route = Self.route(of: request.path)
        state.withLock {
            $0.requests += 1
            $0.byPath[route, default: 0] += 1
        }
        let response = dispatch(request, route: route)
        log?("\(request.method) \(request.target) → \(response.status)")
        return response
    }

    /// The route name of `path` (payment ids collapse to `{paymentId}`).
    static func route(of path: String) -> String {
        if path.hasPrefix("/payments/") { return "/payments/{paymentId}" }
        if path.hasPrefix("/_simulator/payments/") { return "/_simulator/payments/{paymentId}" }
        return path
    }

    private func dispatch(_ request: HTTPRequest, route: String) -> HTTPResponse {
        let apiRoutes: Set<String> = [
            "/payments", "/payments-by-cursor", "/payment-events-by-cursor", "/payments/{paymentId}",
        ]
        let isAPI = apiRoutes.contains(route)
        let isControl = route.hasPrefix("/_simulator/")
        guard isAPI || isControl else {
            return .json(
                404,
                Array(
                    "{\"type\":\"NOT_FOUND\",\"message\":\"no such endpoint: \(request.path.replacingOccurrences(of: "\"", with: ""))\"}"
                        .utf8))
        }
        guard request.header("authorization") == "PortOne \(secret)" else {
            let reason = request.header("authorization") == nil ? "Authorization 헤더가 없습니다" : "API secret이 올바르지 않습니다"
            return error(.unauthorized(reason))
        }
        if isControl { return control(request, route: route) }
        guard request.method == "GET" else {
            return HTTPResponse(
                status: 405, headers: [("Allow", "GET"), ("Content-Type", "application/json")],
                body: APIError.invalid("\(request.method) is not allowed on \(route)").body)
        }
        return api(request, route: route)
    }

    private func error(_ error: APIError) -> HTTPResponse { .json(error.statusCode, error.body) }

    // MARK: PortOne API

    private enum Fault {
        case rateLimit
        case serverError(Int)
        case drop, truncate, malformed, html, unknownStatus
    }

    private func api(_ request: HTTPRequest, route: String) -> HTTPResponse {
        let isList = route != "/payments/{paymentId}"
        let (config, fault, delayMs, mutate, emptyPage) = state.withLock {
            state -> (FaultConfiguration, Fault?, Int, Bool, Bool) in
            let faults = state.faults
            state.apiRequests += 1
            let n = state.apiRequests
            var mutate = false
            var emptyPage = false
            if isList {
                state.listRequests += 1
                mutate = faults.mutateEvery > 0 && state.listRequests % faults.mutateEvery == 0
            }
            if route == "/payments" {
                state.pageRequests += 1
                emptyPage = faults.emptyPageEvery > 0 && state.pageRequests % faults.emptyPageEvery == 0
            }
            func every(_ k: Int) -> Bool { k > 0 && n % k == 0 }
            var fault: Fault?
            if every(faults.rateLimitEvery) {
                fault = .rateLimit
            } else if every(faults.serverErrorEvery) {
                fault = .serverError(n / faults.serverErrorEvery)
            } else if every(faults.dropConnectionEvery) {
                fault = .drop
            } else if every(faults.truncateEvery) {
                fault = .truncate
            } else if every(faults.malformedEvery) {
                fault = .malformed
            } else if every(faults.htmlErrorEvery) {
                fault = .html
            } else if every(faults.unknownStatusEvery) {
                fault = .unknownStatus
            }
            let jitter = faults.jitterMs > 0 ? Int(state.random.int(0...Int64(faults.jitterMs))) : 0
            return (faults, fault, faults.latencyMs + jitter, mutate, emptyPage)
        }
        if delayMs > 0 { usleep(useconds_t(min(delayMs, 600_000)) * 1000) }
        if mutate {
            let seed = state.withLock { $0.random.next() }
            let changed = mutateRandomPaid(count: 1, seed: seed)
            if !changed.isEmpty { count("mutate") }
        }
        switch fault {
        case .rateLimit:
            count("rateLimit")
            return HTTPResponse(
                status: 429,
                headers: [("Retry-After", "\(config.retryAfterSeconds)"), ("Content-Type", "application/json")],
                body: Array("{\"type\":\"TOO_MANY_REQUESTS\",\"message\":\"요청이 너무 많습니다. 잠시 후 다시 시도해 주세요.\"}".utf8))
        case .serverError(let k):
            count("serverError")
            if k % 2 == 1 {
                return .json(500, Array("{\"type\":\"INTERNAL_SERVER_ERROR\",\"message\":\"일시적인 서버 오류입니다.\"}".utf8))
            }
            return .text(503, "Service Temporarily Unavailable\n")
        case .drop:
            count("dropConnection")
            var response = HTTPResponse(status: 200)
            response.delivery = .drop
            return response
        case .html:
            count("htmlError")
            return HTTPResponse(
                status: 502, headers: [("Content-Type", "text/html")],
                body: Array(
                    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
                        .utf8))
        default:
            break
        }
        if route == "/payment-events-by-cursor", let failed = Self.eventsFeedFailure(config.eventsFeedStatus) {
            count("eventsFeed")
            return failed
        }
        var response = serveAPI(request, route: route)
        guard response.status == 200 else { return response }
        if emptyPage, let emptied = Self.emptyItems(response.body) {
            count("emptyPage")
            response.body = emptied
        }
        switch fault {
        case .truncate:
            count("truncate")
            response.delivery = .truncate(bodyBytes: response.body.count / 2)
        case .malformed:
            count("malformed")
            response.body = Array(response.body.prefix(response.body.count / 2)) + Array("<<not json".utf8)
        case .unknownStatus:
            let replaced =
                route == "/payment-events-by-cursor"
                ? Self.replaceFirst(response.body, after: "{\"paymentEvent\":{\"type\":\"", with: "DISPUTE_CREATED")
                : Self.replaceFirst(response.body, after: "{\"status\":\"", with: "PAY_SCHEDULED")
            if let replaced {
                count("unknownStatus")
                response.body = replaced
            }
        default:
            break
        }
        return response
    }

    private func count(_ fault: String) {
        state.withLock { $0.injected[fault, default: 0] += 1 }
    }

    /// A `GET /payments` body with its `items` emptied and its `page` kept; nil when the page
    /// had no items anyway.
    static func emptyItems(_ body: [UInt8]) -> [UInt8]? {
        let prefix = Array("{\"items\":[".utf8)
        let marker = Array("],\"page\":{".utf8)
        guard body.starts(with: prefix), body.count > prefix.count, body[prefix.count] != 93 else { return nil }
        var position = body.count - marker.count
        while position >= prefix.count {
            if body[position..<(position + marker.count)].elementsEqual(marker) {
                return prefix + Array(body[position...])
            }
            position -= 1
        }
        return nil
    }

    /// The answer of a journal made to fail by `eventsFeedStatus` (see ``FaultConfiguration``).
    static func eventsFeedFailure(_ status: Int) -> HTTPResponse? {
        switch status {
        case 404:
            return .json(404, Array("{\"type\":\"NOT_FOUND\",\"message\":\"요청한 API를 찾을 수 없습니다.\"}".utf8))
        case 403:
            return .json(403, Array("{\"type\":\"FORBIDDEN\",\"message\":\"요청이 거절되었습니다.\"}".utf8))
        case 200:
            return .json(200, Array("{\"events\":\"this is not the documented shape\"}".utf8))
        default:
            return nil
        }
    }

    /// Replaces the string value that follows the first `marker` (e.g. the first payment's
    /// status: every payment's JSON starts with `{"status":"`).
    static func replaceFirst(_ body: [UInt8], after marker: String, with status: String) -> [UInt8]? {
        let needle = Array(marker.utf8)
        guard let start = RequestParser.findSequence(body, needle) else { return nil }
        let valueStart = start + needle.count
        guard let end = body[valueStart...].firstIndex(of: 34) else { return nil }
        return Array(body[..<valueStart]) + Array(status.utf8) + Array(body[end...])
    }

    private func serveAPI(_ request: HTTPRequest, route: String) -> HTTPResponse {
        do {
            switch route {
            case "/payments": return try listPayments(request)
            case "/payments-by-cursor": return try paymentsByCursor(request)
            case "/payment-events-by-cursor": return try eventsByCursor(request)
            default: return try getPayment(request)
            }
        } catch {
            return self.error(error)
        }
    }

    /// The request's JSON input: the `requestBody` query parameter, else a JSON body
    /// (the document marks these operations `x-portone-query-or-body`).
    private func requestBody(_ request: HTTPRequest) -> String? {
        if let query = request.query["requestBody"] { return query }
        guard !request.body.isEmpty else { return nil }
        return String(decoding: request.body, as: UTF8.self)
    }

    private func listPayments(_ request: HTTPRequest) throws(APIError) -> HTTPResponse {
        let query = try PaymentQuery.parse(requestBody(request), storeId: storeId, now: Timestamp.now().nanoseconds)
        let (items, total) = store.query(query)
        var body: [UInt8] = []
        body.reserveCapacity(items.reduce(64) { $0 + $1.count + 1 })
        body.append(contentsOf: Array("{\"items\":[".utf8))
        for (i, item) in items.enumerated() {
            if i > 0 { body.append(44) }
            body.append(contentsOf: item)
        }
        body.append(contentsOf: Array("],\"page\":{\"number\":".utf8))
        JSONWriter.appendInt(Int64(query.pageNumber), to: &body)
        body.append(contentsOf: Array(",\"size\":".utf8))
        JSONWriter.appendInt(Int64(query.size), to: &body)
        body.append(contentsOf: Array(",\"totalCount\":".utf8))
        JSONWriter.appendInt(Int64(total), to: &body)
        body.append(contentsOf: Array("}}".utf8))
        return .json(200, body)
    }

    private struct CursorRequest {
        /// Window start (inclusive), nanoseconds.
        var from: Int64
        /// Window end (exclusive), nanoseconds.
        var until: Int64
        /// Resume after this position.
        var cursor: PageCursor?
        /// Page size (1...1000).
        var size: Int
    }

    private func cursorRequest(_ request: HTTPRequest) throws(APIError) -> CursorRequest {
        let object = try APIError.jsonObject(requestBody(request))
        try APIError.checkKeys(object, allowed: ["storeId", "from", "until", "cursor", "size"], context: "requestBody")
        if let store = object["storeId"] {
            guard let store = store.stringValue else { throw .invalid("storeId must be a string") }
            guard store == storeId else { throw .forbidden(store) }
        }
        let until = try APIError.timestamp(object["until"], "until")?.nanoseconds ?? Timestamp.now().nanoseconds
        let from = try APIError.timestamp(object["from"], "from")?.nanoseconds ?? (until - 90 * 86_400 * 1_000_000_000)
        let size = try APIError.int32(object["size"], "size") ?? 10
        guard (1...1000).contains(size) else { throw .invalid("size must be between 1 and 1000, got \(size)") }
        /// Resume after this position.
        var cursor: PageCursor?
        if let raw = object["cursor"] {
            guard let text = raw.stringValue, let decoded = PageCursor(encoded: text) else {
                throw .invalid("cursor is not a cursor this API returned")
            }
            cursor = decoded
        }
        return CursorRequest(from: from, until: until, cursor: cursor, size: size)
    }

    private func paymentsByCursor(_ request: HTTPRequest) throws(APIError) -> HTTPResponse {
        let r = try cursorRequest(request)
        let page = store.cursorPage(from: r.from, until: r.until, after: r.cursor, size: r.size)
        var body: [UInt8] = Array("{\"items\":[".utf8)
        body.reserveCapacity(page.reduce(64) { $0 + $1.json.count + 80 })
        for (i, item) in page.enumerated() {
            if i > 0 { body.append(44) }
            body.append(contentsOf: Array("{\"payment\":".utf8))
            body.append(contentsOf: item.json)
            body.append(contentsOf: Array(",\"cursor\":".utf8))
            JSONWriter.appendQuoted(item.cursor.encoded, to: &body)
            body.append(125)
        }
        body.append(contentsOf: Array("]}".utf8))
        return .json(200, body)
    }

    private func eventsByCursor(_ request: HTTPRequest) throws(APIError) -> HTTPResponse {
        let r = try cursorRequest(request)
        let page = store.eventPage(from: r.from, until: r.until, after: r.cursor, size: r.size)
        // Each event's JSON was rendered when its payment was stored: the page is concatenation.
        var body: [UInt8] = Array("{\"items\":[".utf8)
        body.reserveCapacity(page.reduce(64) { $0 + $1.json.count + 80 })
        for (i, item) in page.enumerated() {
            if i > 0 { body.append(44) }
            body.append(contentsOf: Array("{\"paymentEvent\":".utf8))
            body.append(contentsOf: item.json)
            body.append(contentsOf: Array(",\"cursor\":".utf8))
            JSONWriter.appendQuoted(item.cursor.encoded, to: &body)
            body.append(125)
        }
        body.append(contentsOf: Array("]}".utf8))
        return .json(200, body)
    }

    private func getPayment(_ request: HTTPRequest) throws(APIError) -> HTTPResponse {
        let rawId = request.rawPath.dropFirst("/payments/".count)
        guard let id = HTTPRequest.percentDecode(rawId, plusIsSpace: false), !id.isEmpty else {
            throw .invalid("paymentId is missing or badly percent-encoded")
        }
        if let store = request.query["storeId"], store != storeId { throw .forbidden(store) }
        guard let json = store.json(id: id) else { throw .paymentNotFound(id) }
        return .json(200, json)
    }

    // MARK: Control API

    private func control(_ request: HTTPRequest, route: String) -> HTTPResponse {
        if let answer = live.control(request, route: route) { return answer }
        switch (request.method, route) {
        case ("GET", "/_simulator/stats"):
            return .json(200, statsJSON())
        case ("GET", "/_simulator/faults"):
            return .json(200, faultConfiguration.json)
        case ("PUT", "/_simulator/faults"):
            do {
                let config = try FaultConfiguration.parse(request.body)
                faultConfiguration = config
                return .json(200, config.json)
            } catch {
                return self.error(error)
            }
        case ("POST", "/_simulator/payments"):
            struct Upload: Decodable { var payments: [SimulatedPayment] }
            do {
                let upload = try JSONDecoder().decode(Upload.self, from: Data(request.body))
                store.upsert(upload.payments)
                var w = JSONWriter()
                w.beginObject()
                w.int("upserted", Int64(upload.payments.count))
                w.beginArray("ids")
                for payment in upload.payments { w.string(nil, payment.id) }
                w.endArray()
                w.endObject()
                return .json(200, w.bytes)
            } catch {
                return self.error(
                    .invalid("body must be {\"payments\":[Payment...]}: \(SimulatorFailure.describe(error))"))
            }
        case ("DELETE", "/_simulator/payments/{paymentId}"):
            let rawId = request.rawPath.dropFirst("/_simulator/payments/".count)
            guard let id = HTTPRequest.percentDecode(rawId, plusIsSpace: false), !id.isEmpty else {
                return error(.invalid("paymentId is missing or badly percent-encoded"))
            }
            guard store.delete(id: id) else { return error(.paymentNotFound(id)) }
            var w = JSONWriter()
            w.beginObject()
            w.string("deleted", id)
            w.endObject()
            return .json(200, w.bytes)
        case ("POST", "/_simulator/mutate"):
            guard let object = (try? JSONValue.parse(Data(request.body)))?.objectValue else {
                return error(.invalid("body must be {\"count\":N,\"seed\":S}"))
            }
            let count = object["count"].flatMap(APIError.wholeNumber).map { Int($0) } ?? 1
            let seed = object["seed"].flatMap(APIError.wholeNumber).map { UInt64(bitPattern: $0) } ?? 1
            guard count >= 0 else { return error(.invalid("count must be ≥ 0")) }
            let changed = mutateRandomPaid(count: count, seed: seed)
            var w = JSONWriter()
            w.beginObject()
            w.beginArray("changed")
            for id in changed { w.string(nil, id) }
            w.endArray()
            w.endObject()
            return .json(200, w.bytes)
        default:
            return .json(404, APIError.invalid("no control endpoint \(request.method) \(route)").body)
        }
    }

    private func statsJSON() -> [UInt8] {
        let (requests, byPath, injected, faults) = state.withLock {
            ($0.requests, $0.byPath, $0.injected, $0.faults)
        }
        var w = JSONWriter()
        w.beginObject()
        w.int("requests", Int64(requests))
        w.beginObject("byPath")
        for (path, n) in byPath.sorted(by: { $0.key < $1.key }) { w.int(path, Int64(n)) }
        w.endObject()
        w.int("payments", Int64(store.count))
        w.beginObject("faultsInjected")
        for (fault, n) in injected.sorted(by: { $0.key < $1.key }) { w.int(fault, Int64(n)) }
        w.endObject()
        w.raw("faults", faults.json)
        w.endObject()
        return w.bytes
    }

    /// Gives `count` random PAID payments a SUCCEEDED cancellation now (full or half), moving
    /// their `statusChangedAt` to now. Returns the changed ids.
    @discardableResult
    public func mutateRandomPaid(count: Int, seed: UInt64) -> [String] {
        var rng = SeededRandom(seed: seed, stream: 7, index: 0)
        var candidates = store.randomPaidIds(count: count, using: &rng)
        var changed: [String] = []
        while changed.count < count, !candidates.isEmpty {
            let id = candidates.removeFirst()
            let full = rng.chance(0.5)
            let cancellationId = rng.uuid()
            let updated = store.modify(id: id) { payment in
                guard payment.status == .paid else { return nil }
                return Self.cancel(
                    payment, full: full, cancellationId: cancellationId, at: Timestamp.now(fractionDigits: 6))
            }
            if updated != nil { changed.append(id) }
        }
        return changed
    }

    /// `payment` with a SUCCEEDED cancellation at `at`: the whole remaining amount when `full`,
    /// else half of it (rounded down to 100).
    public static func cancel(_ payment: SimulatedPayment, full: Bool, cancellationId: String, at: Timestamp)
        -> SimulatedPayment
    {
        var p = payment
        let remaining = p.amount.paid - p.amount.cancelled
        var amount = full ? remaining : max(100, remaining / 2 / 100 * 100)
        if amount >= remaining { amount = remaining }
        let cancellation = SimulatedPayment.Cancellation(
            status: "SUCCEEDED", id: cancellationId, pgCancellationId: nil, totalAmount: amount, taxFreeAmount: 0,
            vatAmount: (amount + 5) / 11, reason: "고객 요청에 의한 환불", requestedAt: at, cancelledAt: at,
            receiptUrl: nil, trigger: "CONSOLE")
        p.cancellations = (p.cancellations ?? []) + [cancellation]
        p.amount.cancelled += amount
        p.status = p.amount.cancelled >= p.amount.paid ? .cancelled : .partialCancelled
        p.cancelledAt = at
        p.statusChangedAt = at
        p.updatedAt = at
        p.disputes = nil
        p.pgResponse = nil
        return p
    }
}
