import Foundation
import WireFormat

/// A validated `GET /payments` request (`GetPaymentsBody`): window, filters, order and page.
public struct PaymentQuery: Sendable, Hashable {
    /// Which timestamp `from`/`until` filter on (`PaymentTimestampType`).
    public enum TimestampType: String, Sendable, Hashable {
        /// `CREATED_AT`: the request time.
        case createdAt = "CREATED_AT"
        /// `STATUS_CHANGED_AT`: the time of the current status (the default).
        case statusChangedAt = "STATUS_CHANGED_AT"
    }

    /// The sort key (`PaymentSortBy`).
    public enum SortBy: String, Sendable, Hashable {
        /// `REQUESTED_AT`.
        case requestedAt = "REQUESTED_AT"
        /// `STATUS_CHANGED_AT`.
        case statusChangedAt = "STATUS_CHANGED_AT"
    }

    /// The timestamp filtered on.
    public var timestampType: TimestampType = .statusChangedAt
    /// Window start in nanoseconds (inclusive).
    public var from: Int64
    /// Window end in nanoseconds (exclusive).
    public var until: Int64
    /// Status codes allowed (nil: all).
    public var statuses: Set<UInt8>?
    /// Test-channel filter.
    public var isTest: Bool?
    /// `V1`/`V2` filter.
    public var version: String?
    /// Sort key.
    public var sortBy: SortBy = .statusChangedAt
    /// Ascending order (ties always by payment id ascending).
    public var ascending = false
    /// Page number (0-based).
    public var pageNumber = 0
    /// Page size.
    public var size = 10

    /// Rows skipped before the page.
    public var offset: Int { pageNumber * size }

    /// Whether a filter other than the time window applies.
    var hasEntryFilter: Bool { statuses != nil || isTest != nil || version != nil }

    /// Whether `entry` passes the status, test-channel and version filters.
    func matches(_ entry: PaymentStore.Entry) -> Bool {
        if let statuses, !statuses.contains(entry.status) { return false }
        if let isTest, entry.isTest != isTest { return false }
        if let version, entry.isV1 != (version == "V1") { return false }
        return true
    }

    /// The maximum number of rows one query can reach: (number + 1) × size ≤ 60,000.
    public static let reachableLimit = 60_000

