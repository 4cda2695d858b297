import ReconcilerCore

/// Generates realistic, deterministic credit-shop traffic: KakaoPay purchases of the catalog's
/// packages by a pool of returning buyers, with failures, abandoned and pending payments, full
/// and (repeated) partial cancellations, late refunds, test-channel and V1 payments, and a few
/// amount mismatches.
///
/// Payment `i` depends only on the options and `i`, so generation is parallel and repeatable.
public struct DataSetGenerator: Sendable {
    /// The options in force.
    public let options: GeneratorOptions
    /// The buyers.
    public let users: [GeneratedUser]
    private let requestTimes: [Int64]

    /// One second in nanoseconds.
    static let second: Int64 = 1_000_000_000
    /// One minute in nanoseconds.
    static let minute: Int64 = 60 * second
    /// One hour in nanoseconds.
    static let hour: Int64 = 60 * minute
    /// One day in nanoseconds.
    static let day: Int64 = 24 * hour

    /// Prepares the request times and the user pool.
    public init(options: GeneratorOptions) {
        self.options = options
        var rng = SeededRandom(seed: options.seed, stream: 1, index: 0)
        let start = options.from.nanoseconds
        let end = max(start + 1, options.until.nanoseconds - 5 * DataSetGenerator.minute)
        var times = [Int64](repeating: 0, count: options.count)
        for i in 0..<options.count { times[i] = rng.int(start...(end - 1)) }
        times.sort()
        requestTimes = times
        let userCount = max(1, options.userCount ?? max(1, options.count / 4))
        var pool: [GeneratedUser] = []
        pool.reserveCapacity(userCount)
        for u in 0..<userCount {
            pool.append(GeneratedUser.make(seed: options.seed, index: u, before: options.from))
        }
        users = pool
    }

    /// The number of payments.
    public var count: Int { options.count }

