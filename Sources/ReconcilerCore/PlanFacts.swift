import WireFormat

/// The facts a planned repair was decided on (DESIGN §4.6): what PortOne said of the payment,
/// what the ledger held for it, and the user's balance. A reviewer reads them to judge the
/// repair; they are part of the plan's hash, so an approval covers exactly these facts.
public struct PlanFacts: Sendable, Hashable {
    /// One successful cancellation of the payment.
    public struct Cancellation: Sendable, Hashable, Comparable {
        /// PortOne's cancellation id.
        public var id: String
        /// The amount it returned.
        public var amount: Int64

        /// Creates a cancellation fact.
        public init(id: String, amount: Int64) {
            self.id = id
            self.amount = amount
        }

        /// By id, then amount: the order the canonical serialization lists them in.
        public static func < (lhs: Self, rhs: Self) -> Bool {
            (lhs.id.utf8.lexicographicallyPrecedes(rhs.id.utf8)) || (lhs.id == rhs.id && lhs.amount < rhs.amount)
        }
    }

    /// PortOne's payment status (`PAID`, `PARTIAL_CANCELLED`, …).
    public var status: String
    /// `amount.total`.
    public var totalAmount: Int64
    /// `amount.cancelled`.
    public var cancelledAmount: Int64
    /// The successful cancellations, sorted by id (only these count, §4.2).
    public var cancellations: [Cancellation]
    /// Sum of the payment's PURCHASE rows in the ledger.
    public var ledgerPurchase: Int64
    /// Sum of the payment's REFUND rows in the ledger (zero or negative).
    public var ledgerRefund: Int64
    /// The user's `Credit.balance`; nil when the user has no `Credit` row.
    public var balance: Int64?

    /// Creates facts; the cancellations are kept sorted, so their order never changes the hash.
    public init(
        status: String, totalAmount: Int64, cancelledAmount: Int64, cancellations: [Cancellation],
        ledgerPurchase: Int64, ledgerRefund: Int64, balance: Int64?
    ) {
        self.status = status
        self.totalAmount = totalAmount
        self.cancelledAmount = cancelledAmount
        self.cancellations = cancellations.sorted()
        self.ledgerPurchase = ledgerPurchase
        self.ledgerRefund = ledgerRefund
        self.balance = balance
    }

    /// The facts of `payment` as decided with `ledger` (its rows) and the user's `balance`.
    public init(payment: PaymentFacts, ledger: [LedgerEntry], balance: Int64?) {
        self.init(
            status: payment.status.portOneName, totalAmount: payment.totalAmount,
            cancelledAmount: payment.cancelledAmount,
            cancellations: payment.cancellations.filter { $0.status == .succeeded }.map {
                Cancellation(id: $0.id, amount: $0.totalAmount)
            },
            ledgerPurchase: ledger.filter { $0.type == .purchase }.reduce(0) { $0 + $1.amount },
            ledgerRefund: ledger.filter { $0.type == .refund }.reduce(0) { $0 + $1.amount }, balance: balance)
    }

    /// The facts as JSON (the canonical form's part; `balance` is null without a `Credit` row).
    public var json: JSONValue {
        .object([
            "status": .string(status), "totalAmount": .integer(totalAmount),
            "cancelledAmount": .integer(cancelledAmount),
            "cancellations": .array(
                cancellations.map { .object(["id": .string($0.id), "amount": .integer($0.amount)]) }),
            "ledgerPurchase": .integer(ledgerPurchase), "ledgerRefund": .integer(ledgerRefund),
            "balance": balance.map(JSONValue.integer) ?? .null,
        ])
    }

    /// Reads what ``json`` wrote; nil when a field is missing or of the wrong type.
    public init?(json value: JSONValue) {
        guard let status = value["status"].stringValue, let total = value["totalAmount"].integerValue,
            let cancelled = value["cancelledAmount"].integerValue,
            let purchase = value["ledgerPurchase"].integerValue, let refund = value["ledgerRefund"].integerValue,
            case .array(let entries) = value["cancellations"]
        else { return nil }
        var cancellations: [Cancellation] = []
        for entry in entries {
            guard let id = entry["id"].stringValue, let amount = entry["amount"].integerValue else { return nil }
            cancellations.append(Cancellation(id: id, amount: amount))
        }
        let balance: Int64?
        switch value["balance"] {
        case .null: balance = nil
        case let other:
            guard let read = other.integerValue else { return nil }
            balance = read
        }
        self.init(
            status: status, totalAmount: total, cancelledAmount: cancelled, cancellations: cancellations,
            ledgerPurchase: purchase, ledgerRefund: refund, balance: balance)
    }
}