    /// Parses and validates a `GetPaymentsBody` JSON text.
    ///
    /// - Parameters:
    ///   - json: the decoded `requestBody` parameter (nil or empty: all defaults).
    ///   - storeId: our store; any other `filter.storeId` is refused with `.forbidden`.
    ///   - now: the default `until`.
    public static func parse(_ json: String?, storeId: String, now: Int64) throws(APIError) -> PaymentQuery {
        let object = try APIError.jsonObject(json)
        try APIError.checkKeys(object, allowed: ["page", "filter"], context: "requestBody")
        var query = PaymentQuery(from: 0, until: now)
        if let page = object["page"] {
            guard let page = page.objectValue else { throw .invalid("page must be an object") }
            try APIError.checkKeys(page, allowed: ["number", "size"], context: "page")
            query.pageNumber = try APIError.int32(page["number"], "page.number") ?? 0
            query.size = try APIError.int32(page["size"], "page.size") ?? 10
        }
        guard query.pageNumber >= 0 else { throw .invalid("page.number must be ≥ 0, got \(query.pageNumber)") }
        guard query.size >= 1 else { throw .invalid("page.size must be ≥ 1, got \(query.size)") }
        guard (query.pageNumber + 1) * query.size <= reachableLimit else {
            throw .invalid(
                "(page.number + 1) * page.size must not exceed 60000, got (\(query.pageNumber) + 1) * \(query.size) = \((query.pageNumber + 1) * query.size)"
            )
        }
        var explicitSort: SortBy?
        if let filter = object["filter"] {
            guard let filter = filter.objectValue else { throw .invalid("filter must be an object") }
            if let store = filter["storeId"] {
                guard let store = store.stringValue else { throw .invalid("filter.storeId must be a string") }
                guard store == storeId else { throw .forbidden(store) }
            }
            if let type = filter["timestampType"] {
                guard let raw = type.stringValue, let value = TimestampType(rawValue: raw) else {
                    throw .invalid("filter.timestampType must be CREATED_AT or STATUS_CHANGED_AT")
                }
                query.timestampType = value
            }
            let until = try APIError.timestamp(filter["until"], "filter.until")
            query.until = until?.nanoseconds ?? now
            let from = try APIError.timestamp(filter["from"], "filter.from")
            query.from = from?.nanoseconds ?? (query.until - 90 * 86_400 * 1_000_000_000)
            if let statuses = filter["status"] {
                guard case .array(let list) = statuses else { throw .invalid("filter.status must be an array") }
                var codes = Set<UInt8>()
                for item in list {
                    guard let raw = item.stringValue,
                        let status = SimulatedPayment.PaymentStatus.allCases.first(where: { $0.filterValue == raw })
                    else {
                        throw .invalid(
                            "filter.status has an unknown value \(item.stringValue ?? item.serialized()); use READY, PENDING, VIRTUAL_ACCOUNT_ISSUED, PAID, FAILED, PARTIAL_CANCELLED, CANCELLED"
                        )
                    }
                    codes.insert(status.code)
                }
                query.statuses = codes
            }
            if let isTest = filter["isTest"] {
                // 0 and 1 read as booleans, as Foundation's NSNumber bridging read them.
                guard let value = isTest.boolValue ?? APIError.number(isTest).flatMap({ [0: false, 1: true][$0] })
                else {
                    throw .invalid("filter.isTest must be a boolean")
                }
                query.isTest = value
            }
            if let version = filter["version"] {
                guard let raw = version.stringValue, raw == "V1" || raw == "V2" else {
                    throw .invalid("filter.version must be V1 or V2")
                }
                query.version = raw
            }
            if let sortBy = filter["sortBy"] {
                guard let raw = sortBy.stringValue, let value = SortBy(rawValue: raw) else {
                    throw .invalid("filter.sortBy must be REQUESTED_AT or STATUS_CHANGED_AT")
                }
                explicitSort = value
            }
            if let order = filter["sortOrder"] {
                guard let raw = order.stringValue, raw == "ASC" || raw == "DESC" else {
                    throw .invalid("filter.sortOrder must be ASC or DESC")
                }
                query.ascending = raw == "ASC"
            }
        } else {
            query.from = now - 90 * 86_400 * 1_000_000_000
        }
        query.sortBy = explicitSort ?? (query.timestampType == .createdAt ? .requestedAt : .statusChangedAt)
        return query
    }
}

/// A position in a cursor-paged list: the item's time, payment id and event ordinal.
///
/// On the wire it is opaque: base64url of `"<nanoseconds>:<ordinal>:<paymentId>"`.
public struct PageCursor: Sendable, Hashable {
    /// Sort time (requestedAt or event time) in nanoseconds.
    public var at: Int64
    /// Payment id.
    public var id: String
    /// Event ordinal (0 for payments).
    public var ordinal: Int

    /// Creates a cursor.
    public init(at: Int64, id: String, ordinal: Int) {
        self.at = at
        self.id = id
        self.ordinal = ordinal
    }

    /// The opaque wire form: base64url without padding. Encoded byte by byte: a journal page
    /// carries a thousand of these, and Foundation's `replacingOccurrences` took a third of the
    /// simulator's time serving one.
    public var encoded: String {
        let plain = Array("\(at):\(ordinal):\(id)".utf8)
        var out: [UInt8] = []
        out.reserveCapacity((plain.count * 4 + 2) / 3)
        var index = 0
        while index < plain.count {
            let b0 = UInt32(plain[index])
            let b1 = index + 1 < plain.count ? UInt32(plain[index + 1]) : 0
            let b2 = index + 2 < plain.count ? UInt32(plain[index + 2]) : 0
            let group = b0 << 16 | b1 << 8 | b2
            // 1, 2 or 3 bytes left give 2, 3 or 4 digits (no padding).
            let digits = min(3, plain.count - index) + 1
            for k in 0..<digits { out.append(Self.alphabet[Int(group >> UInt32(18 - 6 * k) & 63)]) }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// base64url's digits.
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Decodes the wire form; nil when it is not one of ours.
    public init?(encoded: String) {
        var text = encoded.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text), let plain = String(data: data, encoding: .utf8) else { return nil }
        let parts = plain.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, let at = Int64(parts[0]), let ordinal = Int(parts[1]), !parts[2].isEmpty else {
            return nil
        }
        self.init(at: at, id: String(parts[2]), ordinal: ordinal)
    }
}
