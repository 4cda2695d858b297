import Foundation
import HTTP
import ReconcilerCore
import WireFormat

/// The PortOne V2 REST client: one request per call, with retries, typed errors and counters.
///
/// Scans over many pages are in `PortOneClient+Scan.swift`. Thread-safe; share one instance.
public final class PortOneClient: Sendable {
    /// The settings in use.
    public let configuration: PortOneConfiguration
    /// Attempts by outcome, for the metrics.
    public let counters: RequestCounters
    private let http: HTTPClient
    private let decoder: any PortOneDecoder
    private let log: @Sendable (String) -> Void

    /// Creates a client after checking the configuration.
    ///
    /// - Parameters:
    ///   - decoder: how bodies become models (swap for a faster decoder later).
    ///   - counters: where attempts are counted (pass a shared one to aggregate clients).
    ///   - log: receives one line per retried attempt; lines never contain the secret.
    public init(
        configuration: PortOneConfiguration, decoder: any PortOneDecoder = FastPortOneDecoder(),
        counters: RequestCounters = RequestCounters(), log: @escaping @Sendable (String) -> Void = { _ in }
    ) throws(PortOneError) {
        guard !configuration.secret.isEmpty else {
            throw .configuration(reason: "the API secret is empty: set PORTONE_API_SECRET")
        }
        guard !configuration.storeId.isEmpty else {
            throw .configuration(reason: "the store id is empty: set PORTONE_STORE_ID")
        }
        do {
            _ = try HTTPURLPolicy.check(configuration.baseURL)
        } catch {
            throw .configuration(reason: "PORTONE_API_BASE_URL: \(error)")
        }
        self.configuration = configuration
        self.counters = counters
        self.decoder = decoder
        self.log = log
        self.http = HTTPClient(configuration: configuration.http)
    }

    /// `GET /payments/{paymentId}?storeId=…`: one payment, or `.notFound`.
    public func getPayment(id: String) async throws(PortOneError) -> PaymentLookup {
        let path =
            "/payments/" + JSONText.percentEncodePathSegment(id) + "?storeId="
            + JSONText.percentEncodeQueryValue(configuration.storeId)
        let decoder = self.decoder
        let answer = try await execute(path: path, notFoundIsAnswer: true) { body throws(PortOneDecodingError) in
            try decoder.decodePayment(body)
        }
        switch answer {
        case .none: return .notFound
        case .some(.success(let payment)): return .found(payment)
        case .some(.failure(let failure)): return .undecodable(failure)
        }
    }

    /// `GET /payments`: one page. The query's `storeId` is replaced by the configured one.
    public func getPayments(_ query: PaymentListQuery) async throws(PortOneError) -> PaymentsPage {
        var query = query
        query.storeId = configuration.storeId
        let decoder = self.decoder
        return try await execute(path: query.pathAndQuery, notFoundIsAnswer: false) {
            body throws(PortOneDecodingError) in
            try decoder.decodePaymentsPage(body)
        }!
    }

    /// `GET /payments-by-cursor` (unstable at PortOne): one page of payments by creation time.
    public func getPaymentsByCursor(_ query: CursorQuery) async throws(PortOneError) -> CursorPage<Payment> {
        let decoder = self.decoder
        return try await execute(path: cursorPath("/payments-by-cursor", query), notFoundIsAnswer: false) {
            body throws(PortOneDecodingError) in
            try decoder.decodePaymentsCursorPage(body)
        }!
    }

    /// `GET /payment-events-by-cursor` (unstable at PortOne): one page of money movements.
    public func getPaymentEventsByCursor(_ query: CursorQuery) async throws(PortOneError) -> CursorPage<PaymentEvent> {
        let decoder = self.decoder
        return try await execute(path: cursorPath("/payment-events-by-cursor", query), notFoundIsAnswer: false) {
            body throws(PortOneDecodingError) in
            try decoder.decodePaymentEventsCursorPage(body)
        }!
    }

    /// `GET /payment-events-by-cursor`, read for the events' payment ids only (see
    /// ``PortOneDecoder/decodePaymentEventIdsCursorPage(_:)``): the same request, retries and
    /// errors as ``getPaymentEventsByCursor(_:)``.
    public func getPaymentEventIdsByCursor(_ query: CursorQuery) async throws(PortOneError) -> PaymentEventIdPage {
        let decoder = self.decoder
        return try await execute(path: cursorPath("/payment-events-by-cursor", query), notFoundIsAnswer: false) {
            body throws(PortOneDecodingError) in
            try decoder.decodePaymentEventIdsCursorPage(body)
        }!
    }

