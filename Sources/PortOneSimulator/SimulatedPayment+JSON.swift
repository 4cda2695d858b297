extension SimulatedPayment {
    /// The payment as PortOne JSON bytes, shaped as its status variant of `Payment`.
    ///
    /// `status` is always the first key, so a response can substitute it cheaply.
    public func renderJSON() -> [UInt8] {
        var w = JSONWriter(capacity: 3072)
        w.beginObject()
        w.string("status", status.rawValue)
        w.string("id", id)
        w.string("transactionId", transactionId)
        w.string("merchantId", merchantId)
        w.string("storeId", storeId)
        if let method { Self.write(method, key: "method", to: &w) }
        if let channel { Self.write(channel, to: &w) }
        if let channelGroup { Self.write(channelGroup, to: &w) }
        w.string("version", version)
        if let webhooks { Self.write(webhooks, to: &w) }
        w.timestamp("requestedAt", requestedAt)
        w.timestamp("updatedAt", updatedAt)
        w.timestamp("statusChangedAt", statusChangedAt)
        w.string("orderName", orderName)
        Self.write(amount, key: "amount", to: &w)
        w.string("currency", currency)
        Self.write(customer, to: &w)
        if let origin { Self.write(origin, to: &w) }
        writeOptionalCommon(to: &w)
        let known = PaymentStatus.allCases.contains(status)
        switch status {
        case .payPending, .virtualAccountIssued:
            w.string("pgTxId", ifPresent: pgTxId)
        case .paid:
            w.timestamp("paidAt", paidAt ?? statusChangedAt)
            w.string("pgTxId", ifPresent: pgTxId)
            w.string("pgResponse", ifPresent: pgResponse)
            w.string("cashReceiptIssuanceStatus", ifPresent: cashReceiptIssuanceStatus)
            w.string("receiptUrl", ifPresent: receiptUrl)
            Self.write(disputes ?? [], to: &w)
            if let cancellations { Self.write(cancellations, key: "cancellations", to: &w) }
        case .failed:
            w.timestamp("failedAt", failedAt ?? statusChangedAt)
            Self.write(failure ?? Failure(), to: &w)
        case .partialCancelled, .cancelled:
            w.timestamp("paidAt", ifPresent: paidAt)
            w.string("pgTxId", ifPresent: pgTxId)
            w.string("cashReceiptIssuanceStatus", ifPresent: cashReceiptIssuanceStatus)
            w.string("receiptUrl", ifPresent: receiptUrl)
            Self.write(cancellations ?? [], key: "cancellations", to: &w)
            w.timestamp("cancelledAt", cancelledAt ?? statusChangedAt)
        default:
            if !known {
                w.timestamp("paidAt", ifPresent: paidAt)
                w.string("pgTxId", ifPresent: pgTxId)
                w.string("receiptUrl", ifPresent: receiptUrl)
                if let cancellations { Self.write(cancellations, key: "cancellations", to: &w) }
                w.timestamp("cancelledAt", ifPresent: cancelledAt)
            }
        }
        w.endObject()
        // Copy into an exactly sized buffer: a data set keeps a million of these.
        let rendered = w.bytes
        return [UInt8](unsafeUninitializedCapacity: rendered.count) { buffer, count in
            rendered.withUnsafeBufferPointer { source in
                _ = buffer.initialize(from: source)
            }
            count = rendered.count
        }
    }

    private func writeOptionalCommon(to w: inout JSONWriter) {
        w.string("promotionId", ifPresent: promotionId)
        w.bool("isCulturalExpense", ifPresent: isCulturalExpense)
        if let products {
            w.beginArray("products")
            for product in products {
                w.beginObject()
                w.string("id", product.id)
                w.string("name", product.name)
                w.int("amount", product.amount)
                w.int("quantity", product.quantity)
                w.endObject()
            }
            w.endArray()
        }
        w.int("productCount", ifPresent: productCount)
        w.string("customData", ifPresent: customData)
        w.string("country", ifPresent: country)
    }

    /// One `PaymentEvent` of this payment as JSON bytes.
    ///
    /// - Parameters:
    ///   - type: `PAID`, `PARTIAL_CANCELLED` or `CANCELLED`.
    ///   - eventId: the event id.
    ///   - createdAt: the event time.
    ///   - eventAmount: money moved (negative for cancellations).
    ///   - cancellation: the cancellation of a cancel event.
    public func renderEventJSON(
        type: String, eventId: String, createdAt: Timestamp, eventAmount: Int64, cancellation: Cancellation?
    ) -> [UInt8] {
        var w = JSONWriter(capacity: 1600)
        w.beginObject()
        w.string("type", type)
        w.string("id", eventId)
        w.string("paymentId", id)
        w.string("transactionId", transactionId)
        w.string("merchantId", merchantId)
        w.string("storeId", storeId)
        if let method { Self.write(method, key: "method", to: &w) }
        Self.write(
            channel ?? Channel(type: "LIVE", pgProvider: "KAKAOPAY", pgMerchantId: "unknown"), to: &w)
        if let channelGroup { Self.write(channelGroup, to: &w) }
        w.string("version", version)
        if let webhooks { Self.write(webhooks, to: &w) }
        w.timestamp("requestedAt", requestedAt)
        w.timestamp("createdAt", createdAt)
        w.string("orderName", orderName)
        Self.write(amount, key: "totalAmount", to: &w)
        w.string("currency", currency)
        Self.write(customer, to: &w)
        w.bool("isCulturalExpense", ifPresent: isCulturalExpense)
        w.string("customData", ifPresent: customData)
        w.string("country", ifPresent: country)
        w.string("pgTxId", ifPresent: pgTxId)
        if type == "PAID" { w.string("pgResponse", ifPresent: pgResponse) }
        w.string("cashReceiptIssuanceStatus", ifPresent: cashReceiptIssuanceStatus)
        w.string("receiptUrl", ifPresent: receiptUrl)
        if type == "PAID" { Self.write(disputes ?? [], to: &w) }
        if let cancellation { Self.write(cancellation, to: &w) }
        w.string("promotionId", ifPresent: promotionId)
        w.int("eventAmount", eventAmount)
        Self.write(origin ?? Origin(platformType: "API", ipAddress: "0.0.0.0"), to: &w)
        w.endObject()
        return w.bytes
    }

    /// Writes a `PaymentMethod` under `key`.
    static func write(_ method: Method, key: String, to w: inout JSONWriter) {
        w.beginObject(key)
        w.string("type", method.type)
        w.string("provider", ifPresent: method.provider)
        if let easy = method.easyPayMethod {
            w.beginObject("easyPayMethod")
            w.string("type", easy.type)
            if let card = easy.card { write(card, to: &w) }
            w.string("approvalNumber", ifPresent: easy.approvalNumber)
            if let installment = easy.installment { write(installment, to: &w) }
            w.bool("pointUsed", ifPresent: easy.pointUsed)
            w.string("bank", ifPresent: easy.bank)
            w.endObject()
        }
        if let card = method.card { write(card, to: &w) }
        w.string("approvalNumber", ifPresent: method.approvalNumber)
        if let installment = method.installment { write(installment, to: &w) }
        w.string("bank", ifPresent: method.bank)
        w.string("accountNumber", ifPresent: method.accountNumber)
        w.string("remitteeName", ifPresent: method.remitteeName)
        w.string("expiredAt", ifPresent: method.expiredAt)
        w.string("issuedAt", ifPresent: method.issuedAt)
        w.endObject()
    }

    /// Writes a `Card`.
    static func write(_ card: Card, to w: inout JSONWriter) {
        w.beginObject("card")
        w.string("publisher", ifPresent: card.publisher)
        w.string("issuer", ifPresent: card.issuer)
        w.string("brand", ifPresent: card.brand)
        w.string("type", ifPresent: card.type)
        w.string("ownerType", ifPresent: card.ownerType)
        w.string("bin", ifPresent: card.bin)
        w.string("name", ifPresent: card.name)
        w.string("number", ifPresent: card.number)
        w.endObject()
    }

    /// Writes a `PaymentInstallment`.
    static func write(_ installment: Installment, to w: inout JSONWriter) {
        w.beginObject("installment")
        w.int("month", installment.month)
        w.bool("isInterestFree", installment.isInterestFree)
        w.endObject()
    }

    /// Writes a `SelectedChannel`.
    static func write(_ channel: Channel, to w: inout JSONWriter) {
        w.beginObject("channel")
        w.string("type", channel.type)
        w.string("id", ifPresent: channel.id)
        w.string("key", ifPresent: channel.key)
        w.string("name", ifPresent: channel.name)
        w.string("pgProvider", channel.pgProvider)
        w.string("pgMerchantId", channel.pgMerchantId)
        w.endObject()
    }

    /// Writes a `ChannelGroupSummary`.
    static func write(_ group: ChannelGroup, to w: inout JSONWriter) {
        w.beginObject("channelGroup")
        w.string("id", group.id)
        w.string("name", group.name)
        w.bool("isForTest", group.isForTest)
        w.endObject()
    }

    /// Writes `webhooks`.
    static func write(_ webhooks: [Webhook], to w: inout JSONWriter) {
        w.beginArray("webhooks")
        for hook in webhooks {
            w.beginObject()
            w.string("paymentStatus", ifPresent: hook.paymentStatus)
            w.string("id", hook.id)
            w.string("status", ifPresent: hook.status)
            w.string("url", hook.url)
            w.bool("isAsync", ifPresent: hook.isAsync)
            w.int("currentExecutionCount", ifPresent: hook.currentExecutionCount)
            w.int("maxExecutionCount", ifPresent: hook.maxExecutionCount)
            w.string("trigger", ifPresent: hook.trigger)
            w.timestamp("triggeredAt", ifPresent: hook.triggeredAt)
            if let response = hook.response {
                w.beginObject("response")
                w.string("code", response.code)
                w.string("header", "")
                w.string("body", "")
                w.timestamp("respondedAt", response.respondedAt)
                w.endObject()
            }
            w.endObject()
        }
        w.endArray()
    }

    /// Writes a `PaymentAmount` under `key`.
    static func write(_ amount: Amount, key: String, to w: inout JSONWriter) {
        w.beginObject(key)
        w.int("total", amount.total)
        w.int("taxFree", amount.taxFree)
        w.int("vat", ifPresent: amount.vat)
        w.int("supply", ifPresent: amount.supply)
        w.int("discount", amount.discount)
        w.int("paid", amount.paid)
        w.int("cancelled", amount.cancelled)
        w.int("cancelledTaxFree", amount.cancelledTaxFree)
        w.endObject()
    }

    /// Writes a `Customer`.
    static func write(_ customer: Customer, to w: inout JSONWriter) {
        w.beginObject("customer")
        w.string("id", ifPresent: customer.id)
        w.string("name", ifPresent: customer.name)
        w.string("email", ifPresent: customer.email)
        w.string("phoneNumber", ifPresent: customer.phoneNumber)
        w.endObject()
    }

    /// Writes a `PaymentOrigin`.
    static func write(_ origin: Origin, to w: inout JSONWriter) {
        w.beginObject("origin")
        w.string("platformType", origin.platformType)
        w.string("userAgent", ifPresent: origin.userAgent)
        w.string("url", ifPresent: origin.url)
        w.string("ipAddress", origin.ipAddress)
        w.endObject()
    }

    /// Writes `disputes`.
    static func write(_ disputes: [Dispute], to w: inout JSONWriter) {
        w.beginArray("disputes")
        for dispute in disputes {
            w.beginObject()
            w.string("status", dispute.status)
            w.string("reason", dispute.reason)
            w.timestamp("createdAt", dispute.createdAt)
            w.timestamp("resolvedAt", ifPresent: dispute.resolvedAt)
            w.endObject()
        }
        w.endArray()
    }

    /// Writes an array of `PaymentCancellation` under `key`.
    static func write(_ cancellations: [Cancellation], key: String, to w: inout JSONWriter) {
        w.beginArray(key)
        for cancellation in cancellations { writeBody(cancellation, to: &w) }
        w.endArray()
    }

    /// Writes one `PaymentCancellation` under `cancellation`.
    static func write(_ cancellation: Cancellation, to w: inout JSONWriter) {
        w.beginObject("cancellation")
        writeFields(cancellation, to: &w)
        w.endObject()
    }

    private static func writeBody(_ cancellation: Cancellation, to w: inout JSONWriter) {
        w.beginObject()
        writeFields(cancellation, to: &w)
        w.endObject()
    }

    private static func writeFields(_ c: Cancellation, to w: inout JSONWriter) {
        w.string("status", c.status)
        w.string("id", c.id)
        w.string("pgCancellationId", ifPresent: c.pgCancellationId)
        w.int("totalAmount", c.totalAmount)
        w.int("taxFreeAmount", c.taxFreeAmount)
        w.int("vatAmount", c.vatAmount)
        w.string("reason", c.reason)
        w.timestamp("cancelledAt", ifPresent: c.cancelledAt)
        w.timestamp("requestedAt", c.requestedAt)
        if c.status == "SUCCEEDED" { w.string("receiptUrl", ifPresent: c.receiptUrl) }
        w.string("trigger", ifPresent: c.trigger)
    }

    /// Writes a `PaymentFailure`.
    static func write(_ failure: Failure, to w: inout JSONWriter) {
        w.beginObject("failure")
        w.string("reason", ifPresent: failure.reason)
        w.string("pgCode", ifPresent: failure.pgCode)
        w.string("pgMessage", ifPresent: failure.pgMessage)
        w.endObject()
    }
}
