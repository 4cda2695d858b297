import LedgerStore
import ReconcilerCore
import WireFormat

extension Discrepancy {
    /// The row the store keeps for this discrepancy, with the payment as PortOne showed it.
    func record(evidence: PaymentFacts?) -> DiscrepancyRecord {
        DiscrepancyRecord(
            kind: kind.rawValue, severity: severity.rawValue, paymentId: paymentId, userId: userId,
            expectedJSON: expected.serialized(), actualJSON: actual.serialized(),
            evidenceJSON: evidence.map { $0.evidence.serialized() }, detail: detail)
    }
}

extension PaymentFacts {
    /// What a reviewer needs to see of the payment, as JSON for `reconciler.discrepancy.evidence`.
    var evidence: JSONValue {
        var fields: [String: JSONValue] = [
            "id": .string(id),
            "status": .string(status.portOneName),
            "storeId": .string(storeId),
            "version": .string(isV1 ? "V1" : "V2"),
            "channel": .string(
                {
                    switch channel {
                    case .live: "LIVE"
                    case .test: "TEST"
                    case .unspecified: "UNSPECIFIED"
                    }
                }()),
            "requestedAt": .string(RFC3339.format(requestedAt)),
            "statusChangedAt": .string(RFC3339.format(statusChangedAt)),
            "orderName": .string(orderName),
            "currency": .string(currency),
            "amount": .object([
                "total": .integer(totalAmount), "paid": .integer(paidAmount), "cancelled": .integer(cancelledAmount),
            ]),
            "cancellations": .array(
                cancellations.map { cancellation in
                    var entry: [String: JSONValue] = [
                        "id": .string(cancellation.id),
                        "status": .string(cancellation.status.portOneName),
                        "totalAmount": .integer(cancellation.totalAmount),
                        "requestedAt": .string(RFC3339.format(cancellation.requestedAt)),
                    ]
                    if let cancelledAt = cancellation.cancelledAt {
                        entry["cancelledAt"] = .string(RFC3339.format(cancelledAt))
                    }
                    if let trigger = cancellation.trigger { entry["trigger"] = .string(trigger) }
                    return .object(entry)
                }),
        ]
        if let paidAt { fields["paidAt"] = .string(RFC3339.format(paidAt)) }
        if let customDataUserId { fields["customDataUserId"] = .string(customDataUserId) }
        if let customDataPackageId { fields["customDataPackageId"] = .string(customDataPackageId) }
        if let customDataProblem { fields["customDataProblem"] = .string(customDataProblem) }
        if let customerId { fields["customerId"] = .string(customerId) }
        if let customerEmail { fields["customerEmail"] = .string(customerEmail) }
        return .object(fields)
    }
}

extension Repair {
    /// The ledger write this repair becomes.
    public var ledgerWrite: LedgerWrite {
        switch kind {
        case .missedGrant:
            return .grant(userId: userId, paymentId: paymentId, credits: credits, description: description)
        case .missedRefund:
            return .deduction(
                userId: userId, paymentId: paymentId, credits: credits, description: description,
                cancellationId: cancellationId)
        }
    }
}
