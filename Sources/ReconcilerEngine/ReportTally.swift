import LedgerStore
import ReconcilerCore
import Reports
import WireFormat

/// What the report needs beyond the run's counts, gathered while the run decides payments:
/// sums and a day-by-day series over every payment, and the payment, package and e-mail of the
/// few payments with a repair or a discrepancy. It costs no query: everything comes from the
/// pages and ledger rows the run reads anyway.
struct ReportTally {
    /// What a payment's repairs leave between the credits due and the ledger, by the kind of
    /// its first finding ("other" when none).
    struct Gap: Hashable, Sendable {
        var key: String
        var credits: Int64
    }

    /// What `observe` hands back for a payment whose repairs are decided again before they are
    /// written: kept with the queued repairs, not here.
    struct Deferred {
        var gap: Gap?
        var paidDay: Int64?
        var payment: RunReport.Payment
    }

    /// The window, in seconds since the epoch; nil for `--payment-id` runs.
    let window: (from: Int64, until: Int64)?
    let catalog: [CreditPackage]
    var reconciliation = RunReport.Reconciliation()
    var undecided: [String: RunReport.Line] = [:]
    var gaps: [String: RunReport.Line] = [:]
    /// By KST day number (days since 1970-01-01 in KST): a million payments are counted without
    /// formatting a million dates.
    var days: [Int64: RunReport.Day] = [:]
    /// The payments with a discrepancy or a planned repair, as PortOne reported them (those
    /// with repairs to write travel with their queued repairs).
    var payments: [String: RunReport.Payment] = [:]
    /// E-mails of the users of those payments (and of balance drifts).
    var emails: [String: String] = [:]
    /// For payments whose repairs are decided again before they are written: the sum of what
    /// their repairs leave between due and the ledger, by kind (`payments` counts those with a
    /// gap). Each starts as the scan's plan and is replaced by the fresh decision's.
    var deferred: [String: RunReport.Line] = [:]

    init(window: RunWindow?, catalog: [CreditPackage]) {
        self.window = window.map { ($0.from.secondsSinceEpoch, $0.until.secondsSinceEpoch) }
        self.catalog = catalog
        if let window = self.window {
            // Every day of the window, so the chart has no holes (a --full window is a year at most).
            var second = window.from
            while second < window.until {
                _ = dayTally(Self.kstDay(RFC3339.Timestamp(secondsSinceEpoch: second)))
                second += 86_400
            }
            _ = dayTally(Self.kstDay(RFC3339.Timestamp(secondsSinceEpoch: window.until - 1)))
        }
    }

    /// The KST calendar day of an instant, as a day number.
    static func kstDay(_ timestamp: RFC3339.Timestamp) -> Int64 {
        let (quotient, remainder) = (timestamp.secondsSinceEpoch + 9 * 3600).quotientAndRemainder(dividingBy: 86_400)
        return remainder < 0 ? quotient - 1 : quotient
    }

    /// The tally of KST day `number`, created (with its `YYYY-MM-DD` date) on first use.
    mutating func dayTally(_ number: Int64) -> RunReport.Day {
        if let day = days[number] { return day }
        let day = RunReport.Day(
            date: ReportTime.kstDate(RFC3339.Timestamp(secondsSinceEpoch: number * 86_400 - 9 * 3600)))
        days[number] = day
        return day
    }

    func inWindow(_ timestamp: RFC3339.Timestamp) -> Bool {
        guard let window else { return true }
        return timestamp.secondsSinceEpoch >= window.from && timestamp.secondsSinceEpoch < window.until
    }

