import Foundation
import WireFormat

/// Which faults the simulator injects into PortOne API requests (not into `/_simulator/*`).
///
/// Each `…Every` N > 0 fires on every Nth API request (counted over all API requests since
/// the configuration was set); 0 is off. When several fire on the same request the first in
/// this order wins: rate limit, server error, dropped connection, truncated body, malformed
/// JSON, HTML error page, unknown status. Latency applies to every API request.
public struct FaultConfiguration: Sendable, Hashable, Codable {
    /// Fixed delay before answering, in milliseconds.
    public var latencyMs: Int = 0
    /// Extra random delay 0...jitterMs, in milliseconds.
    public var jitterMs: Int = 0
    /// Every Nth request gets 429 with `Retry-After`.
    public var rateLimitEvery: Int = 0
    /// The `Retry-After` value in seconds.
    public var retryAfterSeconds: Int = 1
    /// Every Nth request gets a 5xx (500 JSON, 503 plain text, alternately).
    public var serverErrorEvery: Int = 0
    /// Every Nth request's connection is closed without an answer.
    public var dropConnectionEvery: Int = 0
    /// Every Nth request's body is cut in half, then the connection is closed.
    public var truncateEvery: Int = 0
    /// Every Nth request gets 200 with a body that is not valid JSON.
    public var malformedEvery: Int = 0
    /// Every Nth request gets 502 with an HTML page (as a proxy would send).
    public var htmlErrorEvery: Int = 0
    /// Every Nth payment response has its first payment's status replaced by `PAY_SCHEDULED`.
    public var unknownStatusEvery: Int = 0
    /// Every Nth list request first cancels (fully or partly) a random PAID payment now.
    public var mutateEvery: Int = 0
    /// Every Nth `GET /payments` request gets 200 with `items` emptied while `page` (and its
    /// `totalCount`) stays as it was: a page missing where data is expected.
    public var emptyPageEvery: Int = 0
    /// How `GET /payment-events-by-cursor` (unstable at PortOne) fails on every request: 0 it
    /// answers normally; 404 or 403 it answers that status with PortOne's error body; 200 it
    /// answers 200 with a body whose shape cannot be read (no `items`).
    public var eventsFeedStatus: Int = 0

    /// No faults.
    public init() {}

    /// The keys a fault configuration may contain.
    static let keys: Set<String> = [
        "latencyMs", "jitterMs", "rateLimitEvery", "retryAfterSeconds", "serverErrorEvery",
        "dropConnectionEvery", "truncateEvery", "malformedEvery", "htmlErrorEvery", "unknownStatusEvery",
        "mutateEvery", "emptyPageEvery", "eventsFeedStatus",
    ]

    /// Decodes from JSON (see the type's documentation for the rules).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func value(_ key: CodingKeys, _ fallback: Int) throws -> Int {
            let v = try c.decodeIfPresent(Int.self, forKey: key) ?? fallback
            guard v >= 0 else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: c, debugDescription: "\(key.stringValue) must be ≥ 0")
            }
            return v
        }
        latencyMs = try value(.latencyMs, 0)
        jitterMs = try value(.jitterMs, 0)
        rateLimitEvery = try value(.rateLimitEvery, 0)
        retryAfterSeconds = try value(.retryAfterSeconds, 1)
        serverErrorEvery = try value(.serverErrorEvery, 0)
        dropConnectionEvery = try value(.dropConnectionEvery, 0)
        truncateEvery = try value(.truncateEvery, 0)
        malformedEvery = try value(.malformedEvery, 0)
        htmlErrorEvery = try value(.htmlErrorEvery, 0)
        unknownStatusEvery = try value(.unknownStatusEvery, 0)
        mutateEvery = try value(.mutateEvery, 0)
        emptyPageEvery = try value(.emptyPageEvery, 0)
        eventsFeedStatus = try value(.eventsFeedStatus, 0)
        guard [0, 200, 403, 404].contains(eventsFeedStatus) else {
            throw DecodingError.dataCorruptedError(
                forKey: .eventsFeedStatus, in: c, debugDescription: "eventsFeedStatus must be 0, 200, 403 or 404")
        }
    }

    /// Parses a `PUT /_simulator/faults` body; unknown keys are refused.
    public static func parse(_ body: [UInt8]) throws(APIError) -> FaultConfiguration {
        guard let object = (try? JSONValue.parse(Data(body)))?.objectValue else {
            throw .invalid("the fault configuration must be a JSON object")
        }
        try APIError.checkKeys(object, allowed: keys, context: "fault configuration")
        do {
            return try JSONDecoder().decode(FaultConfiguration.self, from: Data(body))
        } catch {
            throw .invalid("bad fault configuration: \(SimulatorFailure.describe(error))")
        }
    }

    /// The configuration as JSON (every key present).
    public var json: [UInt8] {
        var w = JSONWriter(capacity: 256)
        w.beginObject()
        w.int("latencyMs", Int64(latencyMs))
        w.int("jitterMs", Int64(jitterMs))
        w.int("rateLimitEvery", Int64(rateLimitEvery))
        w.int("retryAfterSeconds", Int64(retryAfterSeconds))
        w.int("serverErrorEvery", Int64(serverErrorEvery))
        w.int("dropConnectionEvery", Int64(dropConnectionEvery))
        w.int("truncateEvery", Int64(truncateEvery))
        w.int("malformedEvery", Int64(malformedEvery))
        w.int("htmlErrorEvery", Int64(htmlErrorEvery))
        w.int("unknownStatusEvery", Int64(unknownStatusEvery))
        w.int("mutateEvery", Int64(mutateEvery))
        w.int("emptyPageEvery", Int64(emptyPageEvery))
        w.int("eventsFeedStatus", Int64(eventsFeedStatus))
        w.endObject()
        return w.bytes
    }
}
