import Foundation
import WireFormat

/// Decodes a `SimulatedPayment` from JSON bytes without Foundation's `JSONDecoder` (several
/// times faster), for loading large data sets.
///
/// It accepts exactly what `JSONDecoder` accepts for valid payments (unknown keys ignored,
/// `null` for optional fields) and returns nil for anything else; the caller then decodes
/// with `JSONDecoder`, which either succeeds or names the problem.
enum FastPaymentDecoder {
    /// Short name for the payment model inside this decoder.
    typealias P = SimulatedPayment

    /// Decodes stored payment JSON: the fast path, else `JSONDecoder`; nil when neither can.
    static func decodeStored(_ json: [UInt8]) -> SimulatedPayment? {
        if let fast = json.withUnsafeBufferPointer({ decode($0) }) { return fast }
        return try? JSONDecoder().decode(SimulatedPayment.self, from: Data(json))
    }

    /// The payment in `bytes`, or nil when the fast path cannot decode it.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> SimulatedPayment? {
        var cursor = JSONScanner(bytes)
        guard let payment = payment(&cursor), cursor.atEnd() else { return nil }
        return payment
    }

    private static func optString(_ c: inout JSONScanner) -> String?? { c.nullable { $0.text() } }
    private static func optInt(_ c: inout JSONScanner) -> Int64?? { c.nullable { $0.integer() } }
    private static func optBool(_ c: inout JSONScanner) -> Bool?? { c.nullable { $0.flag() } }
    private static func timestamp(_ c: inout JSONScanner) -> Timestamp? { c.text().flatMap(Timestamp.parse) }
    private static func optTimestamp(_ c: inout JSONScanner) -> Timestamp?? { c.nullable { timestamp(&$0) } }
    private static func optArray<T>(_ c: inout JSONScanner, _ element: (inout JSONScanner) -> T?) -> [T]?? {
        c.nullable { cursor -> [T]? in
            var items: [T] = []
            let ok = cursor.items { inner in
                guard let item = element(&inner) else { return false }
                items.append(item)
                return true
            }
            return ok ? items : nil
        }
    }

    private static func payment(_ c: inout JSONScanner) -> P? {
        var status: String?
        var id: String?
        var transactionId: String?
        var merchantId: String?
        var storeId: String?
        var version: String?
        var orderName: String?
        var currency: String?
        var requestedAt: Timestamp?
        var updatedAt: Timestamp?
        var statusChangedAt: Timestamp?
        var amount: P.Amount?
        var customer: P.Customer?
        var method: P.Method?
        var channel: P.Channel?
        var channelGroup: P.ChannelGroup?
        var webhooks: [P.Webhook]?
        var origin: P.Origin?
        var products: [P.Product]?
        var productCount: Int64?
        var customData: String?
        var country: String?
        var promotionId: String?
        var isCulturalExpense: Bool?
        var paidAt: Timestamp?
        var pgTxId: String?
        var pgResponse: String?
        var cashReceiptIssuanceStatus: String?
        var receiptUrl: String?
        var disputes: [P.Dispute]?
        var cancellations: [P.Cancellation]?
        var failedAt: Timestamp?
        var failure: P.Failure?
        var cancelledAt: Timestamp?
        let ok = c.fields { c, key in
            switch key {
            case "status":
                status = c.text()
                return status != nil
            case "id":
                id = c.text()
                return id != nil
            case "transactionId":
                transactionId = c.text()
                return transactionId != nil
            case "merchantId":
                merchantId = c.text()
                return merchantId != nil
            case "storeId":
                storeId = c.text()
                return storeId != nil
            case "version":
                version = c.text()
                return version != nil
            case "orderName":
                orderName = c.text()
                return orderName != nil
            case "currency":
                currency = c.text()
                return currency != nil
            case "requestedAt":
                requestedAt = timestamp(&c)
                return requestedAt != nil
            case "updatedAt":
                updatedAt = timestamp(&c)
                return updatedAt != nil
            case "statusChangedAt":
                statusChangedAt = timestamp(&c)
                return statusChangedAt != nil
            case "amount":
                amount = self.amount(&c)
                return amount != nil
            case "customer":
                customer = self.customer(&c)
                return customer != nil
            case "method":
                guard let v = c.nullable({ self.method(&$0) }) else { return false }
                method = v
            case "channel":
                guard let v = c.nullable({ self.channel(&$0) }) else { return false }
                channel = v
            case "channelGroup":
                guard let v = c.nullable({ self.channelGroup(&$0) }) else { return false }
                channelGroup = v
            case "webhooks":
                guard let v = optArray(&c, webhook) else { return false }
                webhooks = v
            case "origin":
                guard let v = c.nullable({ self.origin(&$0) }) else { return false }
                origin = v
            case "products":
                guard let v = optArray(&c, product) else { return false }
                products = v
            case "productCount":
                guard let v = optInt(&c) else { return false }
                productCount = v
            case "customData":
                guard let v = optString(&c) else { return false }
                customData = v
            case "country":
                guard let v = optString(&c) else { return false }
                country = v
            case "promotionId":
                guard let v = optString(&c) else { return false }
                promotionId = v
            case "isCulturalExpense":
                guard let v = optBool(&c) else { return false }
                isCulturalExpense = v
            case "paidAt":
                guard let v = optTimestamp(&c) else { return false }
                paidAt = v
            case "pgTxId":
                guard let v = optString(&c) else { return false }
                pgTxId = v
            case "pgResponse":
                guard let v = optString(&c) else { return false }
                pgResponse = v
            case "cashReceiptIssuanceStatus":
                guard let v = optString(&c) else { return false }
                cashReceiptIssuanceStatus = v
            case "receiptUrl":
                guard let v = optString(&c) else { return false }
                receiptUrl = v
            case "disputes":
                guard let v = optArray(&c, dispute) else { return false }
                disputes = v
            case "cancellations":
                guard let v = optArray(&c, cancellation) else { return false }
                cancellations = v
            case "failedAt":
                guard let v = optTimestamp(&c) else { return false }
                failedAt = v
            case "failure":
                guard let v = c.nullable({ self.failure(&$0) }) else { return false }
                failure = v
            case "cancelledAt":
                guard let v = optTimestamp(&c) else { return false }
                cancelledAt = v
            default: return c.skipAny()
            }
            return true
        }
        guard ok, let status, let id, let transactionId, let merchantId, let storeId, let version, let requestedAt,
            let updatedAt, let statusChangedAt, let orderName, let amount, let currency, let customer
        else { return nil }
        return P(
            status: P.PaymentStatus(rawValue: status), id: id, transactionId: transactionId, merchantId: merchantId,
            storeId: storeId, method: method, channel: channel, channelGroup: channelGroup, version: version,
            webhooks: webhooks, requestedAt: requestedAt, updatedAt: updatedAt, statusChangedAt: statusChangedAt,
            orderName: orderName, amount: amount, currency: currency, customer: customer, origin: origin,
            products: products, productCount: productCount, customData: customData, country: country,
            promotionId: promotionId, isCulturalExpense: isCulturalExpense, paidAt: paidAt, pgTxId: pgTxId,
            pgResponse: pgResponse, cashReceiptIssuanceStatus: cashReceiptIssuanceStatus, receiptUrl: receiptUrl,
            disputes: disputes, cancellations: cancellations, failedAt: failedAt, failure: failure,
            cancelledAt: cancelledAt)
    }

    private static func amount(_ c: inout JSONScanner) -> P.Amount? {
        var total: Int64?
        var taxFree: Int64?
        var vat: Int64?
        var supply: Int64?
        var discount: Int64?
        var paid: Int64?
        var cancelled: Int64?
        var cancelledTaxFree: Int64?
        let ok = c.fields { c, key in
            switch key {
            case "total":
                total = c.integer()
                return total != nil
            case "taxFree":
                taxFree = c.integer()
                return taxFree != nil
            case "discount":
                discount = c.integer()
                return discount != nil
            case "paid":
                paid = c.integer()
                return paid != nil
            case "cancelled":
                cancelled = c.integer()
                return cancelled != nil
            case "cancelledTaxFree":
                cancelledTaxFree = c.integer()
                return cancelledTaxFree != nil
            case "vat":
                guard let v = optInt(&c) else { return false }
                vat = v
            case "supply":
                guard let v = optInt(&c) else { return false }
                supply = v
            default: return c.skipAny()
            }
            return true
        }
        guard ok, let total, let taxFree, let discount, let paid, let cancelled, let cancelledTaxFree else {
            return nil
        }
        return P.Amount(
            total: total, taxFree: taxFree, vat: vat, supply: supply, discount: discount, paid: paid,
            cancelled: cancelled,
            cancelledTaxFree: cancelledTaxFree)
    }

    private static func customer(_ c: inout JSONScanner) -> P.Customer? {
        var customer = P.Customer()
        let ok = c.fields { c, key in
            switch key {
            case "id":
                guard let v = optString(&c) else { return false }
                customer.id = v
            case "name":
                guard let v = optString(&c) else { return false }
                customer.name = v
            case "email":
                guard let v = optString(&c) else { return false }
                customer.email = v
            case "phoneNumber":
                guard let v = optString(&c) else { return false }
                customer.phoneNumber = v
            default: return c.skipAny()
            }
            return true
        }
        return ok ? customer : nil
    }

    private static func card(_ c: inout JSONScanner) -> P.Card? {
        var card = P.Card()
        let ok = c.fields { c, key in
            guard let v = optString(&c) else { return false }
            switch key {
            case "publisher": card.publisher = v
            case "issuer": card.issuer = v
            case "brand": card.brand = v
            case "type": card.type = v
            case "ownerType": card.ownerType = v
            case "bin": card.bin = v
            case "name": card.name = v
            case "number": card.number = v
            default: return false  // Unknown card fields: let JSONDecoder decide.
            }
            return true
        }
        return ok ? card : nil
    }

    private static func installment(_ c: inout JSONScanner) -> P.Installment? {
        var month: Int64?
        var isInterestFree: Bool?
        let ok = c.fields { c, key in
            switch key {
            case "month":
                month = c.integer()
                return month != nil
            case "isInterestFree":
                isInterestFree = c.flag()
                return isInterestFree != nil
            default: return c.skipAny()
            }
        }
        guard ok, let month, let isInterestFree else { return nil }
        return P.Installment(month: month, isInterestFree: isInterestFree)
    }

    private static func easyPayMethod(_ c: inout JSONScanner) -> P.EasyPayMethod? {
        var type: String?
        var m = P.EasyPayMethod(type: "")
        let ok = c.fields { c, key in
            switch key {
            case "type":
                type = c.text()
                return type != nil
            case "card":
                guard let v = c.nullable({ card(&$0) }) else { return false }
                m.card = v
            case "approvalNumber":
                guard let v = optString(&c) else { return false }
                m.approvalNumber = v
            case "installment":
                guard let v = c.nullable({ installment(&$0) }) else { return false }
                m.installment = v
            case "pointUsed":
                guard let v = optBool(&c) else { return false }
                m.pointUsed = v
            case "bank":
                guard let v = optString(&c) else { return false }
                m.bank = v
            default: return c.skipAny()
            }
            return true
        }
        guard ok, let type else { return nil }
        m.type = type
        return m
    }

    private static func method(_ c: inout JSONScanner) -> P.Method? {
        var type: String?
        var m = P.Method(type: "")
        let ok = c.fields { c, key in
            switch key {
            case "type":
                type = c.text()
                return type != nil
            case "provider":
                guard let v = optString(&c) else { return false }
                m.provider = v
            case "easyPayMethod":
                guard let v = c.nullable({ easyPayMethod(&$0) }) else { return false }
                m.easyPayMethod = v
            case "card":
                guard let v = c.nullable({ card(&$0) }) else { return false }
                m.card = v
            case "approvalNumber":
                guard let v = optString(&c) else { return false }
                m.approvalNumber = v
            case "installment":
                guard let v = c.nullable({ installment(&$0) }) else { return false }
                m.installment = v
            case "bank":
                guard let v = optString(&c) else { return false }
                m.bank = v
            case "accountNumber":
                guard let v = optString(&c) else { return false }
                m.accountNumber = v
            case "remitteeName":
                guard let v = optString(&c) else { return false }
                m.remitteeName = v
            case "expiredAt":
                guard let v = optString(&c) else { return false }
                m.expiredAt = v
            case "issuedAt":
                guard let v = optString(&c) else { return false }
                m.issuedAt = v
            default: return c.skipAny()
            }
            return true
        }
        guard ok, let type else { return nil }
        m.type = type
        return m
    }

    private static func channel(_ c: inout JSONScanner) -> P.Channel? {
        var type: String?
        var pgProvider: String?
        var pgMerchantId: String?
        var id: String?
        var key: String?
        var name: String?
        let ok = c.fields { c, field in
            switch field {
            case "type":
                type = c.text()
                return type != nil
            case "pgProvider":
                pgProvider = c.text()
                return pgProvider != nil
            case "pgMerchantId":
                pgMerchantId = c.text()
                return pgMerchantId != nil
            case "id":
                guard let v = optString(&c) else { return false }
                id = v
            case "key":
                guard let v = optString(&c) else { return false }
                key = v
            case "name":
                guard let v = optString(&c) else { return false }
                name = v
            default: return c.skipAny()
            }
            return true
        }
        guard ok, let type, let pgProvider, let pgMerchantId else { return nil }
        return P.Channel(type: type, id: id, key: key, name: name, pgProvider: pgProvider, pgMerchantId: pgMerchantId)
    }

    private static func channelGroup(_ c: inout JSONScanner) -> P.ChannelGroup? {
        var id: String?
        var name: String?
        var isForTest: Bool?
        let ok = c.fields { c, key in
            switch key {
            case "id":
                id = c.text()
                return id != nil
            case "name":
                name = c.text()
                return name != nil
            case "isForTest":
                isForTest = c.flag()
                return isForTest != nil
            default: return c.skipAny()
            }
        }
        guard ok, let id, let name, let isForTest else { return nil }
        return P.ChannelGroup(id: id, name: name, isForTest: isForTest)
    }

    private static func webhook(_ c: inout JSONScanner) -> P.Webhook? {
        var id: String?
        var url: String?
        var w = P.Webhook(id: "", url: "")
        let ok = c.fields { c, key in
            switch key {
            case "id":
                id = c.text()
                return id != nil
            case "url":
                url = c.text()
                return url != nil
            case "paymentStatus":
                guard let v = optString(&c) else { return false }
                w.paymentStatus = v
            case "status":
                guard let v = optString(&c) else { return false }
                w.status = v
            case "isAsync":
                guard let v = optBool(&c) else { return false }
                w.isAsync = v
            case "currentExecutionCount":
                guard let v = optInt(&c) else { return false }
                w.currentExecutionCount = v
            case "maxExecutionCount":
                guard let v = optInt(&c) else { return false }
                w.maxExecutionCount = v
            case "trigger":
                guard let v = optString(&c) else { return false }
                w.trigger = v
            case "triggeredAt":
                guard let v = optTimestamp(&c) else { return false }
                w.triggeredAt = v
            case "response":
                guard let v = c.nullable({ webhookResponse(&$0) }) else { return false }
                w.response = v
            default: return c.skipAny()
            }
            return true
        }
        guard ok, let id, let url else { return nil }
        w.id = id
        w.url = url
        return w
    }

    private static func webhookResponse(_ c: inout JSONScanner) -> P.Webhook.Response? {
        var code: String?
        var respondedAt: Timestamp?
        let ok = c.fields { c, key in
            switch key {
            case "code":
                code = c.text()
                return code != nil
            case "respondedAt":
                guard let v = optTimestamp(&c), let v else { return false }
                respondedAt = v
            default: return c.skipAny()
            }
            return true
        }
        guard ok, let code, let respondedAt else { return nil }
        return P.Webhook.Response(code: code, respondedAt: respondedAt)
    }

    private static func origin(_ c: inout JSONScanner) -> P.Origin? {
        var platformType: String?
        var ipAddress: String?
        var userAgent: String?
        var url: String?
        let ok = c.fields { c, key in
            switch key {
            case "platformType":
                platformType = c.text()
                return platformType != nil
            case "ipAddress":
                ipAddress = c.text()
                return ipAddress != nil
            case "userAgent":
                guard let v = optString(&c) else { return false }
                userAgent = v
            case "url":
                guard let v = optString(&c) else { return false }
                url = v
            default: return c.skipAny()
            }
            return true
        }
        guard ok, let platformType, let ipAddress else { return nil }
        return P.Origin(platformType: platformType, userAgent: userAgent, url: url, ipAddress: ipAddress)
    }

    private static func product(_ c: inout JSONScanner) -> P.Product? {
        var id: String?
        var name: String?
        var amount: Int64?
        var quantity: Int64?
        let ok = c.fields { c, key in
            switch key {
            case "id":
                id = c.text()
                return id != nil
            case "name":
                name = c.text()
                return name != nil
            case "amount":
                amount = c.integer()
                return amount != nil
            case "quantity":
                quantity = c.integer()
                return quantity != nil
            default: return c.skipAny()
            }
        }
        guard ok, let id, let name, let amount, let quantity else { return nil }
        return P.Product(id: id, name: name, amount: amount, quantity: quantity)
    }

    private static func dispute(_ c: inout JSONScanner) -> P.Dispute? {
        var status: String?
        var reason: String?
        var createdAt: Timestamp?
        var resolvedAt: Timestamp?
        let ok = c.fields { c, key in
            switch key {
            case "status":
                status = c.text()
                return status != nil
            case "reason":
                reason = c.text()
                return reason != nil
            case "createdAt":
                createdAt = timestamp(&c)
                return createdAt != nil
            case "resolvedAt":
                guard let v = optTimestamp(&c) else { return false }
                resolvedAt = v
            default: return c.skipAny()
            }
            return true
        }
        guard ok, let status, let reason, let createdAt else { return nil }
        return P.Dispute(status: status, reason: reason, createdAt: createdAt, resolvedAt: resolvedAt)
    }

    private static func cancellation(_ c: inout JSONScanner) -> P.Cancellation? {
        var status: String?
        var id: String?
        var totalAmount: Int64?
        var taxFreeAmount: Int64?
        var vatAmount: Int64?
        var reason: String?
        var requestedAt: Timestamp?
        var pgCancellationId: String?
        var cancelledAt: Timestamp?
        var receiptUrl: String?
        var trigger: String?
        let ok = c.fields { c, key in
            switch key {
            case "status":
                status = c.text()
                return status != nil
            case "id":
                id = c.text()
                return id != nil
            case "totalAmount":
                totalAmount = c.integer()
                return totalAmount != nil
            case "taxFreeAmount":
                taxFreeAmount = c.integer()
                return taxFreeAmount != nil
            case "vatAmount":
                vatAmount = c.integer()
                return vatAmount != nil
            case "reason":
                reason = c.text()
                return reason != nil
            case "requestedAt":
                requestedAt = timestamp(&c)
                return requestedAt != nil
            case "pgCancellationId":
                guard let v = optString(&c) else { return false }
                pgCancellationId = v
            case "cancelledAt":
                guard let v = optTimestamp(&c) else { return false }
                cancelledAt = v
            case "receiptUrl":
                guard let v = optString(&c) else { return false }
                receiptUrl = v
            case "trigger":
                guard let v = optString(&c) else { return false }
                trigger = v
            default: return c.skipAny()
            }
            return true
        }
        guard ok, let status, let id, let totalAmount, let taxFreeAmount, let vatAmount, let reason, let requestedAt
        else { return nil }
        return P.Cancellation(
            status: status, id: id, pgCancellationId: pgCancellationId, totalAmount: totalAmount,
            taxFreeAmount: taxFreeAmount, vatAmount: vatAmount, reason: reason, requestedAt: requestedAt,
            cancelledAt: cancelledAt, receiptUrl: receiptUrl, trigger: trigger)
    }

    private static func failure(_ c: inout JSONScanner) -> P.Failure? {
        var failure = P.Failure()
        let ok = c.fields { c, key in
            switch key {
            case "reason":
                guard let v = optString(&c) else { return false }
                failure.reason = v
            case "pgCode":
                guard let v = optString(&c) else { return false }
                failure.pgCode = v
            case "pgMessage":
                guard let v = optString(&c) else { return false }
                failure.pgMessage = v
            default: return c.skipAny()
            }
            return true
        }
        return ok ? failure : nil
    }
}