    /// Counts one decided payment; `redecided` when its repairs will be decided again on fresh
    /// data before they are written (``redecided(outcome:written:replacing:)`` then says what is
    /// left): what the report needs of such a payment is returned, to be queued with its repairs.
    @discardableResult
    mutating func observe(_ payment: PaymentFacts, _ outcome: PaymentOutcome, email: String?, redecided: Bool)
        -> Deferred?
    {
        var scanGap: Gap?
        var paidDay: Int64?
        let moneyCounts =
            MoneyRules.wasEverPaid(payment) && payment.currency == "KRW" && outcome.classification != .testChannel
            && outcome.classification != .otherStore
        let cancelled = MoneyRules.succeededCancellationTotal(of: payment)
        if moneyCounts {
            reconciliation.paidPayments += 1
            Self.add(&reconciliation.paidKRW, payment.totalAmount)
            Self.add(&reconciliation.cancelledKRW, cancelled)
        }
        let ledger = outcome.actualGrant - outcome.actualDeduction
        let kind = outcome.discrepancies.first?.kind.rawValue
        if let expectedGrant = outcome.expectedGrant {
            let due = expectedGrant - (outcome.expectedDeduction ?? 0)
            reconciliation.creditsDue += due
            reconciliation.ledgerBefore += ledger
            let rest = due - ledger - outcome.repairs.reduce(0) { $0 + $1.ledgerAmount }
            if redecided {
                scanGap = Gap(key: kind ?? "other", credits: rest)
                count(scanGap, sign: 1)
            } else if rest != 0 {
                add(&gaps, key: kind ?? "other", krw: 0, credits: rest)
            }
        } else if moneyCounts || ledger != 0 {
            add(
                &undecided, key: kind ?? outcome.classification.rawValue,
                krw: moneyCounts ? payment.totalAmount - cancelled : 0, credits: ledger)
        }
        if moneyCounts, let paidAt = payment.paidAt, inWindow(paidAt) {
            let date = Self.kstDay(paidAt)
            var day = dayTally(date)
            day.paidPayments += 1
            Self.add(&day.paidKRW, payment.totalAmount)
            day.creditsDue += outcome.expectedGrant ?? 0
            if outcome.actualGrant > 0 {
                day.grantedPayments += 1
                day.creditsGranted += outcome.actualGrant
            }
            days[date] = day
            if !outcome.repairs.isEmpty { paidDay = date }
        }
        if moneyCounts {
            for cancellation in payment.cancellations where cancellation.status == .succeeded {
                let at = cancellation.cancelledAt ?? cancellation.requestedAt
                guard inWindow(at) else { continue }
                let date = Self.kstDay(at)
                var day = dayTally(date)
                Self.add(&day.cancelledKRW, cancellation.totalAmount)
                days[date] = day
            }
        }
        if redecided {
            return Deferred(gap: scanGap, paidDay: paidDay, payment: info(payment, packageId: outcome.packageId))
        }
        if !outcome.repairs.isEmpty || !outcome.discrepancies.isEmpty {
            payments[payment.id] = info(payment, packageId: outcome.packageId)
            if let userId = outcome.userId, let email { emails[userId] = email }
        }
        return nil
    }

    /// Adds (`sign` 1) or takes back (-1) a deferred gap.
    private mutating func count(_ gap: Gap?, sign: Int) {
        guard let gap, gap.credits != 0 else { return }
        var line = deferred[gap.key] ?? RunReport.Line(key: gap.key, payments: 0, krw: 0, credits: 0)
        line.payments += sign
        line.credits += Int64(sign) * gap.credits
        deferred[gap.key] = line
    }

    /// What the fresh decision before a repair left between due and the ledger after `written`
    /// credits (signed) went into the ledger, in place of `previous` (the scan's gap, or an
    /// earlier fresh decision's); returns the gap now counted. Differences between the first
    /// and the fresh facts stay in the "changed during the run" line.
    mutating func redecided(outcome: PaymentOutcome, written: Int64, replacing previous: Gap?) -> Gap? {
        guard let expectedGrant = outcome.expectedGrant else { return previous }
        let due = expectedGrant - (outcome.expectedDeduction ?? 0)
        let rest =
            due - (outcome.actualGrant - outcome.actualDeduction) - written
            - outcome.plannedOnly.reduce(0) { $0 + $1.ledgerAmount }
        let gap = Gap(key: outcome.discrepancies.first?.kind.rawValue ?? "other", credits: rest)
        count(previous, sign: -1)
        count(gap, sign: 1)
        return gap
    }

