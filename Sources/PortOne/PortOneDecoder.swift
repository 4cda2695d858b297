import Foundation

/// Turns PortOne response bodies into models. The one place that knows how JSON is decoded,
/// so a specialised decoder can replace `JSONDecoder` later without touching the client.
public protocol PortOneDecoder: Sendable {
    /// Decodes a `GET /payments` body.
    func decodePaymentsPage(_ body: [UInt8]) throws(PortOneDecodingError) -> PaymentsPage
    /// Decodes a `GET /payments/{id}` body.
    func decodePayment(_ body: [UInt8]) throws(PortOneDecodingError) -> Result<Payment, PaymentDecodingFailure>
    /// Decodes a `GET /payments-by-cursor` body.
    func decodePaymentsCursorPage(_ body: [UInt8]) throws(PortOneDecodingError) -> CursorPage<Payment>
    /// Decodes a `GET /payment-events-by-cursor` body.
    func decodePaymentEventsCursorPage(_ body: [UInt8]) throws(PortOneDecodingError) -> CursorPage<PaymentEvent>
    /// Reads a `GET /payment-events-by-cursor` body for its events' payment ids only. Throws
    /// exactly when ``decodePaymentEventsCursorPage(_:)`` would, and gives the ids it would give
    /// (an event that fails to decode gives the `paymentId` its failure carries).
    func decodePaymentEventIdsCursorPage(_ body: [UInt8]) throws(PortOneDecodingError) -> PaymentEventIdPage
}

extension PortOneDecoder {
    /// Decodes every event and keeps the payment ids (a decoder without a lighter way).
    public func decodePaymentEventIdsCursorPage(_ body: [UInt8]) throws(PortOneDecodingError) -> PaymentEventIdPage {
        PaymentEventIdPage(try decodePaymentEventsCursorPage(body))
    }
}

/// The whole body was unusable (not JSON, or not the expected envelope): a transient server
/// fault as far as retries go.
public struct PortOneDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong.
    public var reason: String
    /// Creates an error.
    public init(reason: String) { self.reason = reason }
    /// A one-line message.
    public var description: String { "PortOne answered with an unreadable body: \(reason)" }
}

/// A page of `GET /payments`.
public struct PaymentsPage: Sendable {
    /// The items in server order; an item that failed to decode is a failure, not a lost page.
    public var items: [Result<Payment, PaymentDecodingFailure>]
    /// The page number echoed by the server.
    public var number: Int
    /// The page size echoed by the server.
    public var size: Int
    /// `totalCount` as sent (its meaning is ambiguous; do not rely on it).
    public var totalCount: Int
}

/// A page of a cursor endpoint, as far as walking it goes: where the next page starts.
public protocol CursorPaged: Sendable {
    /// The last item's cursor (continue from it), nil when the page is empty (the end).
    var lastCursor: String? { get }
}

/// A page of a cursor endpoint: items with their cursors.
public struct CursorPage<Item: Sendable>: CursorPaged {
    /// Items in server order, each with its own cursor (continue from the last one).
    public var items: [(item: Result<Item, PaymentDecodingFailure>, cursor: String)]
    /// The last item's cursor, nil when the page is empty (the end).
    public var lastCursor: String? { items.last?.cursor }
}

/// ``PortOneDecoder`` on Foundation's `JSONDecoder`.
public struct FoundationPortOneDecoder: PortOneDecoder {
    /// Creates the decoder.
    public init() {}

    /// Decodes a `GET /payments` body.
    public func decodePaymentsPage(_ body: [UInt8]) throws(PortOneDecodingError) -> PaymentsPage {
        let envelope = try decode(PaymentsEnvelope.self, body)
        return PaymentsPage(
            items: envelope.items.map(\.result), number: envelope.page.number, size: envelope.page.size,
            totalCount: envelope.page.totalCount)
    }

    /// Decodes a `GET /payments/{id}` body.
    public func decodePayment(_ body: [UInt8]) throws(PortOneDecodingError) -> Result<Payment, PaymentDecodingFailure> {
        try decode(TolerantPayment.self, body).result
    }

    /// Decodes a `GET /payments-by-cursor` body.
    public func decodePaymentsCursorPage(_ body: [UInt8]) throws(PortOneDecodingError) -> CursorPage<Payment> {
        let envelope = try decode(CursorEnvelope<PaymentWithCursor>.self, body)
        return CursorPage(items: envelope.items.map { ($0.payment.result, $0.cursor) })
    }

    /// Decodes a `GET /payment-events-by-cursor` body.
    public func decodePaymentEventsCursorPage(_ body: [UInt8]) throws(PortOneDecodingError) -> CursorPage<PaymentEvent>
    {
        let envelope = try decode(CursorEnvelope<PaymentEventWithCursor>.self, body)
        return CursorPage(items: envelope.items.map { ($0.paymentEvent.result, $0.cursor) })
    }

    private func decode<T: Decodable>(_ type: T.Type, _ body: [UInt8]) throws(PortOneDecodingError) -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(body))
        } catch {
            throw PortOneDecodingError(reason: DecodingFailureReason.describe(error, droppingPathPrefix: 0))
        }
    }
}

/// Decodes one payment, catching its failure so the rest of the page survives.
struct TolerantPayment: Decodable {
    /// The payment, or why it could not be decoded.
    let result: Result<Payment, PaymentDecodingFailure>

    /// Decodes the payment, catching its failure.
    init(from decoder: any Decoder) throws {
        do {
            result = .success(try Payment(from: decoder))
        } catch {
            let id = try? decoder.container(keyedBy: AnyCodingKey.self).decode(
                String.self, forKey: AnyCodingKey(stringValue: "id"))
            let reason = DecodingFailureReason.describe(error, droppingPathPrefix: decoder.codingPath.count)
            result = .failure(PaymentDecodingFailure(paymentId: id, reason: reason))
        }
    }
}

/// Decodes one payment event, catching its failure.
struct TolerantPaymentEvent: Decodable {
    /// The event, or why it could not be decoded.
    let result: Result<PaymentEvent, PaymentDecodingFailure>

    /// Decodes the event, catching its failure.
    init(from decoder: any Decoder) throws {
        do {
            result = .success(try PaymentEvent(from: decoder))
        } catch {
            let id = try? decoder.container(keyedBy: AnyCodingKey.self)
                .decode(String.self, forKey: AnyCodingKey(stringValue: "paymentId"))
            let reason = DecodingFailureReason.describe(error, droppingPathPrefix: decoder.codingPath.count)
            result = .failure(PaymentDecodingFailure(paymentId: id, reason: reason))
        }
    }
}

private struct PaymentsEnvelope: Decodable {
    struct PageInfo: Decodable {
        let number: Int
        let size: Int
        let totalCount: Int
    }
    let items: [TolerantPayment]
    let page: PageInfo
}

private struct CursorEnvelope<Element: Decodable>: Decodable {
    let items: [Element]
}

private struct PaymentWithCursor: Decodable {
    let payment: TolerantPayment
    let cursor: String
}

private struct PaymentEventWithCursor: Decodable {
    let paymentEvent: TolerantPaymentEvent
    let cursor: String
}
