import ReconcilerCore
import WireFormat

/// ``PortOneDecoder`` that builds models straight from the UTF-8 bytes with ``JSONScanner``:
/// no intermediate tree, no dictionaries, no generic `Decodable` machinery. Same results as
/// ``FoundationPortOneDecoder`` (checked field by field in the tests), several times faster.
public struct FastPortOneDecoder: PortOneDecoder {
    /// Creates the decoder.
    public init() {}

    /// The scanner's failure type.
    typealias Failure = JSONScanner.Failure

    /// Decodes a `GET /payments` body.
    public func decodePaymentsPage(_ body: [UInt8]) throws(PortOneDecodingError) -> PaymentsPage {
        try document(body) { (s: inout JSONScanner) throws(Failure) -> PaymentsPage in
            var items: [Result<Payment, PaymentDecodingFailure>]?
            var number: Int?
            var size: Int?
            var totalCount: Int?
            try s.members { (s: inout JSONScanner, key) throws(Failure) in
                if key.equals("items") {
                    var list: [Result<Payment, PaymentDecodingFailure>] = []
                    list.reserveCapacity(1000)
                    try s.elements { (s: inout JSONScanner, _) throws(Failure) in
                        list.append(try Self.tolerantPayment(&s))
                    }
                    items = list
                } else if key.equals("page") {
                    try s.members { (s: inout JSONScanner, key) throws(Failure) in
                        if key.equals("number") {
                            number = Int(try s.int64())
                        } else if key.equals("size") {
                            size = Int(try s.int64())
                        } else if key.equals("totalCount") {
                            totalCount = Int(try s.int64())
                        } else {
                            try s.skipValue()
                        }
                    }
                } else {
                    try s.skipValue()
                }
            }
            guard let items else { throw s.missing("items") }
            guard let number, let size, let totalCount else { throw s.missing("page") }
            return PaymentsPage(items: items, number: number, size: size, totalCount: totalCount)
        }
    }

    /// Decodes a `GET /payments/{id}` body.
    public func decodePayment(_ body: [UInt8]) throws(PortOneDecodingError) -> Result<Payment, PaymentDecodingFailure> {
        try document(body) { (s: inout JSONScanner) throws(Failure) in try Self.tolerantPayment(&s) }
    }

    /// Decodes a `GET /payments-by-cursor` body.
    public func decodePaymentsCursorPage(_ body: [UInt8]) throws(PortOneDecodingError) -> CursorPage<Payment> {
        try cursorPage(body, itemKey: "payment") { (s: inout JSONScanner) throws(Failure) in
            try Self.tolerantPayment(&s)
        }
    }

    /// Decodes a `GET /payment-events-by-cursor` body.
    public func decodePaymentEventsCursorPage(_ body: [UInt8]) throws(PortOneDecodingError) -> CursorPage<PaymentEvent>
    {
        try cursorPage(body, itemKey: "paymentEvent") { (s: inout JSONScanner) throws(Failure) in
            try Self.tolerantEvent(&s)
        }
    }

    /// Reads a `GET /payment-events-by-cursor` body for its events' payment ids only: each
    /// event is skipped over (its syntax still checked) but for its top-level `paymentId`, the
    /// way ``tolerantEvent(_:)`` reads an event it cannot decode. A body that
    /// ``decodePaymentEventsCursorPage(_:)`` rejects is rejected, so an unreadable journal page
    /// is still unreadable.
    public func decodePaymentEventIdsCursorPage(_ body: [UInt8]) throws(PortOneDecodingError) -> PaymentEventIdPage {
        do {
            return try paymentEventIds(body)
        } catch {
            // The full read has the last word on a page the skip rejects: it reads nested members
            // with their own models, each allowed the scanner's full nesting depth, so it accepts
            // a page nested a level or two deeper than one skip does. Rare (unreadable pages are
            // faults), so its cost does not matter.
            return PaymentEventIdPage(try decodePaymentEventsCursorPage(body))
        }
    }