    /// Counts a repair the run wrote for a payment paid on KST day `paidDay` (nil: outside the window).
    mutating func repaired(_ fix: AppliedFix, paidDay: Int64?) {
        guard fix.kind == .missedGrant, let date = paidDay else { return }
        var day = dayTally(date)
        day.repairedPayments += 1
        day.creditsGrantedByRun += fix.credits
        days[date] = day
    }

    /// The reconciliation, with the difference explained line by line.
    func finished(totals: RunTotals, planned: [Repair]) -> RunReport.Reconciliation {
        var result = reconciliation
        result.creditsGranted = totals.creditsGranted
        result.creditsDeducted = totals.creditsDeducted
        result.undecided = undecided.values.sorted { ($0.krw, $0.key) > ($1.krw, $1.key) }
        var gaps = gaps
        for (key, gap) in deferred where gap.payments != 0 {
            var line = gaps[key] ?? RunReport.Line(key: key, payments: 0, krw: 0, credits: 0)
            line.payments += gap.payments
            line.credits += gap.credits
            gaps[key] = line
        }
        var explained: [RunReport.Line] = []
        let plannedCredits = planned.reduce(0) { $0 + $1.ledgerAmount }
        if !planned.isEmpty {
            explained.append(
                RunReport.Line(
                    key: "plannedRepairs", payments: Set(planned.map(\.paymentId)).count, krw: 0,
                    credits: plannedCredits))
        }
        explained += gaps.values.sorted { $0.key < $1.key }
        let remainder = result.difference - explained.reduce(0) { $0 + $1.credits }
        if remainder != 0 {
            explained.append(RunReport.Line(key: "changedDuringRun", payments: 0, krw: 0, credits: remainder))
        }
        result.explained = explained
        return result
    }

    /// The days, oldest first.
    var series: [RunReport.Day] {
        days.values.sorted { $0.date < $1.date }
    }

    func info(_ payment: PaymentFacts, packageId: String?) -> RunReport.Payment {
        let package = packageId.flatMap { id in
            catalog.first { $0.id == id && $0.isValid(at: payment.requestedAt.date) } ?? catalog.first { $0.id == id }
        }
        let newest = payment.cancellations.filter { $0.status == .succeeded }.max {
            ($0.cancelledAt ?? $0.requestedAt) < ($1.cancelledAt ?? $1.requestedAt)
        }
        return RunReport.Payment(
            status: payment.status.portOneName, currency: payment.currency, totalAmount: payment.totalAmount,
            cancelledAmount: payment.cancelledAmount, orderName: payment.orderName, paidAt: payment.paidAt?.date,
            cancelledAt: newest.map { ($0.cancelledAt ?? $0.requestedAt).date },
            statusChangedAt: payment.statusChangedAt.date,
            package: package.map {
                RunReport.Package(id: $0.id, name: $0.name, credits: $0.credits, price: $0.price)
            })
    }

    private func add(_ lines: inout [String: RunReport.Line], key: String, krw: Int64, credits: Int64) {
        var line = lines[key] ?? RunReport.Line(key: key, payments: 0, krw: 0, credits: 0)
        line.payments += 1
        Self.add(&line.krw, krw)
        line.credits += credits
        lines[key] = line
    }

    /// Adds a PortOne amount to a report total, saturating: a payment claiming an absurd amount
    /// (near Int64.max, as a hostile or broken answer can) must not crash the run with an
    /// arithmetic overflow; its own discrepancy says what is wrong with it.
    static func add(_ total: inout Int64, _ amount: Int64) {
        let (sum, overflow) = total.addingReportingOverflow(amount)
        total = overflow ? (amount > 0 ? .max : .min) : sum
    }
}