    /// Payment number `index` (0-based, in request-time order).
    public func payment(at index: Int) -> SimulatedPayment {
        var rng = SeededRandom(seed: options.seed, stream: 2, index: UInt64(index))
        let until = options.until.nanoseconds
        let requested = requestTimes[index]
        let o = options
        let isV1 = rng.chance(o.v1Rate)
        let isTest = rng.chance(o.testRate)
        let user = users[Int(Double(users.count) * rng.unit() * rng.unit())]
        let package = pickPackage(&rng)
        var total = package.price
        if rng.chance(o.amountMismatchRate) {
            total = rng.pick([package.price - 100, package.price / 10, 1000, package.price + 5000])
        }
        func precise(_ nanos: Int64, _ weights: [Int]) -> Timestamp {
            Timestamp(nanoseconds: nanos, fractionDigits: rng.pick(weights))
        }
        let requestedAt = precise(requested + rng.int(0...999_999_999), [9, 9, 9, 6, 3])
        let id: String
        let transactionId: String
        if isV1 {
            id = "order_\(requested / 1_000_000)_\(rng.base36(4))"
            transactionId = "imp_\(rng.int(100_000_000_000...999_999_999_999))"
        } else {
            id = "pay-\(rng.uuid())"
            transactionId = "01\(rng.hex(6))-\(rng.hex(4))-7\(rng.hex(3))-\(rng.hex(4))-\(rng.hex(12))"
        }
        var customData: String?
        var customerId: String? = user.id
        if rng.chance(o.missingCustomDataRate) {
            if rng.chance(0.05) { customerId = nil }
        } else if rng.chance(0.03) {
            customData = "{\"userId\":\"\(user.id)\"}"
        } else {
            customData = "{\"userId\":\"\(user.id)\",\"packageId\":\"\(package.id)\"}"
        }
        let platform = rng.chance(0.55) ? "MOBILE" : "PC"
        let origin = SimulatedPayment.Origin(
            platformType: platform,
            userAgent: rng.chance(0.9) ? rng.pick(platform == "PC" ? Self.desktopAgents : Self.mobileAgents) : nil,
            url: rng.chance(0.8) ? "https://www.gureum-ai.kr/credits?package=\(package.id)" : nil,
            ipAddress:
                "\(rng.pick([1, 14, 27, 39, 58, 110, 112, 118, 121, 175, 211, 222])).\(rng.int(0...255)).\(rng.int(0...255)).\(rng.int(1...254))"
        )
        let customer = SimulatedPayment.Customer(
            id: customerId,
            name: rng.chance(0.8) ? user.name : nil,
            email: rng.chance(0.9) ? user.email : nil,
            phoneNumber: rng.chance(0.5) ? user.phone : nil)
        let vat = (total + 5) / 11
        var payment = SimulatedPayment(
            status: .ready, id: id, transactionId: transactionId, merchantId: o.merchantId,
            storeId: o.storeId, method: nil, channel: nil, channelGroup: nil,
            version: isV1 ? "V1" : "V2", webhooks: nil, requestedAt: requestedAt,
            updatedAt: requestedAt, statusChangedAt: requestedAt, orderName: package.name,
            amount: SimulatedPayment.Amount(
                total: total, taxFree: 0, vat: vat, supply: total - vat, discount: 0, paid: 0,
                cancelled: 0, cancelledTaxFree: 0),
            currency: package.currency, customer: customer, origin: origin, products: nil,
            productCount: nil, customData: customData, country: rng.chance(0.5) ? "KR" : nil)
        if rng.chance(0.2) {
            payment.products = [
                SimulatedPayment.Product(id: package.id, name: package.name, amount: total, quantity: 1)
            ]
            payment.productCount = 1
        }
        let kakaoChannel = SimulatedPayment.Channel(
            type: isTest ? "TEST" : "LIVE",
            id: isTest ? "channel-id-5b0e3c7a-test" : "channel-id-9f1d2a6c-live",
            key: isTest
                ? "channel-key-2d7e0f4b-1c9a-4e3f-8b6d-5a0c9e1f2b3d"
                : "channel-key-8c4b1e2f-7a3d-4f6e-9b0c-1d2e3f4a5b6c",
            name: isTest ? "카카오페이 테스트" : "카카오페이", pgProvider: "KAKAOPAY",
            pgMerchantId: isTest ? "TC0ONETIME" : "CQ8E3RB2WL")
        let group =
            rng.chance(0.7)
            ? SimulatedPayment.ChannelGroup(
                id: isTest ? "channel-group-test-01" : "channel-group-live-01",
                name: isTest ? "테스트 채널 그룹" : "운영 채널 그룹", isForTest: isTest) : nil

        // Decide the fate.
        let r = rng.unit()
        var threshold = o.failedRate
        if r < threshold {
            let failedAt = precise(min(until - 1, requested + rng.int(5 * Self.second...300 * Self.second)), [0, 3, 9])
            payment.status = .failed
            payment.failedAt = failedAt
            payment.statusChangedAt = failedAt
            payment.updatedAt = failedAt
            payment.channel = rng.chance(0.8) ? kakaoChannel : nil
            payment.channelGroup = group
            payment.method = rng.chance(0.5) ? easyPay(&rng) : nil
            let reason = rng.pick(Self.failures)
            payment.failure = SimulatedPayment.Failure(
                reason: reason.0, pgCode: rng.chance(0.9) ? reason.1 : nil, pgMessage: rng.chance(0.8) ? reason.2 : nil)
            if rng.chance(0.6) {
                payment.webhooks = [webhook(&rng, status: "FAILED", at: failedAt)]
            }
            return payment
        }
        threshold += o.readyRate
        if r < threshold {
            payment.channel = rng.chance(0.5) ? kakaoChannel : nil
            payment.channelGroup = payment.channel == nil ? nil : group
            if rng.chance(0.3) {
                payment.updatedAt = requestedAt.adding(nanoseconds: rng.int(1...900_000_000))
            }
            return payment
        }
        threshold += o.payPendingRate
        if r < threshold {
            let at = precise(min(until - 1, requested + rng.int(2 * Self.second...40 * Self.second)), [0, 3, 9])
            payment.status = .payPending
            payment.channel = kakaoChannel
            payment.channelGroup = group
            payment.method = easyPay(&rng)
            payment.pgTxId = "T" + rng.hex(19)
            payment.statusChangedAt = at
            payment.updatedAt = at
            return payment
        }
        threshold += o.virtualAccountRate
        if r < threshold {
            let at = precise(min(until - 1, requested + rng.int(20 * Self.second...180 * Self.second)), [0, 3, 9])
            payment.status = .virtualAccountIssued
            payment.channel = SimulatedPayment.Channel(
                type: isTest ? "TEST" : "LIVE", id: "channel-id-3a7c-toss", key: "channel-key-4e2a9b1c-toss",
                name: "토스페이먼츠 가상계좌", pgProvider: "TOSSPAYMENTS", pgMerchantId: "gureumai01")
            payment.channelGroup = group
            payment.method = SimulatedPayment.Method(
                type: "PaymentMethodVirtualAccount",
                bank: rng.pick(["SHINHAN", "KOOKMIN", "WOORI", "NONGHYUP", "HANA"]),
                accountNumber: "\(rng.int(100...999))\(rng.int(10_000_000...99_999_999))\(rng.int(100...999))",
                remitteeName: "구름AI",
                expiredAt: Timestamp(nanoseconds: requested + 3 * Self.day, fractionDigits: 0).description,
                issuedAt: at.description)
            payment.pgTxId = "tviva\(rng.hex(16))"
            payment.statusChangedAt = at
            payment.updatedAt = at
            return payment
        }

        // Paid.
        let paidNanos = min(until - 2, requested + rng.int(8 * Self.second...120 * Self.second))
        let paidAt = precise(paidNanos, [0, 0, 3, 6, 9])
        payment.status = .paid
        payment.paidAt = paidAt
        payment.statusChangedAt = paidAt
        payment.updatedAt = paidAt.adding(nanoseconds: rng.int(0...50_000_000), fractionDigits: rng.pick([3, 6, 9]))
        if payment.updatedAt < paidAt { payment.updatedAt = paidAt }
        payment.channel = kakaoChannel
        payment.channelGroup = group
        payment.method = easyPay(&rng)
        payment.amount.paid = total
        let tid = "T" + rng.hex(19)
        if rng.chance(0.95) { payment.pgTxId = tid }
        if rng.chance(0.9) {
            payment.receiptUrl = "https://mockup-pg-web.kakao.com/v1/confirmation/p/\(tid)/\(rng.hex(64))"
        }
        if rng.chance(0.25) { payment.cashReceiptIssuanceStatus = rng.chance(0.3) ? "ISSUED" : "NOT_ISSUED" }
        if rng.chance(0.05) {
            payment.pgResponse = "{\"aid\":\"A\(rng.hex(19))\",\"tid\":\"\(tid)\",\"payment_method_type\":\"MONEY\"}"
        }
        payment.disputes = []
        var hooks: [SimulatedPayment.Webhook]? = rng.chance(0.85) ? [webhook(&rng, status: "PAID", at: paidAt)] : nil

        let fate = rng.unit()
        var cancellations: [SimulatedPayment.Cancellation] = []
        func cancelTime(after nanos: Int64) -> Int64 {
            let delay: Int64
            let pickDelay = rng.unit()
            if pickDelay < 0.5 {
                delay = rng.int(Self.minute...6 * Self.hour)
            } else if pickDelay < 0.8 {
                delay = rng.int(Self.day...7 * Self.day)
            } else {
                delay = rng.int(14 * Self.day...40 * Self.day)
            }
            var at = nanos + delay
            if at >= until - 1 {
                at = nanos + 1 + Int64(Double(until - 2 - nanos) * rng.unit())
            }
            return max(nanos + 1, min(at, until - 1))
        }
        func cancellation(_ status: String, amount: Int64, at: Int64, trigger: String? = nil)
            -> SimulatedPayment.Cancellation
        {
            let requestedCancel = Timestamp(
                nanoseconds: at - rng.int(0...2 * Self.second), fractionDigits: rng.pick([3, 6, 9]))
            let done = Timestamp(nanoseconds: at, fractionDigits: rng.pick([0, 3, 6, 9]))
            let trigger = trigger ?? (rng.chance(0.7) ? rng.pick(["CONSOLE", "CONSOLE", "API", "PORTONE_ADMIN"]) : nil)
            return SimulatedPayment.Cancellation(
                status: status, id: rng.uuid(),
                pgCancellationId: status == "SUCCEEDED" && rng.chance(0.7) ? "C" + rng.hex(19) : nil,
                totalAmount: amount, taxFreeAmount: 0, vatAmount: (amount + 5) / 11,
                reason: trigger == "CHARGEBACK" ? "카드사 차지백" : rng.pick(Self.cancelReasons),
                requestedAt: requestedCancel > done ? done : requestedCancel,
                cancelledAt: status == "SUCCEEDED" ? (rng.chance(0.95) ? done : nil) : nil,
                receiptUrl: status == "SUCCEEDED" && rng.chance(0.6)
                    ? "https://mockup-pg-web.kakao.com/v1/confirmation/c/\(tid)/\(rng.hex(32))" : nil,
                trigger: trigger)
        }
        if fate < o.cancelRate {
            let trigger = rng.chance(0.05) ? "CHARGEBACK" : nil
            cancellations.append(
                cancellation("SUCCEEDED", amount: total, at: cancelTime(after: paidNanos), trigger: trigger))
        } else if fate < o.cancelRate + o.partialCancelRate {
            var remaining = total
            var last = paidNanos
            let parts = Int(rng.int(1...3))
            for _ in 0..<parts where remaining > 100 {
                let share = Int64(Double(total) * (0.1 + 0.3 * rng.unit())) / 100 * 100
                let amount = max(100, min(share, remaining - 100))
                last = cancelTime(after: last)
                if last >= until - 1 { break }
                if rng.chance(0.1) {
                    cancellations.append(cancellation("FAILED", amount: amount, at: last))
                    continue
                }
                cancellations.append(cancellation("SUCCEEDED", amount: amount, at: last))
                remaining -= amount
            }
            if rng.chance(0.3), last < until - 2 {
                last = cancelTime(after: last)
                cancellations.append(cancellation("SUCCEEDED", amount: remaining, at: last))
                remaining = 0
            }
        } else if fate < o.cancelRate + o.partialCancelRate + o.pendingCancellationRate {
            let at = cancelTime(after: paidNanos)
            cancellations.append(cancellation(rng.chance(0.5) ? "REQUESTED" : "FAILED", amount: total, at: at))
        } else if rng.chance(0.001) {
            payment.disputes = [
                SimulatedPayment.Dispute(
                    status: "UNRESOLVED", reason: "고객 이의 제기",
                    createdAt: Timestamp(nanoseconds: min(until - 1, paidNanos + Self.day), fractionDigits: 3),
                    resolvedAt: nil)
            ]
        }
        if !cancellations.isEmpty {
            payment.cancellations = cancellations
            let succeeded = cancellations.filter { $0.status == "SUCCEEDED" }
            let cancelled = succeeded.reduce(Int64(0)) { $0 + $1.totalAmount }
            payment.amount.cancelled = cancelled
            let lastEvent = cancellations.map(\.requestedAt).max()!
            if let lastSucceeded = succeeded.map(\.effectiveAt).max() {
                payment.status = cancelled >= total ? .cancelled : .partialCancelled
                payment.cancelledAt = lastSucceeded
                payment.statusChangedAt = lastSucceeded
                payment.disputes = nil
                payment.pgResponse = nil
                if hooks != nil {
                    hooks!.append(webhook(&rng, status: payment.status.rawValue, at: lastSucceeded))
                }
            }
            let latest = max(lastEvent, payment.statusChangedAt)
            payment.updatedAt = latest.adding(nanoseconds: rng.int(0...20_000_000), fractionDigits: 6)
            if payment.updatedAt < latest || payment.updatedAt.nanoseconds >= until { payment.updatedAt = latest }
        }
        payment.webhooks = hooks
        return payment
    }

