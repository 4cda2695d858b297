import WireFormat

/// One repair of a stored plan (DESIGN §4.6): the repair as decided and the facts it was
/// decided on.
public struct PlannedRepair: Sendable, Hashable {
    /// The repair as the run decided it (its description and explanation are shown, not hashed).
    public var repair: Repair
    /// What it was decided on.
    public var facts: PlanFacts

    /// Creates a planned repair.
    public init(repair: Repair, facts: PlanFacts) {
        self.repair = repair
        self.facts = facts
    }

    /// What identifies the money a repair moves: two repairs with equal keys write the same
    /// ledger row amount for the same user, payment and cancellation.
    public struct Key: Sendable, Hashable, Comparable {
        /// The payment.
        public var paymentId: String
        /// Grants sort before refunds (the order they are applied in).
        public var kind: RepairKind
        /// The refund's newest cancellation; nil for a grant.
        public var cancellationId: String?
        /// The user whose balance moves.
        public var userId: String
        /// The magnitude moved.
        public var credits: Int64
        /// The signed ledger amount.
        public var ledgerAmount: Int64

        /// The key of `repair`.
        public init(_ repair: Repair) {
            paymentId = repair.paymentId
            kind = repair.kind
            cancellationId = repair.cancellationId
            userId = repair.userId
            credits = repair.credits
            ledgerAmount = repair.ledgerAmount
        }

        /// Payment id, then grant before refund, then cancellation, user and amounts: a total order.
        public static func < (lhs: Key, rhs: Key) -> Bool {
            func rank(_ kind: RepairKind) -> Int { kind == .missedGrant ? 0 : 1 }
            if lhs.paymentId != rhs.paymentId {
                return lhs.paymentId.utf8.lexicographicallyPrecedes(rhs.paymentId.utf8)
            }
            if lhs.kind != rhs.kind { return rank(lhs.kind) < rank(rhs.kind) }
            if lhs.cancellationId != rhs.cancellationId {
                guard let left = lhs.cancellationId else { return true }
                guard let right = rhs.cancellationId else { return false }
                return left.utf8.lexicographicallyPrecedes(right.utf8)
            }
            if lhs.userId != rhs.userId { return lhs.userId.utf8.lexicographicallyPrecedes(rhs.userId.utf8) }
            if lhs.credits != rhs.credits { return lhs.credits < rhs.credits }
            return lhs.ledgerAmount < rhs.ledgerAmount
        }
    }

    /// The repair's key.
    public var key: Key { Key(repair) }

    /// The canonical JSON the plan's hash covers: the key's fields, the package and the facts.
    /// The description (worded in the report locale) and the cause or origin (read from the
    /// webhook record and the cancellation, shown to the approver) are not part of it.
    public var canonicalJSON: JSONValue {
        .object([
            "kind": .string(repair.kind.rawValue), "paymentId": .string(repair.paymentId),
            "userId": .string(repair.userId), "packageId": .string(repair.packageId),
            "credits": .integer(repair.credits), "ledgerAmount": .integer(repair.ledgerAmount),
            "cancellationId": repair.cancellationId.map(JSONValue.string) ?? .null, "facts": facts.json,
        ])
    }

    /// The stored form: the canonical fields plus the description and the explanation.
    public var storedJSON: JSONValue {
        guard case .object(var fields) = canonicalJSON else { return canonicalJSON }
        fields["description"] = .string(repair.description)
        repair.addExplanation(to: &fields)
        return .object(fields)
    }

    /// Reads what ``storedJSON`` wrote; nil when it is not a planned repair.
    public init?(stored value: JSONValue) {
        guard let kind = value["kind"].stringValue.flatMap(RepairKind.init(rawValue:)),
            let paymentId = value["paymentId"].stringValue, let userId = value["userId"].stringValue,
            let packageId = value["packageId"].stringValue, let credits = value["credits"].integerValue,
            let ledgerAmount = value["ledgerAmount"].integerValue, let facts = PlanFacts(json: value["facts"])
        else { return nil }
        let cancellationId: String?
        switch value["cancellationId"] {
        case .null: cancellationId = nil
        case .string(let id): cancellationId = id
        default: return nil
        }
        self.init(
            repair: Repair(
                kind: kind, paymentId: paymentId, userId: userId, packageId: packageId, credits: credits,
                ledgerAmount: ledgerAmount, cancellationId: cancellationId,
                description: value["description"].stringValue ?? "", isAutoApplicable: true,
                cause: GrantCause(cause: value["cause"], webhook: value["webhook"]),
                origin: DeductionOrigin(origin: value["origin"], cancellation: value["cancellation"])),
            facts: facts)
    }
}
