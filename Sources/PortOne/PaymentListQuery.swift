import ReconcilerCore
import WireFormat

/// One `GET /payments` request: PortOne's `GetPaymentsBody` (`page` + `filter`).
///
/// `storeId` is always sent (PortOne's defaults for an omitted store differ per endpoint).
/// Timestamps are sent in UTC with `Z` and full precision.
public struct PaymentListQuery: Sendable, Hashable {
    /// Which timestamp `from`/`until` filter on.
    public enum TimestampType: String, Sendable, Hashable {
        /// The time of the current status (PortOne's default).
        case statusChangedAt = "STATUS_CHANGED_AT"
        /// Creation time.
        case createdAt = "CREATED_AT"
    }

    /// Sort key.
    public enum SortBy: String, Sendable, Hashable {
        /// Request (creation) time.
        case requestedAt = "REQUESTED_AT"
        /// Time of the current status.
        case statusChangedAt = "STATUS_CHANGED_AT"
    }

    /// Sort direction.
    public enum SortOrder: String, Sendable, Hashable {
        /// Oldest first.
        case ascending = "ASC"
        /// Newest first.
        case descending = "DESC"
    }

    /// The store (always sent).
    public var storeId: String
    /// What `from`/`until` filter on.
    public var timestampType: TimestampType
    /// Lower bound (inclusive on the simulator; PortOne does not document it).
    public var from: RFC3339.Timestamp?
    /// Upper bound (exclusive on the simulator).
    public var until: RFC3339.Timestamp?
    /// Only these statuses (nil: all). `PAY_PENDING` is sent as the filter's spelling `PENDING`.
    public var statuses: [PaymentStatus]?
    /// Only test (true) or live (false) payments.
    public var isTest: Bool?
    /// Only this API generation.
    public var version: PortOneVersion?
    /// Sort key.
    public var sortBy: SortBy?
    /// Sort direction.
    public var sortOrder: SortOrder?
    /// 0-based page number.
    public var pageNumber: Int
    /// Items per page; `(pageNumber + 1) × pageSize` may not exceed 60,000.
    public var pageSize: Int

    /// The most rows any page query can reach: `(number + 1) × size ≤ 60,000`.
    public static let reachableRows = 60_000

    /// Creates a query.
    public init(
        storeId: String, timestampType: TimestampType = .statusChangedAt, from: RFC3339.Timestamp? = nil,
        until: RFC3339.Timestamp? = nil, statuses: [PaymentStatus]? = nil, isTest: Bool? = nil,
        version: PortOneVersion? = nil, sortBy: SortBy? = nil, sortOrder: SortOrder? = nil, pageNumber: Int = 0,
        pageSize: Int = 1000
    ) {
        self.storeId = storeId
        self.timestampType = timestampType
        self.from = from
        self.until = until
        self.statuses = statuses
        self.isTest = isTest
        self.version = version
        self.sortBy = sortBy
        self.sortOrder = sortOrder
        self.pageNumber = pageNumber
        self.pageSize = pageSize
    }

    /// The `GetPaymentsBody` JSON, compact, keys in a fixed order.
    public var requestBodyJSON: String {
        var filter: [(String, String)] = [
            ("storeId", JSONText.string(storeId)), ("timestampType", JSONText.string(timestampType.rawValue)),
        ]
        if let from { filter.append(("from", JSONText.string(RFC3339.format(from)))) }
        if let until { filter.append(("until", JSONText.string(RFC3339.format(until)))) }
        if let statuses {
            let names = statuses.map { $0 == .payPending ? "PENDING" : $0.rawString }
            filter.append(("status", "[" + names.map(JSONText.string).joined(separator: ",") + "]"))
        }
        if let isTest { filter.append(("isTest", isTest ? "true" : "false")) }
        if let version { filter.append(("version", JSONText.string(version.rawString))) }
        if let sortBy { filter.append(("sortBy", JSONText.string(sortBy.rawValue))) }
        if let sortOrder { filter.append(("sortOrder", JSONText.string(sortOrder.rawValue))) }
        let page = JSONText.object([("number", String(pageNumber)), ("size", String(pageSize))])
        return JSONText.object([("page", page), ("filter", JSONText.object(filter))])
    }

    /// The path and query of the request: `/payments?requestBody=<percent-encoded JSON>`.
    public var pathAndQuery: String {
        "/payments?requestBody=" + JSONText.percentEncodeQueryValue(requestBodyJSON)
    }
}

/// The body of the cursor endpoints (`GetAllPaymentsByCursorBody`, events alike).
public struct CursorQuery: Sendable, Hashable {
    /// The store (always sent).
    public var storeId: String
    /// Lower bound of creation time (payments) or event time (events).
    public var from: RFC3339.Timestamp?
    /// Upper bound.
    public var until: RFC3339.Timestamp?
    /// The previous page's last cursor; nil for the first page.
    public var cursor: String?
    /// Items per page (PortOne: at most 1000).
    public var size: Int

    /// Creates a query.
    public init(
        storeId: String, from: RFC3339.Timestamp? = nil, until: RFC3339.Timestamp? = nil, cursor: String? = nil,
        size: Int = 1000
    ) {
        self.storeId = storeId
        self.from = from
        self.until = until
        self.cursor = cursor
        self.size = size
    }

    /// The JSON body, compact, keys in a fixed order.
    public var requestBodyJSON: String {
        var fields: [(String, String)] = [("storeId", JSONText.string(storeId))]
        if let from { fields.append(("from", JSONText.string(RFC3339.format(from)))) }
        if let until { fields.append(("until", JSONText.string(RFC3339.format(until)))) }
        if let cursor { fields.append(("cursor", JSONText.string(cursor))) }
        fields.append(("size", String(size)))
        return JSONText.object(fields)
    }
}

/// Small JSON and URL writing helpers with exact, testable output.
public enum JSONText {
    /// A JSON string literal with the required escapes (the core's serializer writes it).
    public static func string(_ value: String) -> String {
        JSONString.quoted(value)
    }

    /// A JSON object from already-encoded values, in the given key order.
    public static func object(_ fields: [(String, String)]) -> String {
        "{" + fields.map { string($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }

    /// Percent-encodes a query value: everything but RFC 3986 unreserved characters
    /// (`A–Z a–z 0–9 - . _ ~`) is escaped, so `+`, `&`, `=`, `#`, `%` and non-ASCII survive.
    public static func percentEncodeQueryValue(_ value: String) -> String {
        percentEncode(value)
    }

    /// Percent-encodes one path segment (a payment id) the same strict way.
    public static func percentEncodePathSegment(_ value: String) -> String {
        percentEncode(value)
    }

    private static func percentEncode(_ value: String) -> String {
        let hex: [UInt8] = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(value.utf8.count * 2)
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                bytes.append(byte)
            default:
                bytes.append(UInt8(ascii: "%"))
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