    private func pickPackage(_ rng: inout SeededRandom) -> CreditPackage {
        Self.pickPackage(&rng, options.catalog)
    }

    /// A package of `catalog`, weighted as shops sell them (the cheaper ones more): the
    /// generator's and the live traffic's.
    static func pickPackage(_ rng: inout SeededRandom, _ catalog: [CreditPackage]) -> CreditPackage {
        let weights = [40.0, 30.0, 20.0, 10.0]
        var r = rng.unit() * weights.prefix(catalog.count).reduce(0, +)
        for (i, package) in catalog.enumerated() {
            r -= i < weights.count ? weights[i] : 1
            if r < 0 { return package }
        }
        return catalog[catalog.count - 1]
    }

    private func easyPay(_ rng: inout SeededRandom) -> SimulatedPayment.Method {
        var inner: SimulatedPayment.EasyPayMethod?
        if rng.chance(0.6) {
            let issuer = rng.pick(Self.cards)
            inner = SimulatedPayment.EasyPayMethod(
                type: "PaymentMethodCard",
                card: SimulatedPayment.Card(
                    publisher: issuer.0, issuer: issuer.0, brand: "LOCAL", type: rng.chance(0.7) ? "CREDIT" : "DEBIT",
                    ownerType: "PERSONAL", bin: rng.chance(0.5) ? "\(rng.int(400_000...599_999))" : nil, name: issuer.1,
                    number: "\(rng.int(4000...5999))********\(rng.int(1000...9999))"),
                approvalNumber: "\(rng.int(10_000_000...99_999_999))",
                installment: SimulatedPayment.Installment(month: 0, isInterestFree: false),
                pointUsed: rng.chance(0.1) ? true : nil)
        } else if rng.chance(0.9) {
            inner = SimulatedPayment.EasyPayMethod(type: "PaymentMethodEasyPayMethodCharge")
        }
        return SimulatedPayment.Method(type: "PaymentMethodEasyPay", provider: "KAKAOPAY", easyPayMethod: inner)
    }

