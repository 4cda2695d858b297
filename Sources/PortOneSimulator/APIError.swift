import Foundation
import WireFormat

/// An error answer of the PortOne API, rendered as the OpenAPI error schemas
/// (`{"type": "...", "message": "..."}`).
public enum APIError: Error, Sendable, Hashable {
    /// 400 `INVALID_REQUEST` with what was wrong.
    case invalid(String)
    /// 401 `UNAUTHORIZED`.
    case unauthorized(String)
    /// 403 `FORBIDDEN` for a store id that is not ours.
    case forbidden(String)
    /// 404 `PAYMENT_NOT_FOUND` for a payment id.
    case paymentNotFound(String)

    /// The HTTP status code.
    public var statusCode: Int {
        switch self {
        case .invalid: 400
        case .unauthorized: 401
        case .forbidden: 403
        case .paymentNotFound: 404
        }
    }

    /// The `type` discriminator.
    public var type: String {
        switch self {
        case .invalid: "INVALID_REQUEST"
        case .unauthorized: "UNAUTHORIZED"
        case .forbidden: "FORBIDDEN"
        case .paymentNotFound: "PAYMENT_NOT_FOUND"
        }
    }

    /// The human-readable message.
    public var message: String {
        switch self {
        case .invalid(let text): "요청된 입력 정보가 유효하지 않습니다: \(text)"
        case .unauthorized(let text): "인증 정보가 올바르지 않습니다: \(text)"
        case .forbidden(let store): "요청이 거절되었습니다: 상점 \(store)에 접근할 권한이 없습니다"
        case .paymentNotFound(let id): "결제 건이 존재하지 않습니다: \(id)"
        }
    }

    /// The JSON error body.
    public var body: [UInt8] {
        var w = JSONWriter(capacity: 128)
        w.beginObject()
        w.string("type", type)
        w.string("message", message)
        w.endObject()
        return w.bytes
    }

    /// Parses a `requestBody` JSON text into an object (nil or empty: `{}`).
    static func jsonObject(_ text: String?) throws(APIError) -> [String: JSONValue] {
        guard let text, !text.isEmpty else { return [:] }
        guard let value = try? JSONValue.parse(Data(text.utf8)) else {
            throw .invalid("requestBody is not valid JSON")
        }
        guard let object = value.objectValue else { throw .invalid("requestBody must be a JSON object") }
        return object
    }

    /// Refuses the first key of `object` that is not in `allowed`.
    static func checkKeys(_ object: [String: JSONValue], allowed: Set<String>, context: String) throws(APIError) {
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw .invalid("\(context) has an unknown field \"\(unknown)\"")
        }
    }

    /// Reads an optional 32-bit integer field.
    static func int32(_ value: JSONValue?, _ name: String) throws(APIError) -> Int? {
        guard let value else { return nil }
        guard let double = number(value) else { throw .invalid("\(name) must be an integer") }
        guard double == double.rounded(), abs(double) <= Double(Int32.max) else {
            throw .invalid("\(name) must be a 32-bit integer, got \(value.serialized())")
        }
        return Int(double)
    }

    /// A JSON number as a `Double`, read the way Foundation's `NSNumber` reads one (which the
    /// simulator's request reading once used): `true` and `false` count as 1 and 0.
    static func number(_ value: JSONValue) -> Double? {
        switch value {
        case .integer(let whole): Double(whole)
        case .number(let double): double
        case .bool(let flag): flag ? 1 : 0
        default: nil
        }
    }

    /// A JSON number as a whole number (a fraction truncated, as `NSNumber.intValue` does), or
    /// nil when it is not a number or does not fit in 64 bits.
    static func wholeNumber(_ value: JSONValue) -> Int64? {
        if case .integer(let whole) = value { return whole }
        return number(value).flatMap { Int64(exactly: $0.rounded(.towardZero)) }
    }

    /// Reads an optional RFC 3339 date-time field.
    static func timestamp(_ value: JSONValue?, _ name: String) throws(APIError) -> Timestamp? {
        guard let value else { return nil }
        guard let text = value.stringValue, let parsed = Timestamp.parse(text) else {
            let hint =
                value.stringValue?.contains(" ") == true
                ? " (a '+' in the query string reads as a space: percent-encode it as %2B)" : ""
            throw .invalid("\(name) must be an RFC 3339 date-time such as 2026-11-24T00:00:00Z\(hint)")
        }
        return parsed
    }
}