    /// The path and query of a cursor endpoint: the query, for the configured store, as the
    /// `requestBody` parameter.
    private func cursorPath(_ endpoint: String, _ query: CursorQuery) -> String {
        var query = query
        query.storeId = configuration.storeId
        return endpoint + "?requestBody=" + JSONText.percentEncodeQueryValue(query.requestBodyJSON)
    }

    /// Sends a GET with retries; returns nil for an accepted 404 PAYMENT_NOT_FOUND.
    private func execute<T: Sendable>(
        path: String, notFoundIsAnswer: Bool, decode: ([UInt8]) throws(PortOneDecodingError) -> T
    ) async throws(PortOneError) -> T? {
        let request = HTTPRequest(
            method: .get, url: trimmedBaseURL + path,
            headers: [("Authorization", "PortOne " + configuration.secret.value), ("Accept", "application/json")])
        let label = "GET " + (path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? path)
        let clock = ContinuousClock()
        let start = clock.now
        var attempt = 0
        while true {
            attempt += 1
            if Task.isCancelled { throw .cancelled }
            let outcome: RequestOutcome
            let problem: String
            var retryAfter: Duration?
            do {
                let response = try await http.send(request)
                switch response.status {
                case 200..<300:
                    do {
                        let decodeStart = clock.now
                        defer { counters.recordDecoding(clock.now - decodeStart) }
                        let value = try decode(response.body)
                        counters.record(.ok)
                        return value
                    } catch {
                        outcome = .invalidResponse
                        problem = "HTTP \(response.status) with an unreadable body (\(error.reason.prefix(160)))"
                    }
                case 404 where notFoundIsAnswer && errorBody(response)?.type == "PAYMENT_NOT_FOUND":
                    counters.record(.notFound)
                    return nil
                case 429:
                    outcome = .rateLimited
                    retryAfter = RetryAfter.parse(response.header("Retry-After"), now: RFC3339.Timestamp(Date()))
                    problem = "rate limited (HTTP 429)"
                case 408:
                    outcome = .timeout
                    problem = "HTTP 408 request timeout"
                case 500..<600:
                    outcome = .serverError
                    let type = errorBody(response)?.type
                    problem = "server error HTTP \(response.status)\(type.map { " \($0)" } ?? "")"
                    retryAfter = RetryAfter.parse(response.header("Retry-After"), now: RFC3339.Timestamp(Date()))
                default:
                    counters.record(.clientError)
                    let body = errorBody(response)
                    let message = body?.message.map(configuration.secret.scrub)
                    switch response.status {
                    case 401: throw PortOneError.unauthorized(serverMessage: message)
                    case 403: throw PortOneError.forbidden(storeId: configuration.storeId, serverMessage: message)
                    case 400: throw PortOneError.invalidRequest(serverMessage: message)
                    default:
                        throw PortOneError.unexpectedStatus(
                            status: response.status, type: body?.type, serverMessage: message)
                    }
                }
            } catch let error as HTTPTransportError {
                switch error {
                case .timedOut: outcome = .timeout
                case .connectionFailed, .connectionReset, .truncatedBody, .hostNotFound, .bodyTooLarge:
                    outcome = .connectionError
                case .invalidURL, .invalidRequest, .insecureURL, .tls, .other:
                    counters.record(.connectionError)
                    throw .unavailable(attempts: attempt, elapsed: clock.now - start, lastProblem: error.description)
                }
                problem = error.description
            } catch let error as PortOneError {
                throw error
            } catch {
                throw .unavailable(attempts: attempt, elapsed: clock.now - start, lastProblem: "\(error)")
            }
            counters.record(outcome)
            let elapsed = clock.now - start
            let decision = configuration.retry.decide(
                attempt: attempt, outcome: outcome, elapsed: elapsed, retryAfter: retryAfter,
                random: Double.random(in: 0..<1))
            switch decision {
            case .giveUp(let reason):
                log("\(label): attempt \(attempt) failed: \(problem); giving up (\(reason))")
                throw .unavailable(attempts: attempt, elapsed: elapsed, lastProblem: "\(problem); \(reason)")
            case .retry(let wait):
                log("\(label): attempt \(attempt) failed: \(problem); retrying in \(wait)")
                do {
                    try await Task.sleep(for: wait)
                } catch {
                    throw .cancelled
                }
            }
        }
    }

    private var trimmedBaseURL: String {
        var base = configuration.baseURL
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }

    private func errorBody(_ response: HTTPResponse) -> PortOneErrorBody? {
        PortOneErrorBody.parse(response.body)
    }
}