    private func webhook(_ rng: inout SeededRandom, status: String, at: Timestamp) -> SimulatedPayment.Webhook {
        let ok = rng.chance(0.95)
        // Drawn in the order they always were (id, delivery, time): seeded data sets stay the same.
        let id = rng.uuid()
        let delivery = ok ? "SUCCEEDED" : rng.pick(["FAILED_NOT_OK_RESPONSE", "FAILED_UNEXPECTED_ERROR"])
        let triggeredAt = at.adding(nanoseconds: rng.int(50_000_000...900_000_000), fractionDigits: 3)
        // The app's answer, derived without drawing from `rng` so every generated data set stays
        // as it was: 200 when delivered, 500 when it answered otherwise, none when it did not answer.
        let code: String? =
            switch delivery {
            case "SUCCEEDED": "200"
            case "FAILED_NOT_OK_RESPONSE": "500"
            default: nil
            }
        return SimulatedPayment.Webhook(
            paymentStatus: status, id: id, status: delivery,
            url: "https://www.gureum-ai.kr/api/webhooks/portone", isAsync: true,
            currentExecutionCount: ok ? 1 : 6, maxExecutionCount: 6, trigger: nil, triggeredAt: triggeredAt,
            response: code.map {
                SimulatedPayment.Webhook.Response(
                    code: $0, respondedAt: triggeredAt.adding(nanoseconds: 120_000_000, fractionDigits: 3))
            })
    }

