import ReconcilerCore

extension Payment {
    /// The core's view of this payment: what the reconciliation rules decide from.
    public var facts: PaymentFacts {
        PaymentFacts(
            id: id,
            status: status.facts,
            storeId: storeId,
            isV1: version == .v1,
            channel: channelFacts,
            requestedAt: requestedAt,
            statusChangedAt: statusChangedAt,
            paidAt: paidAt,
            orderName: orderName,
            currency: currency.rawValue,
            totalAmount: amount.total,
            cancelledAmount: amount.cancelled,
            paidAmount: amount.paid,
            cancellations: cancellations.map(\.facts),
            customDataUserId: customDataFields?.userId,
            customDataPackageId: customDataFields?.packageId,
            customDataProblem: PaymentCustomData.problem(in: customData),
            customerId: customer.id,
            customerEmail: customer.email,
            webhooks: webhooks.map(\.facts))
    }
}

extension Payment {
    /// Test when PortOne says so anywhere; live only when PortOne says so; anything else
    /// (absent, or a channel type this build does not know) is unspecified.
    var channelFacts: PaymentFacts.Channel {
        if isTest { return .test }
        if channel?.type == .live || (channel == nil && channelGroup?.isForTest == false) { return .live }
        return .unspecified
    }
}

extension PaymentStatus {
    /// The core's status.
    var facts: PaymentFacts.Status {
        switch self {
        case .ready: .ready
        case .payPending: .payPending
        case .virtualAccountIssued: .virtualAccountIssued
        case .paid: .paid
        case .failed: .failed
        case .partialCancelled: .partialCancelled
        case .cancelled: .cancelled
        case .unknown(let raw): .unknown(raw)
        }
    }
}

extension PaymentCancellation {
    /// The core's cancellation.
    var facts: PaymentFacts.Cancellation {
        let status: PaymentFacts.Cancellation.Status =
            switch self.status {
            case .requested: .requested
            case .failed: .failed
            case .succeeded: .succeeded
            case .unknown(let raw): .unknown(raw)
            }
        return PaymentFacts.Cancellation(
            id: id, status: status, totalAmount: totalAmount, requestedAt: requestedAt, cancelledAt: cancelledAt,
            trigger: trigger?.rawString, reason: reason.isEmpty ? nil : reason)
    }
}

extension PaymentWebhook {
    /// The core's webhook record.
    var facts: PaymentFacts.Webhook {
        let delivery: PaymentFacts.Webhook.Delivery? =
            switch status {
            case .succeeded: .succeeded
            case .failedNotOkResponse: .failedNotOkResponse
            case .failedUnexpectedError: .failedUnexpectedError
            case .unknown(let raw): .unknown(raw)
            case nil: nil
            }
        return PaymentFacts.Webhook(
            delivery: delivery, paymentStatus: paymentStatus?.rawString, responseCode: responseCode,
            attempts: currentExecutionCount, maxAttempts: maxExecutionCount, triggeredAt: triggeredAt)
    }
}
