import Foundation
import WireFormat

/// How the simulator's live traffic behaves: new PAID payments per second, which share of them
/// is later cancelled and when, and where their webhooks go (`PUT /_simulator/live`,
/// `--live-*` and `--webhook-*` flags).
///
/// Shares and rates are probabilities and frequencies, never money.
public struct LiveTrafficConfiguration: Sendable, Hashable {
    /// New PAID payments per second; 0 makes none (scheduled cancellations still happen).
    public var rate: Double = 0
    /// The most live payments the simulator makes in all (counted since it started); nil: no
    /// limit. Reaching it stops new payments as rate 0 does, so a test gets an exact number
    /// however slow the machine.
    public var limit: Int?
    /// Seeds the sequence of payments: payment k of a seed is always the same user, package,
    /// ids and fate.
    public var seed: UInt64 = 1
    /// Share of live payments fully cancelled later.
    public var cancelRate: Double = 0.05
    /// Share of live payments partially cancelled later (one to three times).
    public var partialCancelRate: Double = 0.03
    /// Share of second and later partial cancellations that leave `statusChangedAt` where it
    /// was (PortOne does not promise to move it; only the journal shows them).
    public var quietPartialCancelRate: Double = 0.5
    /// Shortest delay before a cancellation, in seconds (after the payment or the previous one).
    public var cancelDelayMin: Double = 2
    /// Longest delay before a cancellation, in seconds.
    public var cancelDelayMax: Double = 20
    /// Where webhooks are POSTed (loopback `http://127.x.x.x:port/path`); nil sends none.
    public var webhookURL: String?
    /// Share of webhooks never sent (recorded as FAILED_UNEXPECTED_ERROR in `webhooks[]`).
    public var webhookLossRate: Double = 0
    /// The webhook secret (`whsec_…` or bare base64); required when `webhookURL` is set. Never
    /// rendered.
    public var webhookSecret: String?

    /// The defaults: stopped, seed 1, 5 % fully and 3 % partially cancelled after 2–20 s.
    public init() {}

    /// The keys `PUT /_simulator/live` accepts.
    static let keys: Set<String> = [
        "rate", "limit", "seed", "cancelRate", "partialCancelRate", "quietPartialCancelRate", "cancelDelayMin",
        "cancelDelayMax", "webhookUrl", "webhookLossRate", "webhookSecret",
    ]

    /// Whether the configuration can run; the reason when not.
    public func problem() -> String? {
        guard rate.isFinite, rate >= 0, rate <= 10_000 else { return "rate must be between 0 and 10000" }
        if let limit, limit < 0 { return "limit must be ≥ 0 or null" }
        for (name, share) in [
            ("cancelRate", cancelRate), ("partialCancelRate", partialCancelRate),
            ("quietPartialCancelRate", quietPartialCancelRate), ("webhookLossRate", webhookLossRate),
        ] where !(share >= 0 && share <= 1) {
            return "\(name) must be between 0 and 1"
        }
        guard cancelRate + partialCancelRate <= 1 else { return "cancelRate + partialCancelRate must be at most 1" }
        guard cancelDelayMin >= 0, cancelDelayMin <= cancelDelayMax, cancelDelayMax <= 86_400 else {
            return "cancel delays must satisfy 0 ≤ cancelDelayMin ≤ cancelDelayMax ≤ 86400"
        }
        if let webhookURL {
            guard LoopbackPost(url: webhookURL) != nil else {
                return
                    "webhookUrl must be a loopback http URL such as http://127.0.0.1:8080/webhooks, got \(webhookURL)"
            }
            guard let secret = webhookSecret else {
                return "a webhookUrl needs a webhook secret (PORTONE_WEBHOOK_SECRET or webhookSecret)"
            }
            guard WebhookSigner(secret: secret) != nil else {
                return "the webhook secret must be base64, optionally prefixed with whsec_"
            }
        }
        return nil
    }

    /// This configuration changed by the members of a `PUT /_simulator/live` body: members
    /// absent keep their value, `"webhookUrl": null` stops webhooks.
    public func merging(_ body: [UInt8]) throws(APIError) -> LiveTrafficConfiguration {
        let object: [String: JSONValue]
        if body.isEmpty {
            object = [:]
        } else {
            guard let parsed = try? JSONValue.parse(Data(body)), let members = parsed.objectValue else {
                throw .invalid("body must be a JSON object such as {\"rate\":10}")
            }
            object = members
        }
        try APIError.checkKeys(object, allowed: Self.keys, context: "live configuration")
        var c = self
        func number(_ key: String) throws(APIError) -> Double? {
            guard let value = object[key] else { return nil }
            if case .bool = value { throw .invalid("\(key) must be a number") }
            guard let n = APIError.number(value), n.isFinite else { throw .invalid("\(key) must be a number") }
            return n
        }
        func text(_ key: String) throws(APIError) -> String?? {
            guard let value = object[key] else { return nil }
            if case .null = value { return .some(nil) }
            guard let s = value.stringValue else { throw .invalid("\(key) must be a string or null") }
            return .some(s)
        }
        if let v = try number("rate") { c.rate = v }
        if let value = object["limit"] {
            if case .null = value {
                c.limit = nil
            } else {
                guard let whole = value.integerValue, whole >= 0, whole <= Int64(Int32.max) else {
                    throw .invalid("limit must be a whole number ≥ 0 or null")
                }
                c.limit = Int(whole)
            }
        }
        if let value = object["seed"] {
            guard let whole = value.integerValue, whole >= 0 else { throw .invalid("seed must be a whole number ≥ 0") }
            c.seed = UInt64(whole)
        }
        if let v = try number("cancelRate") { c.cancelRate = v }
        if let v = try number("partialCancelRate") { c.partialCancelRate = v }
        if let v = try number("quietPartialCancelRate") { c.quietPartialCancelRate = v }
        if let v = try number("cancelDelayMin") { c.cancelDelayMin = v }
        if let v = try number("cancelDelayMax") { c.cancelDelayMax = v }
        if let v = try number("webhookLossRate") { c.webhookLossRate = v }
        if let v = try text("webhookUrl") { c.webhookURL = v }
        if let v = try text("webhookSecret") { c.webhookSecret = v }
        if let problem = c.problem() { throw .invalid(problem) }
        return c
    }

    /// The members of `GET /_simulator/live` (the secret only as `webhookSecretSet`).
    func write(to w: inout JSONWriter) {
        w.number("rate", rate)
        if let limit { w.int("limit", Int64(limit)) } else { w.raw("limit", Array("null".utf8)) }
        w.int("seed", Int64(bitPattern: seed))
        w.number("cancelRate", cancelRate)
        w.number("partialCancelRate", partialCancelRate)
        w.number("quietPartialCancelRate", quietPartialCancelRate)
        w.number("cancelDelayMin", cancelDelayMin)
        w.number("cancelDelayMax", cancelDelayMax)
        if let webhookURL { w.string("webhookUrl", webhookURL) } else { w.raw("webhookUrl", Array("null".utf8)) }
        w.number("webhookLossRate", webhookLossRate)
        w.bool("webhookSecretSet", webhookSecret != nil)
    }
}

extension JSONWriter {
    /// Writes a finite `Double` member (shares and rates; never money).
    mutating func number(_ key: String, _ value: Double) {
        let text = value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
        raw(key, Array(text.utf8))
    }
}