    /// Failure reasons: message, PG code, PG message.
    static let failures: [(String, String, String)] = [
        ("[PAY_PROCESS_CANCELED] 사용자가 결제를 취소하였습니다.", "USER_CANCEL", "사용자가 결제를 취소하였습니다."),
        ("[PG_PROVIDER_ERROR] 카카오페이 결제 승인에 실패하였습니다.", "-780", "결제 승인 실패"),
        ("[PAY_PROCESS_ABORTED] 결제 인증 시간이 초과되었습니다.", "-702", "결제 인증 시간 초과"),
        ("[PG_PROVIDER_ERROR] 잔액이 부족합니다.", "-797", "카카오머니 잔액 부족"),
    ]
    /// Reasons staff type when cancelling.
    static let cancelReasons = [
        "고객 요청에 의한 환불", "단순 변심", "중복 결제", "서비스 불만족 환불", "크레딧 미사용 환불 요청",
    ]
    /// Card issuers behind KakaoPay card payments: code and name.
    static let cards: [(String, String)] = [
        ("KB", "KB국민카드"), ("SHINHAN", "신한카드"), ("SAMSUNG", "삼성카드"), ("HYUNDAI", "현대카드"),
        ("LOTTE", "롯데카드"), ("WOORI", "우리카드"), ("HANA", "하나카드"), ("NH", "NH농협카드"),
    ]
    /// Desktop browser user agents.
    static let desktopAgents = [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
    ]
    /// Mobile browser and in-app user agents.
    static let mobileAgents = [
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 14; SM-S928N) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (Linux; Android 14; SM-S921N Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/130.0.0.0 Mobile Safari/537.36 KAKAOTALK 10.9.0",
    ]
}
