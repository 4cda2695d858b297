import ReconcilerCore
import WireFormat

/// Why the run's repairs were needed, totalled from a report document (DESIGN §7): missed
/// grants by cause, deductions by origin, the web app's answers to the webhooks that failed,
/// and the chargebacks with what could not be collected of them. Every format renders it.
public struct ReportWhy: Sendable, Equatable {
    /// One line of a table: repairs applied and planned, and the credits they move.
    public struct Line: Sendable, Equatable {
        /// The cause or origin (`WEBHOOK_FAILED`, `CHARGEBACK`...).
        public var key: String
        /// Repairs written.
        public var applied = 0
        /// Repairs found and not written.
        public var planned = 0
        /// Credits they move, applied and planned.
        public var credits: Int64 = 0

        /// Applied and planned.
        public var total: Int { applied + planned }
    }

    /// Missed grants by cause, in ``GrantCause/Kind`` order, only causes that occur.
    public var causes: [Line] = []
    /// Deductions by origin, in ``DeductionOrigin/Kind`` order, only origins that occur.
    public var origins: [Line] = []
    /// Of the grants whose webhook failed: how many payments got each last answer from the web
    /// app (`500`, …; `""` when it did not answer), most first.
    public var failedAnswers: [(answer: String, payments: Int)] = []
    /// Grants whose webhook the web app acknowledged (2xx) without granting.
    public var acknowledged = 0
    /// Grants PortOne recorded no webhook for.
    public var notSent = 0
    /// Deductions for chargebacks.
    public var chargebacks = 0
    /// Credits of chargebacks the users' balances could not cover (their `REFUND_SHORTFALL`s).
    public var chargebackUncollected: Int64 = 0

    /// Whether the run repaired anything.
    public var isEmpty: Bool { causes.isEmpty && origins.isEmpty }

    /// Compares everything but the order of equal counts.
    public static func == (lhs: ReportWhy, rhs: ReportWhy) -> Bool {
        lhs.causes == rhs.causes && lhs.origins == rhs.origins && lhs.acknowledged == rhs.acknowledged
            && lhs.notSent == rhs.notSent && lhs.chargebacks == rhs.chargebacks
            && lhs.chargebackUncollected == rhs.chargebackUncollected
            && lhs.failedAnswers.map(\.answer) == rhs.failedAnswers.map(\.answer)
            && lhs.failedAnswers.map(\.payments) == rhs.failedAnswers.map(\.payments)
    }

    /// No repairs.
    init() {}

    /// The totals of `document`'s `fixes` and `plannedFixes`.
    public init(_ document: JSONValue) {
        var tally = Tally()
        for fix in document["fixes"].arrayValue { tally.repair(fix, applied: true) }
        for planned in document["plannedFixes"].arrayValue { tally.repair(planned, applied: false) }
        for entry in document["discrepancies"].arrayValue { tally.discrepancy(entry) }
        self = tally.why
    }

    /// ``ReportWhy`` built one entry at a time, in the document's order: every repair (fixes,
    /// then planned ones) before the discrepancies, so a report's entries can be totalled while
    /// they are read a page at a time.
    public struct Tally: Sendable {
        private var causes: [String: Line] = [:]
        private var origins: [String: Line] = [:]
        private var answers: [String: Int] = [:]
        private var chargebackPayments: Set<String> = []
        private var totals = ReportWhy()

        /// An empty tally.
        public init() {}

        /// Counts a repair entry of the document: a fix (`applied`) or a planned fix.
        public mutating func repair(_ entry: JSONValue, applied: Bool) {
            let credits = entry["credits"].integerValue ?? 0
            func count(_ key: String, in lines: inout [String: Line]) {
                var line = lines[key] ?? Line(key: key)
                if applied { line.applied += 1 } else { line.planned += 1 }
                line.credits += credits
                lines[key] = line
            }
            if let cause = entry["cause"].stringValue {
                count(cause, in: &causes)
                switch GrantCause.Kind(rawValue: cause) {
                case .webhookFailed: answers[ReportWhy.answer(entry["webhook"]), default: 0] += 1
                case .webhookAcknowledged: totals.acknowledged += 1
                case .webhookNotSent: totals.notSent += 1
                case .unknown, nil: break
                }
            }
            if let origin = entry["origin"].stringValue {
                count(origin, in: &origins)
                if origin == DeductionOrigin.Kind.chargeback.rawValue {
                    totals.chargebacks += 1
                    if let id = entry["paymentId"].stringValue { chargebackPayments.insert(id) }
                }
            }
        }

        /// Counts a discrepancy entry of the document (after every repair).
        public mutating func discrepancy(_ entry: JSONValue) {
            guard entry["kind"].stringValue == DiscrepancyKind.refundShortfall.rawValue,
                entry["change"].stringValue != "closed",
                entry["paymentId"].stringValue.map(chargebackPayments.contains) == true
            else { return }
            totals.chargebackUncollected += entry["actual"]["uncollected"].integerValue ?? 0
        }

        /// The totals so far.
        public var why: ReportWhy {
            var why = totals
            why.causes = ReportWhy.ordered(causes, GrantCause.Kind.allCases.map(\.rawValue))
            why.origins = ReportWhy.ordered(origins, DeductionOrigin.Kind.allCases.map(\.rawValue))
            why.failedAnswers = answers.map { ($0.key, $0.value) }.sorted { ($1.1, $0.0) < ($0.1, $1.0) }
            return why
        }
    }

    /// The web app's last answer to a failed webhook: its HTTP status, or `""` when it did not
    /// answer (or PortOne kept no code).
    static func answer(_ webhook: JSONValue) -> String {
        webhook["responseCode"].stringValue ?? ""
    }

    /// The known keys in their order, then any other key (a value of a newer build) by name.
    fileprivate static func ordered(_ lines: [String: Line], _ order: [String]) -> [Line] {
        let known = order.compactMap { lines[$0] }
        let other = lines.filter { !order.contains($0.key) }.values.sorted { $0.key < $1.key }
        return known + other
    }
}
