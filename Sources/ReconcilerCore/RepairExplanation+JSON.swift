import WireFormat

extension GrantCause {
    /// The `webhook` object of a report's fix (and of the repair queue): the delivery figures
    /// the cause rests on; absent figures are `null`.
    public var webhookJSON: JSONValue {
        .object([
            "deliveries": .integer(Int64(deliveries)), "status": Reconciler.text(deliveryStatus),
            "responseCode": Reconciler.text(responseCode), "attempts": attempts.map { .integer(Int64($0)) } ?? .null,
            "maxAttempts": maxAttempts.map { .integer(Int64($0)) } ?? .null,
            "lastAttemptAt": lastAttemptAt.map { .string(RFC3339.format($0, fraction: .milliseconds)) } ?? .null,
        ])
    }

    /// Reads back a cause from its name (`cause`) and ``webhookJSON`` (`webhook`); nil when the
    /// name is not a cause this build knows.
    public init?(cause: JSONValue, webhook: JSONValue) {
        guard let kind = cause.stringValue.flatMap(Kind.init(rawValue:)) else { return nil }
        self.init(
            kind: kind, deliveries: Int(webhook["deliveries"].integerValue ?? 0),
            deliveryStatus: webhook["status"].stringValue, responseCode: webhook["responseCode"].stringValue,
            attempts: webhook["attempts"].integerValue.map { Int($0) },
            maxAttempts: webhook["maxAttempts"].integerValue.map { Int($0) },
            lastAttemptAt: webhook["lastAttemptAt"].stringValue.flatMap(RFC3339.timestamp))
    }
}

extension DeductionOrigin {
    /// The `cancellation` object of a report's fix (and of the repair queue): the cancellation
    /// the origin is read from.
    public var cancellationJSON: JSONValue {
        .object([
            "id": .string(cancellationId), "trigger": Reconciler.text(trigger), "reason": Reconciler.text(reason),
            "requestedAt": .string(RFC3339.format(requestedAt, fraction: .milliseconds)),
            "cancelledAt": cancelledAt.map { .string(RFC3339.format($0, fraction: .milliseconds)) } ?? .null,
            "cancellations": .integer(Int64(cancellations)),
        ])
    }

    /// Reads back an origin from its name (`origin`) and ``cancellationJSON`` (`cancellation`);
    /// nil when either cannot be read.
    public init?(origin: JSONValue, cancellation: JSONValue) {
        guard let kind = origin.stringValue.flatMap(Kind.init(rawValue:)),
            let id = cancellation["id"].stringValue,
            let requestedAt = cancellation["requestedAt"].stringValue.flatMap(RFC3339.timestamp)
        else { return nil }
        self.init(
            kind: kind, trigger: cancellation["trigger"].stringValue, cancellationId: id,
            reason: cancellation["reason"].stringValue, requestedAt: requestedAt,
            cancelledAt: cancellation["cancelledAt"].stringValue.flatMap(RFC3339.timestamp),
            cancellations: Int(cancellation["cancellations"].integerValue ?? 1))
    }
}

extension Repair {
    /// Adds the repair's explanation, where it has one, as the repair queue and stored plans
    /// keep it: a grant's `cause` and `webhook`, a deduction's `origin` and `cancellation`.
    public func addExplanation(to fields: inout [String: JSONValue]) {
        if let cause {
            fields["cause"] = .string(cause.kind.rawValue)
            fields["webhook"] = cause.webhookJSON
        }
        if let origin {
            fields["origin"] = .string(origin.kind.rawValue)
            fields["cancellation"] = origin.cancellationJSON
        }
    }
}