    /// The light read of ``decodePaymentEventIdsCursorPage(_:)``.
    private func paymentEventIds(_ body: [UInt8]) throws(PortOneDecodingError) -> PaymentEventIdPage {
        try document(body) { (s: inout JSONScanner) throws(Failure) -> PaymentEventIdPage in
            var page: PaymentEventIdPage?
            try s.members { (s: inout JSONScanner, key) throws(Failure) in
                guard key.equals("items") else { return try s.skipValue() }
                var ids: [String?] = []
                ids.reserveCapacity(1000)
                var lastCursor: String?
                try s.elements { (s: inout JSONScanner, _) throws(Failure) in
                    var found = false
                    var id: String?
                    var cursor: String?
                    try s.members { (s: inout JSONScanner, key) throws(Failure) in
                        if key.equals("paymentEvent") {
                            found = true
                            id = try Self.topLevelId(&s, idKey: "paymentId")
                        } else if key.equals("cursor") {
                            cursor = try s.string()
                        } else {
                            try s.skipValue()
                        }
                    }
                    guard found else { throw s.missing("paymentEvent") }
                    guard let cursor else { throw s.missing("cursor") }
                    ids.append(id)
                    lastCursor = cursor
                }
                page = PaymentEventIdPage(paymentIds: ids, lastCursor: lastCursor)
            }
            guard let page else { throw s.missing("items") }
            return page
        }
    }

    private func cursorPage<Item>(
        _ body: [UInt8], itemKey: StaticString,
        item: (inout JSONScanner) throws(Failure) -> Result<Item, PaymentDecodingFailure>
    ) throws(PortOneDecodingError) -> CursorPage<Item> {
        try document(body) { (s: inout JSONScanner) throws(Failure) -> CursorPage<Item> in
            var items: [(item: Result<Item, PaymentDecodingFailure>, cursor: String)]?
            try s.members { (s: inout JSONScanner, key) throws(Failure) in
                guard key.equals("items") else { return try s.skipValue() }
                var list: [(item: Result<Item, PaymentDecodingFailure>, cursor: String)] = []
                try s.elements { (s: inout JSONScanner, _) throws(Failure) in
                    var decoded: Result<Item, PaymentDecodingFailure>?
                    var cursor: String?
                    try s.members { (s: inout JSONScanner, key) throws(Failure) in
                        if key.equals(itemKey) {
                            decoded = try item(&s)
                        } else if key.equals("cursor") {
                            cursor = try s.string()
                        } else {
                            try s.skipValue()
                        }
                    }
                    guard let decoded else { throw s.missing(String(describing: itemKey)) }
                    guard let cursor else { throw s.missing("cursor") }
                    list.append((decoded, cursor))
                }
                items = list
            }
            guard let items else { throw s.missing("items") }
            return CursorPage(items: items)
        }
    }

