import WireFormat

/// Where a deduction came from: who started the cancellation(s) a `MISSED_REFUND` collects
/// credits for, read from the cancellations' `trigger` (DESIGN §7).
public struct DeductionOrigin: Sendable, Hashable {
    /// The origin, as reports and metrics name it.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Staff cancelled it in the PortOne console.
        case console = "CONSOLE"
        /// A program cancelled it through PortOne's API.
        case api = "API"
        /// PortOne's own staff cancelled it.
        case portoneAdmin = "PORTONE_ADMIN"
        /// A card dispute: the money left without the shop deciding it.
        case chargeback = "CHARGEBACK"
        /// PortOne did not say, or said something this build does not know.
        case unknown = "UNKNOWN"

        /// The kind of PortOne's `trigger` spelling (absent or unknown: ``unknown``).
        public init(trigger: String?) {
            self = trigger.flatMap(Kind.init(rawValue:)).flatMap { $0 == .unknown ? nil : $0 } ?? .unknown
        }
    }

    /// The origin.
    public var kind: Kind
    /// PortOne's `trigger` as it was sent (kept when this build does not know it); nil if absent.
    public var trigger: String?
    /// The cancellation the origin is read from.
    public var cancellationId: String
    /// The reason given for it (external text).
    public var reason: String?
    /// When it was requested.
    public var requestedAt: RFC3339.Timestamp
    /// When it took effect, if PortOne says.
    public var cancelledAt: RFC3339.Timestamp?
    /// How many successful cancellations the deduction covers.
    public var cancellations: Int

    /// Creates an origin.
    public init(
        kind: Kind, trigger: String?, cancellationId: String, reason: String?, requestedAt: RFC3339.Timestamp,
        cancelledAt: RFC3339.Timestamp?, cancellations: Int
    ) {
        self.kind = kind
        self.trigger = trigger
        self.cancellationId = cancellationId
        self.reason = reason
        self.requestedAt = requestedAt
        self.cancelledAt = cancelledAt
        self.cancellations = cancellations
    }

    /// The origin of a deduction for `payment` when the ledger already deducts `deducted` of
    /// the package's `credits`; nil when the payment has no successful cancellation.
    ///
    /// The deduction covers the successful cancellations, in the order they took effect, whose
    /// running total calls for more than the ledger deducts (with the policy's `rounding`): the
    /// ones not collected yet. A chargeback among them is the origin (a dispute outweighs any
    /// other cause); else the newest of them is. Should none be uncovered (a ledger deducting
    /// more than the cancellations call for), all of them count.
    public static func of(
        _ payment: PaymentFacts, credits: Int64, deducted: Int64, rounding: Configuration.Rounding
    ) -> DeductionOrigin? {
        let succeeded = payment.cancellations.filter { $0.status == .succeeded }.sorted {
            ($0.cancelledAt ?? $0.requestedAt, $0.id) < ($1.cancelledAt ?? $1.requestedAt, $1.id)
        }
        guard !succeeded.isEmpty else { return nil }
        var running: Int64 = 0
        var covered: [PaymentFacts.Cancellation] = []
        for cancellation in succeeded {
            running = Reconciler.saturatingAdd(running, max(0, cancellation.totalAmount))
            let due = MoneyRules.expectedDeduction(
                credits: credits, cancelled: running, total: payment.totalAmount, rounding: rounding)
            if due > deducted { covered.append(cancellation) }
        }
        if covered.isEmpty { covered = succeeded }
        let named =
            covered.last { Kind(trigger: $0.trigger) == .chargeback } ?? covered[covered.count - 1]
        return DeductionOrigin(
            kind: Kind(trigger: named.trigger), trigger: named.trigger, cancellationId: named.id,
            reason: named.reason, requestedAt: named.requestedAt, cancelledAt: named.cancelledAt,
            cancellations: covered.count)
    }
}
