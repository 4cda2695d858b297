import WireFormat

/// The repairs a dry run, or a run over its limits, would have applied, with the facts each
/// was decided on (DESIGN §4.6), and the SHA-256 of their canonical serialization.
///
/// The canonical serialization is order-independent: the repairs are sorted by
/// ``PlannedRepair/Key`` (payment, grant before refund, cancellation, user, amounts) and each
/// is written as compact JSON with sorted keys, so the same repairs on the same facts always
/// hash the same, and any change to a repair or to a fact changes the hash.
public struct RepairPlan: Sendable, Hashable {
    /// The version of the canonical serialization; part of what is hashed.
    public static let canonicalVersion = 1

    /// The repairs, in canonical order.
    public let repairs: [PlannedRepair]

    /// Creates a plan; `repairs` are put in canonical order.
    public init(repairs: [PlannedRepair]) {
        self.repairs = repairs.sorted { $0.key < $1.key }
    }

    /// The text the hash covers: `{"repairs":[…],"version":1}`, compact, keys sorted.
    public var canonicalText: String {
        JSONValue.object([
            "version": .integer(Int64(Self.canonicalVersion)),
            "repairs": .array(repairs.map(\.canonicalJSON)),
        ]).serialized()
    }

    /// The SHA-256 of ``canonicalText`` in lowercase hex: the plan's companion to its id.
    public var hash: String { SHA256.hex(canonicalText) }

    /// The first 12 hex digits of ``hash``, for one-line messages (the full hash is in every report).
    public var shortHash: String { String(hash.prefix(12)) }

    /// Credits the plan's grants add.
    public var creditsGranted: Int64 {
        repairs.filter { $0.repair.kind == .missedGrant }.reduce(0) { $0 + $1.repair.credits }
    }

    /// Credits the plan's refunds take back.
    public var creditsDeducted: Int64 {
        repairs.filter { $0.repair.kind == .missedRefund }.reduce(0) { $0 + $1.repair.credits }
    }

    /// The payments the plan repairs, each once, in canonical order.
    public var paymentIds: [String] {
        var seen = Set<String>()
        return repairs.map(\.repair.paymentId).filter { seen.insert($0).inserted }
    }

    /// The planned repairs of one payment.
    public func repairs(of paymentId: String) -> [PlannedRepair] {
        repairs.filter { $0.repair.paymentId == paymentId }
    }

    /// Whether a fresh decision's repairs for one payment (those apply mode would write) equal
    /// the planned ones: the same repairs with the same amounts for the same user and
    /// cancellations, in any order. The facts are not compared: a repair decided the same on
    /// different facts (a balance that moved with the user's spending) moves the same money.
    public static func freshDecision(_ fresh: [Repair], equals planned: [PlannedRepair]) -> Bool {
        fresh.map(PlannedRepair.Key.init).sorted() == planned.map(\.key).sorted()
    }
}
