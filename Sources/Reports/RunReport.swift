import Foundation
import ReconcilerCore
import WireFormat

/// Everything one run's report says: the document of ARCHITECTURE §6.2 that other programs read. It is
/// built once, when the run ends, stored with the run, and every format renders from it.
///
/// Beyond the fields of ARCHITECTURE §6.2 (which are never removed or renamed), the document carries
/// what finance needs to act: the user's e-mail, the package, the payment as PortOne reported
/// it, what was done, the reviewer's action per kind, totals that reconcile money with credits,
/// how discrepancies changed since the previous run, and a daily series for the charts.
public struct RunReport: Sendable {
    /// The run itself.
    public struct Run: Sendable {
        /// `reconciler.run.id`.
        public var id: Int64
        /// What started it.
        public var trigger: RunTrigger
        /// Whether it repaired.
        public var mode: RunMode
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
        /// How it ended.
        public var status: RunOutcome
        /// Why it failed, if it did.
        public var error: String?

        /// Creates the run part.
        public init(
            id: Int64, trigger: RunTrigger, mode: RunMode, windowFrom: Date?, windowUntil: Date?,
            paymentIds: [String]?, startedAt: Date, finishedAt: Date, status: RunOutcome, error: String?
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

    /// A catalog package, as the report names it.
    public struct Package: Sendable, Hashable {
        /// Catalog id (`starter`).
        public var id: String
        /// Display name (`스타터`).
        public var name: String
        /// Credits one purchase grants.
        public var credits: Int64
        /// Price in force when the payment was requested, in the currency's minor unit.
        public var price: Int64

        /// Creates a package line.
        public init(id: String, name: String, credits: Int64, price: Int64) {
            self.id = id
            self.name = name
            self.credits = credits
            self.price = price
        }
    }

    /// A payment as PortOne reported it to the run.
    public struct Payment: Sendable, Hashable {
        /// PortOne's status (`PAID`, `PARTIAL_CANCELLED`...).
        public var status: String
        /// ISO 4217 code.
        public var currency: String
        /// `amount.total`.
        public var totalAmount: Int64
        /// `amount.cancelled`.
        public var cancelledAmount: Int64
        /// The order name (external data).
        public var orderName: String
        /// When it was paid, if it was.
        public var paidAt: Date?
        /// When its newest successful cancellation took effect, if any.
        public var cancelledAt: Date?
        /// When its current status began.
        public var statusChangedAt: Date?
        /// The package it maps to, if it maps to one.
        public var package: Package?

        /// Creates a payment line.
        public init(
            status: String, currency: String, totalAmount: Int64, cancelledAmount: Int64, orderName: String,
            paidAt: Date?, cancelledAt: Date?, statusChangedAt: Date?, package: Package?
        ) {
            self.status = status
            self.currency = currency
            self.totalAmount = totalAmount
            self.cancelledAmount = cancelledAmount
            self.orderName = orderName
            self.paidAt = paidAt
            self.cancelledAt = cancelledAt
            self.statusChangedAt = statusChangedAt
            self.package = package
        }

        /// The payment as the report document writes it.
        public var json: JSONValue { RunReport.json(self) }

        /// Reads back what ``json`` wrote (times to the millisecond, as the document has them).
        public init?(json value: JSONValue) {
            guard case .object = value, let status = value["status"].stringValue,
                let currency = value["currency"].stringValue, let total = value["totalAmount"].integerValue,
                let cancelled = value["cancelledAmount"].integerValue, let orderName = value["orderName"].stringValue
            else { return nil }
            func date(_ field: String) -> Date? { value[field].stringValue.flatMap(RFC3339.timestamp)?.date }
            var package: Package?
            if case .object = value["package"] {
                let entry = value["package"]
                guard let id = entry["id"].stringValue, let name = entry["name"].stringValue,
                    let credits = entry["credits"].integerValue, let price = entry["price"].integerValue
                else { return nil }
                package = Package(id: id, name: name, credits: credits, price: price)
            }
            self.init(
                status: status, currency: currency, totalAmount: total, cancelledAmount: cancelled,
                orderName: orderName, paidAt: date("paidAt"), cancelledAt: date("cancelledAt"),
                statusChangedAt: date("statusChangedAt"), package: package)
        }
    }

    /// A repair written to the ledger.
    public struct Fix: Sendable {
        /// A grant or a refund.
        public var kind: RepairKind
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
        /// The user's e-mail, if the application knows it.
        public var userEmail: String?
        /// The payment as PortOne reported it when the repair was decided.
        public var payment: Payment?
        /// For a grant: why the web app never granted it.
        public var cause: GrantCause?
        /// For a deduction: who started the cancellation it collects for.
        public var origin: DeductionOrigin?

        /// Creates a fix line.
        public init(
            kind: RepairKind, paymentId: String, userId: String, credits: Int64, creditTransactionId: String,
            balanceBefore: Int64, balanceAfter: Int64, cancellationId: String?, userEmail: String? = nil,
            payment: Payment? = nil, cause: GrantCause? = nil, origin: DeductionOrigin? = nil
        ) {
            self.kind = kind
            self.paymentId = paymentId
            self.userId = userId
            self.credits = credits
            self.creditTransactionId = creditTransactionId
            self.balanceBefore = balanceBefore
            self.balanceAfter = balanceAfter
            self.cancellationId = cancellationId
            self.userEmail = userEmail
            self.payment = payment
            self.cause = cause
            self.origin = origin
        }
    }

    /// A repair found and not written.
    public struct PlannedFix: Sendable {
        /// The repair.
        public var repair: Repair
        /// Why it was not written: `dryRun`, `notAutoFix` (kind not in `policy.autoFix`) or
        /// `fixLimit` (the run's limits tripped).
        public var reason: String
        /// The user's e-mail, if known.
        public var userEmail: String?
        /// The payment as PortOne reported it.
        public var payment: Payment?

        /// Creates a planned repair line.
        public init(repair: Repair, reason: String, userEmail: String? = nil, payment: Payment? = nil) {
            self.repair = repair
            self.reason = reason
            self.userEmail = userEmail
            self.payment = payment
        }
    }

    /// A discrepancy the run saw or closed.
    public struct Entry: Sendable {
        /// `reconciler.discrepancy.id`.
        public var id: Int64
        /// Its kind.
        public var kind: DiscrepancyKind
        /// Its severity, as recorded.
        public var severity: Discrepancy.Severity
        /// Its review state as of the end of the run.
        public var status: DiscrepancyStatus
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
        /// The user's e-mail, if known.
        public var userEmail: String?
        /// The payment as PortOne reported it, if the discrepancy is about one.
        public var payment: Payment?
        /// The run that last saw it.
        public var lastSeenRunId: Int64?
        /// The run that closed it, if one did.
        public var closedRunId: Int64?
        /// How it was settled, if it was.
        public var resolutionNote: String?

        /// Creates a discrepancy line.
        public init(
            id: Int64, kind: DiscrepancyKind, severity: Discrepancy.Severity, status: DiscrepancyStatus,
            paymentId: String?, userId: String?,
            expected: JSONValue, actual: JSONValue, firstSeenRunId: Int64, occurrences: Int, detail: String,
            userEmail: String? = nil, payment: Payment? = nil, lastSeenRunId: Int64? = nil, closedRunId: Int64? = nil,
            resolutionNote: String? = nil
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
            self.userEmail = userEmail
            self.payment = payment
            self.lastSeenRunId = lastSeenRunId
            self.closedRunId = closedRunId
            self.resolutionNote = resolutionNote
        }
    }

    /// One line of the reconciliation: a number of payments, KRW and credits, under a key the
    /// renderers translate (a discrepancy kind, a classification, or one of the keys of
    /// ``Reconciliation``).
    public struct Line: Sendable, Hashable {
        /// What the line is.
        public var key: String
        /// Payments counted.
        public var payments: Int
        /// KRW.
        public var krw: Int64
        /// Credits.
        public var credits: Int64

        /// Creates a line.
        public init(key: String, payments: Int, krw: Int64, credits: Int64) {
            self.key = key
            self.payments = payments
            self.krw = krw
            self.credits = credits
        }
    }

    /// Money against credits over the payments the run checked (over each payment's whole
    /// life): what PortOne says was paid and cancelled, the credits that money calls for, the
    /// credits in the ledger, and every difference explained.
    public struct Reconciliation: Sendable, Hashable {
        /// Payments whose money moved (paid at some point).
        public var paidPayments = 0
        /// KRW paid (their `amount.total`).
        public var paidKRW: Int64 = 0
        /// KRW given back by successful cancellations.
        public var cancelledKRW: Int64 = 0
        /// Money the run took no credit decision on, by reason (kind or classification); the
        /// line's credits are what the ledger holds for those payments.
        public var undecided: [Line] = []
        /// Credits PortOne's facts call for: grants minus deductions, decided payments only.
        public var creditsDue: Int64 = 0
        /// Credits the ledger held for those payments before the run.
        public var ledgerBefore: Int64 = 0
        /// Credits granted by the run's repairs.
        public var creditsGranted: Int64 = 0
        /// Credits deducted by the run's repairs.
        public var creditsDeducted: Int64 = 0
        /// What is left between due and the ledger after the run, line by line (planned
        /// repairs, each kind of discrepancy, changes during the run); sums to the difference.
        public var explained: [Line] = []
        /// How the decided payments stand after the run's repairs (DESIGN §4.7); nil in reports
        /// of runs made before closure was counted.
        public var closure: Closure?

        /// Empty totals.
        public init() {}

        /// KRW that stayed with the shop.
        public var netKRW: Int64 { paidKRW - cancelledKRW }
        /// The ledger after the run's repairs.
        public var ledgerAfter: Int64 { ledgerBefore + creditsGranted - creditsDeducted }
        /// Credits due minus the ledger after the run.
        public var difference: Int64 { creditsDue - ledgerAfter }
    }

    /// The closure counts of a run (DESIGN §4.7): every payment it decided, after its repairs.
    public struct Closure: Sendable, Hashable {
        /// The ledger holds exactly the credits PortOne's amounts call for.
        public var closedExactly = 0
        /// It does not, and an open discrepancy (or a repair left planned) says why.
        public var explained = 0
        /// It does not and nothing says why: `UNEXPLAINED_DIFFERENCE` opened for each.
        public var unexplained = 0

        /// Creates counts.
        public init(closedExactly: Int = 0, explained: Int = 0, unexplained: Int = 0) {
            self.closedExactly = closedExactly
            self.explained = explained
            self.unexplained = unexplained
        }

        /// As the report's JSON writes it.
        public var json: JSONValue {
            .object([
                "closedExactly": .integer(Int64(closedExactly)), "explained": .integer(Int64(explained)),
                "unexplained": .integer(Int64(unexplained)),
            ])
        }
    }

    /// One day (KST) of the window.
    public struct Day: Sendable, Hashable {
        /// `YYYY-MM-DD` in Asia/Seoul.
        public var date: String
        /// Payments paid that day.
        public var paidPayments = 0
        /// KRW paid that day.
        public var paidKRW: Int64 = 0
        /// KRW given back by cancellations that took effect that day.
        public var cancelledKRW: Int64 = 0
        /// Credits the day's paid payments call for.
        public var creditsDue: Int64 = 0
        /// The day's paid payments the ledger had granted before the run.
        public var grantedPayments = 0
        /// Credits the ledger had granted for them before the run.
        public var creditsGranted: Int64 = 0
        /// The day's paid payments the run granted.
        public var repairedPayments = 0
        /// Credits the run granted for them.
        public var creditsGrantedByRun: Int64 = 0

        /// Creates an empty day.
        public init(date: String) {
            self.date = date
        }
    }

    /// Open discrepancies after the run, by kind and severity.
    public struct OpenCount: Sendable, Hashable {
        /// The kind.
        public var kind: DiscrepancyKind
        /// Its severity.
        public var severity: Discrepancy.Severity
        /// How many are open.
        public var count: Int

        /// Creates a count.
        public init(kind: DiscrepancyKind, severity: Discrepancy.Severity, count: Int) {
            self.kind = kind
            self.severity = severity
            self.count = count
        }
    }

    /// The run.
    public var run: Run
    /// The counts, as the run recorded them (a JSON object).
    public var totals: JSONValue
    /// Repairs written.
    public var fixes: [Fix]
    /// Repairs found but not written (dry run, policy, tripped limit).
    public var plannedFixes: [PlannedFix]
    /// Discrepancies seen or closed by the run.
    public var discrepancies: [Entry]
    /// Money against credits.
    public var reconciliation: Reconciliation?
    /// The window day by day (KST), oldest first.
    public var daily: [Day]
    /// Open discrepancies after the run.
    public var openDiscrepancies: [OpenCount]
    /// `ko` or `en`: the language of the rendered formats.
    public var locale: String
    /// Where the run learned what moved; nil for a run by payment id.
    public var sources: Sources?

    /// Creates a report.
    public init(
        run: Run, totals: JSONValue, fixes: [Fix], plannedFixes: [PlannedFix], discrepancies: [Entry],
        reconciliation: Reconciliation? = nil, daily: [Day] = [], openDiscrepancies: [OpenCount] = [],
        locale: String = "ko", sources: Sources? = nil
    ) {
        self.run = run
        self.totals = totals
        self.fixes = fixes
        self.plannedFixes = plannedFixes
        self.discrepancies = discrepancies
        self.reconciliation = reconciliation
        self.daily = daily
        self.openDiscrepancies = openDiscrepancies
        self.locale = locale
        self.sources = sources
    }

    /// How a discrepancy changed in this run: `new` (first seen), `closed` (closed by it) or
    /// `recurring` (open before, seen again).
    public static func change(of entry: Entry, runId: Int64) -> String {
        if entry.closedRunId == runId { return "closed" }
        if entry.firstSeenRunId == runId { return "new" }
        return "recurring"
    }

    /// The JSON document: ARCHITECTURE §6.2 (`run`, `totals`, `fixes[]`, `discrepancies[]`) plus
    /// `plannedFixes[]`, `changes`, `reconciliation`, `daily[]`, `openDiscrepancies[]` and
    /// `locale`. Times are UTC RFC 3339 with milliseconds.
    public var document: JSONValue {
        document(changes: nil, entries: true)
    }

    /// The document with `changes` counted elsewhere (nil: from ``discrepancies``); without
    /// `entries`, its lists of fixes, planned fixes and discrepancies are empty.
    func document(changes: [String: Int]?, entries: Bool) -> JSONValue {
        var fields: [String: JSONValue] = [:]
        for (key, member) in members(changes: changes) {
            if !entries, case .entries = member {
                fields[key] = .array([])
            } else {
                fields[key] = member.value
            }
        }
        return .object(fields)
    }

    /// Exactly `document.serialized()`, written member by member and entry by entry: a run with
    /// tens of thousands of repairs never holds the tree of all of them, only the text.
    public var serializedDocument: String {
        var output = ""
        // Generous on purpose: pages of the buffer never written are never resident, while
        // growing by doubling would copy tens of megabytes and hold both copies for a moment.
        output.reserveCapacity(65_536 + 1_500 * (fixes.count + plannedFixes.count) + 4_000 * discrepancies.count)
        do {
            try serializeDocument(pieceSize: .max) { output += $0 }
        } catch {
            // Without a fix stream and with an emit that cannot throw, nothing here throws.
            preconditionFailure("serializing a report in memory failed: \(error)")
        }
        return output
    }

    /// The text of ``serializedDocument`` in consecutive pieces of about `pieceSize` bytes
    /// (never split inside an entry's text), so a large report can be stored without ever
    /// existing as one string.
    ///
    /// `streams`, when given, replace ``fixes`` and ``discrepancies``: they hand the entries
    /// over one at a time (a run with tens of thousands of them reads them from the database
    /// page by page).
    public func serializeDocument(
        pieceSize: Int, streams: Streams? = nil, emit: (String) throws -> Void
    ) throws {
        var output = ""
        func flush(ifAbove limit: Int) throws {
            guard output.utf8.count > limit else { return }
            try emit(output)
            output = ""
        }
        output += "{"
        let ordered = members(changes: streams?.changes).sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        let runId = run.id
        for (index, (key, member)) in ordered.enumerated() {
            if index > 0 { output += "," }
            JSONValue.string(key).serialize(into: &output)
            output += ":"
            switch member {
            case .value(let value): value.serialize(into: &output)
            case .entries(let count, let entry):
                output += "["
                var first = true
                func add(_ value: JSONValue) throws {
                    if !first { output += "," }
                    first = false
                    value.serialize(into: &output)
                    try flush(ifAbove: pieceSize)
                }
                if key == "fixes", let stream = streams?.fixes {
                    try stream { try add(Self.json($0)) }
                } else if key == "discrepancies", let stream = streams?.discrepancies {
                    try stream { try add(Self.json($0, runId: runId)) }
                } else {
                    for position in 0..<count {
                        if position > 0 { output += "," }
                        entry(position).serialize(into: &output)
                        try flush(ifAbove: pieceSize)
                    }
                }
                output += "]"
            }
        }
        output += "}"
        try flush(ifAbove: 0)
    }

    /// Hands the report's fixes to `each`, in order, one at a time.
    public typealias FixEntries = (_ each: (Fix) throws -> Void) throws -> Void

    /// Hands the report's discrepancies to `each`, in order, one at a time.
    public typealias DiscrepancyEntries = (_ each: (Entry) throws -> Void) throws -> Void

    /// Entries read from elsewhere while the document is written (see `serializeDocument`).
    public struct Streams {
        /// The fixes, instead of ``RunReport/fixes``.
        public var fixes: FixEntries?
        /// The discrepancies, instead of ``RunReport/discrepancies``, with `changes`.
        public var discrepancies: DiscrepancyEntries?
        /// How many of the streamed discrepancies are `new`, `recurring` and `closed` (the
        /// document's `changes`, written before them).
        public var changes: [String: Int]?

        /// Streams for the given entries.
        public init(fixes: FixEntries? = nil, discrepancies: DiscrepancyEntries? = nil, changes: [String: Int]? = nil) {
            self.fixes = fixes
            self.discrepancies = discrepancies
            self.changes = changes
        }
    }

    /// A top-level member of the document: a value, or an array built one entry at a time.
    private enum Member {
        case value(JSONValue)
        case entries(Int, (Int) -> JSONValue)

        var value: JSONValue {
            switch self {
            case .value(let value): value
            case .entries(let count, let entry): .array((0..<count).map(entry))
            }
        }
    }

    /// The document's top-level members; `changes` (of streamed discrepancies) instead of
    /// counting ``discrepancies``.
    private func members(changes counted: [String: Int]? = nil) -> [(key: String, member: Member)] {
        var runFields: [String: JSONValue] = [
            "id": .integer(run.id), "trigger": .string(run.trigger.rawValue), "mode": .string(run.mode.rawValue),
            "window": .object(["from": Self.time(run.windowFrom), "until": Self.time(run.windowUntil)]),
            "startedAt": Self.time(run.startedAt), "finishedAt": Self.time(run.finishedAt),
            "status": .string(run.status.rawValue), "error": Self.text(run.error),
        ]
        if let paymentIds = run.paymentIds { runFields["paymentIds"] = .array(paymentIds.map { .string($0) }) }
        var changes = ["new": 0, "recurring": 0, "closed": 0]
        if let counted {
            changes.merge(counted) { $1 }
        } else {
            for entry in discrepancies { changes[Self.change(of: entry, runId: run.id), default: 0] += 1 }
        }
        let (runId, discrepancies, fixes, plannedFixes) = (run.id, discrepancies, fixes, plannedFixes)
        return [
            ("run", .value(.object(runFields))),
            ("totals", .value(totals)),
            ("fixes", .entries(fixes.count) { Self.json(fixes[$0]) }),
            ("plannedFixes", .entries(plannedFixes.count) { Self.json(plannedFixes[$0]) }),
            ("discrepancies", .entries(discrepancies.count) { Self.json(discrepancies[$0], runId: runId) }),
            ("changes", .value(.object(changes.mapValues { .integer(Int64($0)) }))),
            ("daily", .value(.array(daily.map(Self.json)))),
            (
                "openDiscrepancies",
                .value(
                    .array(
                        openDiscrepancies.map {
                            .object([
                                "kind": .string($0.kind.rawValue), "severity": .string($0.severity.rawValue),
                                "count": .integer(Int64($0.count)),
                            ])
                        }))
            ),
            ("locale", .value(.string(locale))),
            ("sources", .value(sources?.json ?? .null)),
            ("reconciliation", .value(reconciliation.map(Self.json) ?? .null)),
        ]
    }

    static func json(_ entry: Entry, runId: Int64) -> JSONValue {
        .object([
            "id": .integer(entry.id), "kind": .string(entry.kind.rawValue),
            "severity": .string(entry.severity.rawValue),
            "status": .string(entry.status.rawValue), "paymentId": text(entry.paymentId),
            "userId": text(entry.userId), "expected": entry.expected, "actual": entry.actual,
            "firstSeenRunId": .integer(entry.firstSeenRunId), "occurrences": .integer(Int64(entry.occurrences)),
            "detail": .string(entry.detail), "userEmail": text(entry.userEmail),
            "payment": json(entry.payment), "change": .string(change(of: entry, runId: runId)),
            "lastSeenRunId": entry.lastSeenRunId.map { .integer($0) } ?? .null,
            "closedRunId": entry.closedRunId.map { .integer($0) } ?? .null,
            "resolutionNote": text(entry.resolutionNote),
            "reviewerAction": .string(entry.kind.reviewerAction),
        ])
    }

    static func json(_ fix: Fix) -> JSONValue {
        var fields: [String: JSONValue] = [
            "kind": .string(fix.kind.rawValue), "paymentId": .string(fix.paymentId), "userId": .string(fix.userId),
            "credits": .integer(fix.credits), "creditTransactionId": .string(fix.creditTransactionId),
            "balanceBefore": .integer(fix.balanceBefore), "balanceAfter": .integer(fix.balanceAfter),
            "cancellationId": text(fix.cancellationId), "userEmail": text(fix.userEmail),
            "payment": json(fix.payment),
            "action": .string(fix.kind == .missedRefund ? "deducted" : "granted"),
        ]
        addExplanation(kind: fix.kind, cause: fix.cause, origin: fix.origin, to: &fields)
        return .object(fields)
    }

    static func json(_ planned: PlannedFix) -> JSONValue {
        let repair = planned.repair
        var fields: [String: JSONValue] = [
            "kind": .string(repair.kind.rawValue), "paymentId": .string(repair.paymentId),
            "userId": .string(repair.userId), "packageId": .string(repair.packageId),
            "credits": .integer(repair.credits), "cancellationId": text(repair.cancellationId),
            "reason": .string(planned.reason), "userEmail": text(planned.userEmail),
            "payment": json(planned.payment),
        ]
        addExplanation(kind: repair.kind, cause: repair.cause, origin: repair.origin, to: &fields)
        return .object(fields)
    }

    /// Why a repair was needed (DESIGN §7): a grant's `cause` and `webhook`, a deduction's
    /// `origin` and `cancellation`; `UNKNOWN` with `null` figures when the run did not say.
    static func addExplanation(
        kind: RepairKind, cause: GrantCause?, origin: DeductionOrigin?, to fields: inout [String: JSONValue]
    ) {
        switch kind {
        case .missedGrant:
            fields["cause"] = .string((cause?.kind ?? .unknown).rawValue)
            fields["webhook"] = cause?.webhookJSON ?? .null
        case .missedRefund:
            fields["origin"] = .string((origin?.kind ?? .unknown).rawValue)
            fields["cancellation"] = origin?.cancellationJSON ?? .null
        }
    }

    static func time(_ date: Date?) -> JSONValue {
        guard let date else { return .null }
        return .string(RFC3339.format(RFC3339.Timestamp(date), fraction: .milliseconds))
    }

    static func text(_ value: String?) -> JSONValue {
        value.map { .string($0) } ?? .null
    }

    static func json(_ payment: Payment?) -> JSONValue {
        guard let payment else { return .null }
        return .object([
            "status": .string(payment.status), "currency": .string(payment.currency),
            "totalAmount": .integer(payment.totalAmount), "cancelledAmount": .integer(payment.cancelledAmount),
            "orderName": .string(payment.orderName), "paidAt": time(payment.paidAt),
            "cancelledAt": time(payment.cancelledAt), "statusChangedAt": time(payment.statusChangedAt),
            "package": payment.package.map { package in
                .object([
                    "id": .string(package.id), "name": .string(package.name), "credits": .integer(package.credits),
                    "price": .integer(package.price),
                ])
            } ?? .null,
        ])
    }

    static func json(_ day: Day) -> JSONValue {
        .object([
            "date": .string(day.date), "paidPayments": .integer(Int64(day.paidPayments)),
            "paidKRW": .integer(day.paidKRW), "cancelledKRW": .integer(day.cancelledKRW),
            "creditsDue": .integer(day.creditsDue), "grantedPayments": .integer(Int64(day.grantedPayments)),
            "creditsGranted": .integer(day.creditsGranted), "repairedPayments": .integer(Int64(day.repairedPayments)),
            "creditsGrantedByRun": .integer(day.creditsGrantedByRun),
        ])
    }

    static func json(_ line: Line) -> JSONValue {
        .object([
            "key": .string(line.key), "payments": .integer(Int64(line.payments)), "krw": .integer(line.krw),
            "credits": .integer(line.credits),
        ])
    }

    static func json(_ reconciliation: Reconciliation) -> JSONValue {
        guard let closure = reconciliation.closure,
            case .object(var fields) = jsonWithoutClosure(reconciliation)
        else { return jsonWithoutClosure(reconciliation) }
        fields["closure"] = closure.json
        return .object(fields)
    }

    static func jsonWithoutClosure(_ reconciliation: Reconciliation) -> JSONValue {
        .object([
            "paidPayments": .integer(Int64(reconciliation.paidPayments)),
            "paidKRW": .integer(reconciliation.paidKRW), "cancelledKRW": .integer(reconciliation.cancelledKRW),
            "netKRW": .integer(reconciliation.netKRW), "undecided": .array(reconciliation.undecided.map(json)),
            "creditsDue": .integer(reconciliation.creditsDue), "ledgerBefore": .integer(reconciliation.ledgerBefore),
            "creditsGranted": .integer(reconciliation.creditsGranted),
            "creditsDeducted": .integer(reconciliation.creditsDeducted),
            "ledgerAfter": .integer(reconciliation.ledgerAfter), "difference": .integer(reconciliation.difference),
            "explained": .array(reconciliation.explained.map(json)),
        ])
    }
}
