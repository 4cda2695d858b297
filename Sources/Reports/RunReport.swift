import Foundation
import ReconcilerCore

/// Everything one run's report says: the document of DESIGN §7 that other programs read. It is
/// built once, when the run ends, stored with the run, and every format renders from it.
public struct RunReport: Sendable {
    /// The run itself.
    public struct Run: Sendable {
        /// `reconciler.run.id`.
        public var id: Int64
        /// `timer`, `manual` or `daemon`.
        public var trigger: String
        /// `apply` or `dry-run`.
        public var mode: String
        /// Window start, nil for `--payment-id` runs.
        public var windowFrom: Date?
        /// Window end (exclusive).
        public var windowUntil: Date?
        /// The payments a `--payment-id` run looked at.
        public var paymentIds: [String]?
        /// When it started.
        public var startedAt: Date
        /// When it ended.
        public var finishedAt: Date
        /// `succeeded`, `failed` or `aborted`.
        public var status: String
        /// Why it failed, if it did.
        public var error: String?

        /// Creates the run part.
        public init(
            id: Int64, trigger: String, mode: String, windowFrom: Date?, windowUntil: Date?, paymentIds: [String]?,
            startedAt: Date, finishedAt: Date, status: String, error: String?
        ) {
            self.id = id
            self.trigger = trigger
            self.mode = mode
            self.windowFrom = windowFrom
            self.windowUntil = windowUntil
            self.paymentIds = paymentIds
            self.startedAt = startedAt
            self.finishedAt = finishedAt
            self.status = status
            self.error = error
        }
    }

    /// A repair written to the ledger.
    public struct Fix: Sendable {
        /// `MISSED_GRANT` or `MISSED_REFUND`.
        public var kind: String
        /// The payment.
        public var paymentId: String
        /// The user whose balance moved.
        public var userId: String
        /// Credits moved (positive).
        public var credits: Int64
        /// The `CreditTransaction` row written.
        public var creditTransactionId: String
        /// Balance before the repair.
        public var balanceBefore: Int64
        /// Balance after the repair.
        public var balanceAfter: Int64
        /// The cancellation a refund covers.
        public var cancellationId: String?

        /// Creates a fix line.
        public init(
            kind: String, paymentId: String, userId: String, credits: Int64, creditTransactionId: String,
            balanceBefore: Int64, balanceAfter: Int64, cancellationId: String?
        ) {
            self.kind = kind
            self.paymentId = paymentId
            self.userId = userId
            self.credits = credits
            self.creditTransactionId = creditTransactionId
            self.balanceBefore = balanceBefore
            self.balanceAfter = balanceAfter
            self.cancellationId = cancellationId
        }
    }

    /// A discrepancy the run saw or closed.
    public struct Entry: Sendable {
        /// `reconciler.discrepancy.id`.
        public var id: Int64
        /// Its kind.
        public var kind: String
        /// `critical`, `warning` or `info`.
        public var severity: String
        /// `open`, `fixed`, `resolved` or `ignored`, as of the end of the run.
        public var status: String
        /// The payment, if any.
        public var paymentId: String?
        /// The user, if any.
        public var userId: String?
        /// What the reconciler expected.
        public var expected: JSONValue
        /// What it found.
        public var actual: JSONValue
        /// The run that first saw it.
        public var firstSeenRunId: Int64
        /// How many runs have seen it.
        public var occurrences: Int
        /// A sentence for the reviewer.
        public var detail: String

        /// Creates a discrepancy line.
        public init(
            id: Int64, kind: String, severity: String, status: String, paymentId: String?, userId: String?,
            expected: JSONValue, actual: JSONValue, firstSeenRunId: Int64, occurrences: Int, detail: String
        ) {
            self.id = id
            self.kind = kind
            self.severity = severity
            self.status = status
            self.paymentId = paymentId
            self.userId = userId
            self.expected = expected
            self.actual = actual
            self.firstSeenRunId = firstSeenRunId
            self.occurrences = occurrences
            self.detail = detail
        }
    }

    /// The run.
    public var run: Run
    /// The counts, as the run recorded them (a JSON object).
    public var totals: JSONValue
    /// Repairs written.
    public var fixes: [Fix]
    /// Repairs found but not written (dry run, policy, tripped limit).
    public var plannedFixes: [Repair]
    /// Discrepancies seen or closed by the run.
    public var discrepancies: [Entry]

    /// Creates a report.
    public init(run: Run, totals: JSONValue, fixes: [Fix], plannedFixes: [Repair], discrepancies: [Entry]) {
        self.run = run
        self.totals = totals
        self.fixes = fixes
        self.plannedFixes = plannedFixes
        self.discrepancies = discrepancies
    }

    /// The JSON document of DESIGN §7 (`run`, `totals`, `fixes[]`, `discrepancies[]`), plus
    /// `plannedFixes[]`. Times are UTC RFC 3339 with milliseconds.
    public var document: JSONValue {
        var runFields: [String: JSONValue] = [
            "id": .integer(run.id), "trigger": .string(run.trigger), "mode": .string(run.mode),
            "window": .object(["from": Self.time(run.windowFrom), "until": Self.time(run.windowUntil)]),
            "startedAt": Self.time(run.startedAt), "finishedAt": Self.time(run.finishedAt),
            "status": .string(run.status), "error": run.error.map { .string($0) } ?? .null,
        ]
        if let paymentIds = run.paymentIds { runFields["paymentIds"] = .array(paymentIds.map { .string($0) }) }
        return .object([
            "run": .object(runFields),
            "totals": totals,
            "fixes": .array(
                fixes.map { fix in
                    .object([
                        "kind": .string(fix.kind), "paymentId": .string(fix.paymentId), "userId": .string(fix.userId),
                        "credits": .integer(fix.credits), "creditTransactionId": .string(fix.creditTransactionId),
                        "balanceBefore": .integer(fix.balanceBefore), "balanceAfter": .integer(fix.balanceAfter),
                        "cancellationId": fix.cancellationId.map { .string($0) } ?? .null,
                    ])
                }),
            "plannedFixes": .array(
                plannedFixes.map { repair in
                    .object([
                        "kind": .string(repair.kind.rawValue), "paymentId": .string(repair.paymentId),
                        "userId": .string(repair.userId), "packageId": .string(repair.packageId),
                        "credits": .integer(repair.credits),
                    ])
                }),
            "discrepancies": .array(
                discrepancies.map { entry in
                    .object([
                        "id": .integer(entry.id), "kind": .string(entry.kind), "severity": .string(entry.severity),
                        "status": .string(entry.status), "paymentId": entry.paymentId.map { .string($0) } ?? .null,
                        "userId": entry.userId.map { .string($0) } ?? .null, "expected": entry.expected,
                        "actual": entry.actual, "firstSeenRunId": .integer(entry.firstSeenRunId),
                        "occurrences": .integer(Int64(entry.occurrences)), "detail": .string(entry.detail),
                    ])
                }),
        ])
    }

    static func time(_ date: Date?) -> JSONValue {
        guard let date else { return .null }
        return .string(RFC3339.format(RFC3339.Timestamp(date), fraction: .milliseconds))
    }
}