    private func document<T>(_ body: [UInt8], _ read: (inout JSONScanner) throws(Failure) -> T)
        throws(PortOneDecodingError) -> T
    {
        let result = body.withUnsafeBufferPointer { buffer -> Result<T, Failure> in
            var scanner = JSONScanner(buffer)
            do throws(Failure) {
                let value = try read(&scanner)
                scanner.skipWhitespace()
                guard scanner.isAtEnd else { throw scanner.fail("unexpected text after the JSON value") }
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .success(let value): return value
        case .failure(let failure): throw PortOneDecodingError(reason: failure.description)
        }
    }

    // MARK: Tolerant items

    /// Decodes one payment; when it is valid JSON but not a valid payment, returns a failure
    /// with its id (if readable) and leaves the scanner after the item.
    static func tolerantPayment(_ s: inout JSONScanner) throws(Failure) -> Result<Payment, PaymentDecodingFailure> {
        try tolerant(&s, idKey: "id") { (s: inout JSONScanner) throws(Failure) in try payment(&s) }
    }

    /// Decodes one payment event tolerantly (see ``tolerantPayment(_:)``).
    static func tolerantEvent(_ s: inout JSONScanner) throws(Failure) -> Result<PaymentEvent, PaymentDecodingFailure> {
        try tolerant(&s, idKey: "paymentId") { (s: inout JSONScanner) throws(Failure) in try event(&s) }
    }

    private static func tolerant<T>(
        _ s: inout JSONScanner, idKey: StaticString, _ read: (inout JSONScanner) throws(Failure) -> T
    ) throws(Failure) -> Result<T, PaymentDecodingFailure> {
        _ = try s.peek()
        let start = s.position
        do {
            return .success(try read(&s))
        } catch let failure {
            // Re-read the item: skipping validates it is JSON at all (else the page is
            // unreadable), and picks up a top-level id for the report.
            s.seek(to: start)
            let id = try topLevelId(&s, idKey: idKey)
            let reason = failure.path.isEmpty && failure.missing == nil ? "not a JSON object" : failure.description
            return .failure(PaymentDecodingFailure(paymentId: id, reason: reason))
        }
    }

    /// Skips one value, checking its syntax, and returns its top-level `idKey` string if it is
    /// an object with one (the last readable one, if repeated); nil for any other value or an id
    /// that is not valid text. Throws only when the value is not JSON.
    static func topLevelId(_ s: inout JSONScanner, idKey: StaticString) throws(Failure) -> String? {
        guard try s.peek() == UInt8(ascii: "{") else {
            try s.skipValue()
            return nil
        }
        var id: String?
        try s.object { (s: inout JSONScanner, key) throws(Failure) in
            if key.equals(idKey), try s.peek() == UInt8(ascii: "\"") {
                // An id that is not valid UTF-8 is reported as unreadable, not as a lost page.
                let idStart = s.position
                do throws(Failure) {
                    id = try s.string()
                } catch {
                    guard JSONScanner.textFailures.contains(error.reason) else { throw error }
                    s.seek(to: idStart)
                    try s.skipValue()
                }
            } else {
                try s.skipValue()
            }
        }
        return id
    }

    // MARK: Models

    /// Reads a `Payment` object (any variant); enforces the variant's required fields.
    static func payment(_ s: inout JSONScanner) throws(Failure) -> Payment {
        var id: String?
        var status: PaymentStatus?
        var transactionId: String?
        var merchantId: String?
        var storeId: String?
        var method: PaymentMethod?
        var channel: SelectedChannel?
        var channelGroup: ChannelGroupSummary?
        var version: PortOneVersion?
        var scheduleId: String?
        var billingKey: String?
        var webhooks: [PaymentWebhook] = []
        var requestedAt: RFC3339.Timestamp?
        var updatedAt: RFC3339.Timestamp?
        var statusChangedAt: RFC3339.Timestamp?
        var orderName: String?
        var amount: PaymentAmount?
        var currency: Currency?
        var customer = Customer()
        var origin: PaymentOrigin?
        var promotionId: String?
        var isCulturalExpense: Bool?
        var products: [PaymentProduct] = []
        var productCount: Int?
        var customData: String?
        var country: String?
        var pgTxId: String?
        var paidAt: RFC3339.Timestamp?
        var pgResponse: String?
        var cashReceiptIssuanceStatus: String?
        var receiptUrl: String?
        var disputes: [Dispute] = []
        var cancellations: [PaymentCancellation]?
        var failedAt: RFC3339.Timestamp?
        var failure: PaymentFailure?
        var cancelledAt: RFC3339.Timestamp?
        try s.members { (s: inout JSONScanner, key) throws(Failure) in
            switch key.count {
            case 2 where key.equals("id"): id = try s.string()
            case 6 where key.equals("status"): status = PaymentStatus(rawString: try s.string())
            case 13 where key.equals("transactionId"): transactionId = try s.string()
            case 10 where key.equals("merchantId"): merchantId = try s.string()
            case 7 where key.equals("storeId"): storeId = try s.string()
            case 6 where key.equals("method"):
                method = try s.optional { (s: inout JSONScanner) throws(Failure) in try paymentMethod(&s) }
            case 7 where key.equals("channel"):
                channel = try s.optional { (s: inout JSONScanner) throws(Failure) in try selectedChannel(&s) }
            case 12 where key.equals("channelGroup"):
                channelGroup = try s.optional { (s: inout JSONScanner) throws(Failure) in try Self.channelGroup(&s) }
            case 7 where key.equals("version"): version = PortOneVersion(rawString: try s.string())
            case 10 where key.equals("scheduleId"): scheduleId = try s.optionalString()
            case 10 where key.equals("billingKey"): billingKey = try s.optionalString()
            case 8 where key.equals("webhooks"):
                webhooks = try s.optionalArray { (s: inout JSONScanner) throws(Failure) in try webhook(&s) } ?? []
            case 11 where key.equals("requestedAt"): requestedAt = try s.timestamp()
            case 9 where key.equals("updatedAt"): updatedAt = try s.timestamp()
            case 15 where key.equals("statusChangedAt"): statusChangedAt = try s.timestamp()
            case 9 where key.equals("orderName"): orderName = try s.string()
            case 6 where key.equals("amount"): amount = try paymentAmount(&s)
            case 8 where key.equals("currency"): currency = Currency(rawValue: try s.string())
            case 8 where key.equals("customer"):
                customer =
                    try s.optional { (s: inout JSONScanner) throws(Failure) in try Self.customer(&s) } ?? Customer()
            case 6 where key.equals("origin"):
                origin = try s.optional { (s: inout JSONScanner) throws(Failure) in try paymentOrigin(&s) }
            case 11 where key.equals("promotionId"): promotionId = try s.optionalString()
            case 17 where key.equals("isCulturalExpense"): isCulturalExpense = try s.optionalBool()
            case 8 where key.equals("products"):
                products = try s.optionalArray { (s: inout JSONScanner) throws(Failure) in try product(&s) } ?? []
            case 12 where key.equals("productCount"): productCount = try s.optionalInt()
            case 10 where key.equals("customData"): customData = try s.optionalString()
            case 7 where key.equals("country"): country = try s.optionalString()
            case 6 where key.equals("pgTxId"): pgTxId = try s.optionalString()
            case 6 where key.equals("paidAt"): paidAt = try s.optionalTimestamp()
            case 10 where key.equals("pgResponse"): pgResponse = try s.optionalString()
            case 25 where key.equals("cashReceiptIssuanceStatus"): cashReceiptIssuanceStatus = try s.optionalString()
            case 10 where key.equals("receiptUrl"): receiptUrl = try s.optionalString()
            case 8 where key.equals("disputes"):
                disputes = try s.optionalArray { (s: inout JSONScanner) throws(Failure) in try dispute(&s) } ?? []
            case 13 where key.equals("cancellations"):
                cancellations = try s.optionalArray { (s: inout JSONScanner) throws(Failure) in try cancellation(&s) }
            case 8 where key.equals("failedAt"): failedAt = try s.optionalTimestamp()
            case 7 where key.equals("failure"):
                failure = try s.optional { (s: inout JSONScanner) throws(Failure) in try paymentFailure(&s) }
            case 11 where key.equals("cancelledAt"): cancelledAt = try s.optionalTimestamp()
            default: try s.skipValue()
            }
        }
        guard let id else { throw s.missing("id") }
        guard let status else { throw s.missing("status") }
        guard let transactionId else { throw s.missing("transactionId") }
        guard let merchantId else { throw s.missing("merchantId") }
        guard let storeId else { throw s.missing("storeId") }
        guard let version else { throw s.missing("version") }
        guard let requestedAt else { throw s.missing("requestedAt") }
        guard let updatedAt else { throw s.missing("updatedAt") }
        guard let statusChangedAt else { throw s.missing("statusChangedAt") }
        guard let orderName else { throw s.missing("orderName") }
        guard let amount else { throw s.missing("amount") }
        guard let currency else { throw s.missing("currency") }
        switch status {
        case .paid:
            if paidAt == nil { throw s.missing("paidAt") }
        case .partialCancelled, .cancelled:
            if cancellations == nil { throw s.missing("cancellations") }
            if cancelledAt == nil { throw s.missing("cancelledAt") }
        case .failed:
            if failedAt == nil { throw s.missing("failedAt") }
        default:
            break
        }
        var payment = Payment(
            id: id, status: status, transactionId: transactionId, merchantId: merchantId, storeId: storeId,
            version: version, requestedAt: requestedAt, updatedAt: updatedAt, statusChangedAt: statusChangedAt,
            orderName: orderName, amount: amount, currency: currency, customer: customer, customData: customData)
        payment.method = method
        payment.channel = channel
        payment.channelGroup = channelGroup
        payment.scheduleId = scheduleId
        payment.billingKey = billingKey
        payment.webhooks = webhooks
        payment.origin = origin
        payment.promotionId = promotionId
        payment.isCulturalExpense = isCulturalExpense
        payment.products = products
        payment.productCount = productCount
        payment.country = country
        payment.pgTxId = pgTxId
        payment.paidAt = paidAt
        payment.pgResponse = pgResponse
        payment.cashReceiptIssuanceStatus = cashReceiptIssuanceStatus
        payment.receiptUrl = receiptUrl
        payment.disputes = disputes
        payment.cancellations = cancellations ?? []
        payment.failedAt = failedAt
        payment.failure = failure
        payment.cancelledAt = cancelledAt
        return payment
    }

    /// Reads a `PaymentAmount`.
    static func paymentAmount(_ s: inout JSONScanner) throws(Failure) -> PaymentAmount {
        var total: Int64?
        var taxFree: Int64?
        var vat: Int64?
        var supply: Int64?
        var discount: Int64?
        var paid: Int64?
        var cancelled: Int64?
        var cancelledTaxFree: Int64?
        try s.members { (s: inout JSONScanner, key) throws(Failure) in
            if key.equals("total") {
                total = try s.int64()
            } else if key.equals("taxFree") {
                taxFree = try s.int64()
            } else if key.equals("vat") {
                vat = try s.optionalInt64()
            } else if key.equals("supply") {
                supply = try s.optionalInt64()
            } else if key.equals("discount") {
                discount = try s.int64()
            } else if key.equals("paid") {
                paid = try s.int64()
            } else if key.equals("cancelled") {
                cancelled = try s.int64()
            } else if key.equals("cancelledTaxFree") {
                cancelledTaxFree = try s.int64()
            } else {
                try s.skipValue()
            }
        }
        guard let total else { throw s.missing("total") }
        guard let taxFree else { throw s.missing("taxFree") }
        guard let discount else { throw s.missing("discount") }
        guard let paid else { throw s.missing("paid") }
        guard let cancelled else { throw s.missing("cancelled") }
        guard let cancelledTaxFree else { throw s.missing("cancelledTaxFree") }
        return PaymentAmount(
            total: total, taxFree: taxFree, vat: vat, supply: supply, discount: discount, paid: paid,
            cancelled: cancelled,
            cancelledTaxFree: cancelledTaxFree)
    }

    /// Reads a `Customer`.
    static func customer(_ s: inout JSONScanner) throws(Failure) -> Customer {
        var customer = Customer()
        try s.members { (s: inout JSONScanner, key) throws(Failure) in
            if key.equals("id") {
                customer.id = try s.optionalString()
            } else if key.equals("name") {
                customer.name = try s.optionalString()
            } else if key.equals("email") {
                customer.email = try s.optionalString()
            } else if key.equals("phoneNumber") {
                customer.phoneNumber = try s.optionalString()
            } else if key.equals("gender") {
                customer.gender = try s.optionalString()
            } else if key.equals("birthYear") {
                customer.birthYear = try s.optionalString()
            } else if key.equals("birthMonth") {
                customer.birthMonth = try s.optionalString()
            } else if key.equals("birthDay") {
                customer.birthDay = try s.optionalString()
            } else if key.equals("zipcode") {
                customer.zipcode = try s.optionalString()
            } else {
                try s.skipValue()
            }
        }
        return customer
    }

    /// Reads a `SelectedChannel`.
    static func selectedChannel(_ s: inout JSONScanner) throws(Failure) -> SelectedChannel {
        var type: SelectedChannel.ChannelType?
        var id: String?
        var channelKey: String?
        var name: String?
        var pgProvider: String?
        var pgMerchantId: String?
        try s.members { (s: inout JSONScanner, key) throws(Failure) in
            if key.equals("type") {
                type = SelectedChannel.ChannelType(rawString: try s.string())
            } else if key.equals("id") {
                id = try s.optionalString()
            } else if key.equals("key") {
                channelKey = try s.optionalString()
            } else if key.equals("name") {
                name = try s.optionalString()
            } else if key.equals("pgProvider") {
                pgProvider = try s.string()
            } else if key.equals("pgMerchantId") {
                pgMerchantId = try s.string()
            } else {
                try s.skipValue()
            }
        }
        guard let type else { throw s.missing("type") }
        guard let pgProvider else { throw s.missing("pgProvider") }
        guard let pgMerchantId else { throw s.missing("pgMerchantId") }
        return SelectedChannel(
            type: type, id: id, key: channelKey, name: name, pgProvider: pgProvider, pgMerchantId: pgMerchantId)
    }

    /// Reads a `ChannelGroupSummary`.
    static func channelGroup(_ s: inout JSONScanner) throws(Failure) -> ChannelGroupSummary {
        var id: String?
        var name: String?
        var isForTest: Bool?
        try s.members { (s: inout JSONScanner, key) throws(Failure) in
            if key.equals("id") {
                id = try s.string()
            } else if key.equals("name") {
                name = try s.string()
            } else if key.equals("isForTest") {
                isForTest = try s.bool()
            } else {
                try s.skipValue()
            }
        }
        guard let id else { throw s.missing("id") }
        guard let name else { throw s.missing("name") }
        guard let isForTest else { throw s.missing("isForTest") }
        return ChannelGroupSummary(id: id, name: name, isForTest: isForTest)
    }

    /// Reads a `PaymentMethod` by its `type` discriminator.
    static func paymentMethod(_ s: inout JSONScanner) throws(Failure) -> PaymentMethod {
        var type: String?
        var provider: EasyPayProvider?
        var easyPayMethod: String?
        var cardName: String?
        var approvalNumber: String?
        var bank: String?
        var accountNumber: String?
        try s.members { (s: inout JSONScanner, key) throws(Failure) in
            if key.equals("type") {
                type = try s.string()
            } else if key.equals("provider") {
                provider = try s.optionalString().map(EasyPayProvider.init(rawValue:))
            } else if key.equals("easyPayMethod") {
                easyPayMethod =
                    try s.optional { (s: inout JSONScanner) throws(Failure) in try s.memberString("type") } ?? nil
            } else if key.equals("card") {
                cardName =
                    try s.optional { (s: inout JSONScanner) throws(Failure) in try s.memberString("name") } ?? nil
            } else if key.equals("approvalNumber") {
                approvalNumber = try s.optionalString()
            } else if key.equals("bank") {
                bank = try s.optionalString()
            } else if key.equals("accountNumber") {
                accountNumber = try s.optionalString()
            } else {
                try s.skipValue()
            }
        }
        guard let type else { throw s.missing("type") }
        switch type {
        case "PaymentMethodEasyPay": return .easyPay(provider: provider, easyPayMethod: easyPayMethod)
        case "PaymentMethodCard": return .card(cardName: cardName, approvalNumber: approvalNumber)
        case "PaymentMethodTransfer": return .transfer(bank: bank)
        case "PaymentMethodVirtualAccount": return .virtualAccount(bank: bank, accountNumber: accountNumber)
        case "PaymentMethodMobile": return .mobile
        case "PaymentMethodGiftCertificate": return .giftCertificate
        case "PaymentMethodConvenienceStore": return .convenienceStore
        case "PaymentMethodCrypto": return .crypto
        default: return .unknown(type: type)
        }
    }

    /// Reads a `PaymentWebhook`.
    static func webhook(_ s: inout JSONScanner) throws(Failure) -> PaymentWebhook {
        var webhook = PaymentWebhook(id: "")
        var id: String?
        try s.members { (s: inout JSONScanner, key) throws(Failure) in
            if key.equals("id") {
                id = try s.string()
            } else if key.equals("url") {
                webhook.url = try s.optionalString()
            } else if key.equals("status") {
                webhook.status = try s.optionalString().map(PaymentWebhook.Status.init(rawString:))
            } else if key.equals("paymentStatus") {
                webhook.paymentStatus = try s.optionalString().map(PaymentStatus.init(rawString:))
            } else if key.equals("trigger") {
                webhook.trigger = try s.optionalString()
            } else if key.equals("isAsync") {
                webhook.isAsync = try s.optionalBool()
            } else if key.equals("currentExecutionCount") {
                webhook.currentExecutionCount = try s.optionalInt()
            } else if key.equals("maxExecutionCount") {
                webhook.maxExecutionCount = try s.optionalInt()
            } else if key.equals("response") {
                webhook.responseCode =
                    try s.optional { (s: inout JSONScanner) throws(Failure) in try s.memberString("code") } ?? nil
            } else if key.equals("triggeredAt") {
                webhook.triggeredAt = try s.optionalTimestamp()
            } else {
                try s.skipValue()
            }
        }
        guard let id else { throw s.missing("id") }
        webhook.id = id
        return webhook
    }

    /// Reads a `PaymentCancellation` (any status).
    static func cancellation(_ s: inout JSONScanner) throws(Failure) -> PaymentCancellation {
        var status: PaymentCancellation.Status?
        var id: String?
        var pgCancellationId: String?
        var totalAmount: Int64?
        var taxFreeAmount: Int64?
        var vatAmount: Int64?
        var easyPayDiscountAmount: Int64?
        var reason: String?
        var requestedAt: RFC3339.Timestamp?
        var cancelledAt: RFC3339.Timestamp?
        var receiptUrl: String?
        var trigger: PaymentCancellation.Trigger?
        try s.members { (s: inout JSONScanner, key) throws(Failure) in
            if key.equals("status") {
                status = PaymentCancellation.Status(rawString: try s.string())
            } else if key.equals("id") {
                id = try s.string()
            } else if key.equals("pgCancellationId") {
                pgCancellationId = try s.optionalString()
            } else if key.equals("totalAmount") {
                totalAmount = try s.int64()
            } else if key.equals("taxFreeAmount") {
                taxFreeAmount = try s.optionalInt64()
            } else if key.equals("vatAmount") {
                vatAmount = try s.optionalInt64()
            } else if key.equals("easyPayDiscountAmount") {
                easyPayDiscountAmount = try s.optionalInt64()
            } else if key.equals("reason") {
                reason = try s.optionalString()
            } else if key.equals("requestedAt") {
                requestedAt = try s.timestamp()
            } else if key.equals("cancelledAt") {
                cancelledAt = try s.optionalTimestamp()
            } else if key.equals("receiptUrl") {
                receiptUrl = try s.optionalString()
            } else if key.equals("trigger") {
                trigger = try s.optionalString().map(PaymentCancellation.Trigger.init(rawString:))
            } else {
                try s.skipValue()
            }
        }
        guard let status else { throw s.missing("status") }
        guard let id else { throw s.missing("id") }
        guard let totalAmount else { throw s.missing("totalAmount") }
        guard let requestedAt else { throw s.missing("requestedAt") }
        var cancellation = PaymentCancellation(
            status: status, id: id, totalAmount: totalAmount, taxFreeAmount: taxFreeAmount ?? 0,
            vatAmount: vatAmount ?? 0, reason: reason ?? "", requestedAt: requestedAt, cancelledAt: cancelledAt,
            trigger: trigger)
        cancellation.pgCancellationId = pgCancellationId
        cancellation.easyPayDiscountAmount = easyPayDiscountAmount
        cancellation.receiptUrl = receiptUrl
        return cancellation
    }

    /// Reads a `Dispute`.
    static func dispute(_ s: inout JSONScanner) throws(Failure) -> Dispute {
        var status: String?
        var pgDisputeId: String?
        var reason: String?
        var createdAt: RFC3339.Timestamp?
        var resolvedAt: RFC3339.Timestamp?
        try s.members { (s: inout JSONScanner, key) throws(Failure) in
            if key.equals("status") {
                status = try s.string()
            } else if key.equals("pgDisputeId") {
                pgDisputeId = try s.optionalString()
            } else if key.equals("reason") {
                reason = try s.optionalString()
            } else if key.equals("createdAt") {
                createdAt = try s.optionalTimestamp()
            } else if key.equals("resolvedAt") {
                resolvedAt = try s.optionalTimestamp()
            } else {
                try s.skipValue()
            }
        }
        guard let status else { throw s.missing("status") }
        return Dispute(
            status: status, pgDisputeId: pgDisputeId, reason: reason, createdAt: createdAt, resolvedAt: resolvedAt)
    }

    /// Reads a `PaymentOrigin`.
    static func paymentOrigin(_ s: inout JSONScanner) throws(Failure) -> PaymentOrigin {
        var origin = PaymentOrigin()
        try s.members { (s: inout JSONScanner, key) throws(Failure) in
            if key.equals("platformType") {
                origin.platformType = try s.optionalString()
            } else if key.equals("userAgent") {
                origin.userAgent = try s.optionalString()
            } else if key.equals("url") {
                origin.url = try s.optionalString()
            } else if key.equals("ipAddress") {
                origin.ipAddress = try s.optionalString()
            } else {
                try s.skipValue()
            }
        }
        return origin
    }

    /// Reads a `PaymentProduct`.
    static func product(_ s: inout JSONScanner) throws(Failure) -> PaymentProduct {
        var id: String?
        var name: String?
        var amount: Int64?
        var quantity: Int64?
        try s.members { (s: inout JSONScanner, key) throws(Failure) in
            if key.equals("id") {
                id = try s.string()
            } else if key.equals("name") {
                name = try s.string()
            } else if key.equals("amount") {
                amount = try s.int64()
            } else if key.equals("quantity") {
                quantity = try s.int64()
            } else {
                try s.skipValue()
            }
        }
        guard let id else { throw s.missing("id") }
        guard let name else { throw s.missing("name") }
        guard let amount else { throw s.missing("amount") }
        guard let quantity else { throw s.missing("quantity") }
        return PaymentProduct(id: id, name: name, amount: amount, quantity: Int(quantity))
    }

    /// Reads a `PaymentFailure`.
    static func paymentFailure(_ s: inout JSONScanner) throws(Failure) -> PaymentFailure {
        var failure = PaymentFailure()
        try s.members { (s: inout JSONScanner, key) throws(Failure) in
            if key.equals("reason") {
                failure.reason = try s.optionalString()
            } else if key.equals("pgCode") {
                failure.pgCode = try s.optionalString()
            } else if key.equals("pgMessage") {
                failure.pgMessage = try s.optionalString()
            } else {
                try s.skipValue()
            }
        }
        return failure
    }

    /// Reads a `PaymentEvent` (any type).
    static func event(_ s: inout JSONScanner) throws(Failure) -> PaymentEvent {
        var kind: PaymentEvent.Kind?
        var id: String?
        var paymentId: String?
        var transactionId: String?
        var storeId: String?
        var channel: SelectedChannel?
        var version: PortOneVersion?
        var requestedAt: RFC3339.Timestamp?
        var createdAt: RFC3339.Timestamp?
        var orderName: String?
        var totalAmount: PaymentAmount?
        var eventAmount: Int64?
        var currency: Currency?
        var customer = Customer()
        var customData: String?
        var cancellation: PaymentCancellation?
        try s.members { (s: inout JSONScanner, key) throws(Failure) in
            if key.equals("type") {
                kind = PaymentEvent.Kind(rawString: try s.string())
            } else if key.equals("id") {
                id = try s.string()
            } else if key.equals("paymentId") {
                paymentId = try s.string()
            } else if key.equals("transactionId") {
                transactionId = try s.string()
            } else if key.equals("storeId") {
                storeId = try s.string()
            } else if key.equals("channel") {
                channel = try s.optional { (s: inout JSONScanner) throws(Failure) in try selectedChannel(&s) }
            } else if key.equals("version") {
                version = PortOneVersion(rawString: try s.string())
            } else if key.equals("requestedAt") {
                requestedAt = try s.timestamp()
            } else if key.equals("createdAt") {
                createdAt = try s.timestamp()
            } else if key.equals("orderName") {
                orderName = try s.string()
            } else if key.equals("totalAmount") {
                totalAmount = try paymentAmount(&s)
            } else if key.equals("eventAmount") {
                eventAmount = try s.int64()
            } else if key.equals("currency") {
                currency = Currency(rawValue: try s.string())
            } else if key.equals("customer") {
                customer =
                    try s.optional { (s: inout JSONScanner) throws(Failure) in try Self.customer(&s) } ?? Customer()
            } else if key.equals("customData") {
                customData = try s.optionalString()
            } else if key.equals("cancellation") {
                cancellation = try s.optional { (s: inout JSONScanner) throws(Failure) in try Self.cancellation(&s) }
            } else {
                try s.skipValue()
            }
        }
        guard let kind else { throw s.missing("type") }
        guard let id else { throw s.missing("id") }
        guard let paymentId else { throw s.missing("paymentId") }
        guard let transactionId else { throw s.missing("transactionId") }
        guard let storeId else { throw s.missing("storeId") }
        guard let version else { throw s.missing("version") }
        guard let requestedAt else { throw s.missing("requestedAt") }
        guard let createdAt else { throw s.missing("createdAt") }
        guard let orderName else { throw s.missing("orderName") }
        guard let totalAmount else { throw s.missing("totalAmount") }
        guard let eventAmount else { throw s.missing("eventAmount") }
        guard let currency else { throw s.missing("currency") }
        return PaymentEvent(
            kind: kind, id: id, paymentId: paymentId, transactionId: transactionId, storeId: storeId, channel: channel,
            version: version, requestedAt: requestedAt, createdAt: createdAt, orderName: orderName,
            totalAmount: totalAmount, eventAmount: eventAmount, currency: currency, customer: customer,
            customData: customData, cancellation: cancellation)
    }
}
