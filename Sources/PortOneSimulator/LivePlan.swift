import ReconcilerCore

/// One live payment as planned when it is paid: the payment, who bought which package, and
/// its later cancellations. Payment `sequence` of a seed is always planned the same way, so a
/// live run is repeatable in what it sells (not in when: the clock is real).
struct LivePlan: Sendable {
    /// One cancellation to come.
    struct Cancellation: Sendable {
        /// The cancellation id.
        var id: String
        /// The refunded amount (whole KRW).
        var amount: Int64
        /// Seconds after the previous change (the payment or the previous cancellation).
        var delaySeconds: Double
        /// Whether it refunds the whole remaining amount.
        var full: Bool
        /// Whether it leaves `statusChangedAt` where it was.
        var quiet: Bool
    }

    /// The number of the payment in its seed's sequence.
    var sequence: UInt64
    /// The payment, PAID at the time given to ``make(sequence:seed:configuration:users:catalog:storeId:merchantId:paidAt:)``.
    var payment: SimulatedPayment
    /// The buyer.
    var userId: String
    /// The package bought.
    var package: CreditPackage
    /// The cancellations to come, in order.
    var cancellations: [Cancellation]

    /// Plans payment `sequence` of `seed`, paid at `paidAt`.
    static func make(
        sequence: UInt64, seed: UInt64, configuration c: LiveTrafficConfiguration, users: [GeneratedUser],
        catalog: [CreditPackage], storeId: String, merchantId: String, paidAt: Timestamp
    ) -> LivePlan {
        var rng = SeededRandom(seed: seed, stream: 11, index: sequence)
        let user = users[Int(rng.next() % UInt64(users.count))]
        let package = DataSetGenerator.pickPackage(&rng, catalog)
        let total = package.price
        let vat = (total + 5) / 11
        let requestedAt = paidAt.adding(nanoseconds: -rng.int(3_000_000_000...30_000_000_000), fractionDigits: 6)
        let tid = "T" + rng.hex(19)
        let platform = rng.chance(0.55) ? "MOBILE" : "PC"
        var payment = SimulatedPayment(
            status: .paid, id: "pay-\(rng.uuid())",
            transactionId: "01\(rng.hex(6))-\(rng.hex(4))-7\(rng.hex(3))-\(rng.hex(4))-\(rng.hex(12))",
            merchantId: merchantId, storeId: storeId,
            method: SimulatedPayment.Method(
                type: "PaymentMethodEasyPay", provider: "KAKAOPAY",
                easyPayMethod: SimulatedPayment.EasyPayMethod(type: "PaymentMethodEasyPayMethodCharge")),
            channel: SimulatedPayment.Channel(
                type: "LIVE", id: "channel-id-9f1d2a6c-live", key: "channel-key-8c4b1e2f-7a3d-4f6e-9b0c-1d2e3f4a5b6c",
                name: "카카오페이", pgProvider: "KAKAOPAY", pgMerchantId: "CQ8E3RB2WL"),
            channelGroup: SimulatedPayment.ChannelGroup(
                id: "channel-group-live-01", name: "운영 채널 그룹", isForTest: false),
            version: "V2", webhooks: nil, requestedAt: requestedAt, updatedAt: paidAt, statusChangedAt: paidAt,
            orderName: package.name,
            amount: SimulatedPayment.Amount(
                total: total, taxFree: 0, vat: vat, supply: total - vat, discount: 0, paid: total, cancelled: 0,
                cancelledTaxFree: 0),
            currency: package.currency,
            customer: SimulatedPayment.Customer(id: user.id, name: user.name, email: user.email, phoneNumber: nil),
            origin: SimulatedPayment.Origin(
                platformType: platform, userAgent: nil, url: "https://www.gureum-ai.kr/credits?package=\(package.id)",
                ipAddress: "211.\(rng.int(0...255)).\(rng.int(0...255)).\(rng.int(1...254))"),
            products: nil, productCount: nil,
            customData: "{\"userId\":\"\(user.id)\",\"packageId\":\"\(package.id)\"}", country: "KR")
        payment.paidAt = paidAt
        payment.pgTxId = tid
        payment.receiptUrl = "https://mockup-pg-web.kakao.com/v1/confirmation/p/\(tid)/\(rng.hex(64))"
        payment.disputes = []

        var cancellations: [Cancellation] = []
        func delay() -> Double { c.cancelDelayMin + (c.cancelDelayMax - c.cancelDelayMin) * rng.unit() }
        let fate = rng.unit()
        if fate < c.cancelRate {
            cancellations.append(
                Cancellation(id: rng.uuid(), amount: total, delaySeconds: delay(), full: true, quiet: false))
        } else if fate < c.cancelRate + c.partialCancelRate {
            var remaining = total
            let parts = Int(rng.int(1...3))
            for part in 0..<parts where remaining > 100 {
                let share = Int64(Double(total) * (0.1 + 0.3 * rng.unit())) / 100 * 100
                let amount = max(100, min(share, remaining - 100))
                let quiet = part > 0 && rng.chance(c.quietPartialCancelRate)
                cancellations.append(
                    Cancellation(id: rng.uuid(), amount: amount, delaySeconds: delay(), full: false, quiet: quiet))
                remaining -= amount
            }
        }
        return LivePlan(
            sequence: sequence, payment: payment, userId: user.id, package: package, cancellations: cancellations)
    }
}

extension SimulatedPayment {
    /// This payment with a SUCCEEDED cancellation of `amount` at `at`. A `quiet` one leaves
    /// `statusChangedAt` where it was (as PortOne may on a second or third partial
    /// cancellation); `cancelledAt` and `updatedAt` always move.
    func cancelledLive(id: String, amount: Int64, at: Timestamp, quiet: Bool) -> SimulatedPayment {
        var p = self
        let cancellation = Cancellation(
            status: "SUCCEEDED", id: id, pgCancellationId: "C" + String(id.filter { $0 != "-" }.prefix(19)),
            totalAmount: amount, taxFreeAmount: 0, vatAmount: (amount + 5) / 11, reason: "고객 요청에 의한 환불",
            requestedAt: at, cancelledAt: at, receiptUrl: nil, trigger: "CONSOLE")
        p.cancellations = (p.cancellations ?? []) + [cancellation]
        p.amount.cancelled += amount
        p.status = p.amount.cancelled >= p.amount.paid ? .cancelled : .partialCancelled
        p.cancelledAt = at
        if !quiet { p.statusChangedAt = at }
        p.updatedAt = at
        p.disputes = nil
        p.pgResponse = nil
        return p
    }
}
