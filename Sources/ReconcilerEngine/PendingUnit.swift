import Foundation
import LedgerStore
import ReconcilerCore
import Reports
import WireFormat

/// A payment whose plan holds repairs to apply after the scan. It waits in the database
/// (`RepairQueue`, as ``text``), not in memory, with what the report needs of it.
struct PendingUnit: Sendable {
    var paymentId: String
    var userId: String
    var repairs: [Repair]
    /// What the plan found besides repairs; recorded only if the repair is not re-decided.
    var discrepancies: [DiscrepancyRecord]
    /// The payment as the report shows it, as the scan saw it.
    var payment: RunReport.Payment?
    /// The user's e-mail, as the scan read it.
    var email: String?
    /// The KST day number the payment was paid on, when that falls in the window.
    var paidDay: Int64?
    /// What the scan's plan leaves between due and the ledger (see `ReportTally.Gap`).
    var gap: ReportTally.Gap?
    /// The facts the repairs were decided on, for a stored plan (DESIGN §4.6).
    var facts: PlanFacts?

    /// The unit's repairs that apply mode writes, with their facts, as a plan holds them.
    var plannedRepairs: [PlannedRepair] {
        guard let facts else { return [] }
        return repairs.filter(\.isAutoApplicable).map { PlannedRepair(repair: $0, facts: facts) }
    }

    var hasGrant: Bool { repairs.contains { $0.kind == .missedGrant } }

    /// The unit as the queue stores it.
    var queueItem: RepairQueue.Item {
        RepairQueue.Item(hasGrant: hasGrant, paymentId: paymentId, userId: userId, unit: text, report: reportText)
    }

    /// The report's view of the payment (`payment`, `email` and why its repairs were needed) as
    /// text, read back with the run's fixes (nil when there is nothing to say).
    var reportText: String? {
        Self.reportText(payment: payment, email: email, repairs: repairs)
    }

    /// What the report keeps of a queued payment: the payment as last fetched, the user's
    /// e-mail, and why each of its repairs was needed.
    struct ReportEntry {
        var payment: RunReport.Payment?
        var email: String?
        var cause: GrantCause?
        var origin: DeductionOrigin?
    }

    /// The text of a payment's report entry:
    /// `{"payment": …, "email": …, "cause": …, "webhook": …, "origin": …, "cancellation": …}`.
    static func reportText(payment: RunReport.Payment?, email: String?, repairs: [Repair]) -> String? {
        var fields: [String: JSONValue] = [:]
        if let payment { fields["payment"] = payment.json }
        if let email { fields["email"] = .string(email) }
        for repair in repairs { repair.addExplanation(to: &fields) }
        return fields.isEmpty ? nil : JSONValue.object(fields).serialized()
    }

    /// Reads what ``reportText(payment:email:repairs:)`` wrote.
    static func report(_ text: String) -> ReportEntry? {
        guard let value = try? JSONValue.parse(Data(text.utf8)), case .object = value else { return nil }
        var payment: RunReport.Payment?
        if value["payment"] != .null {
            guard let read = RunReport.Payment(json: value["payment"]) else { return nil }
            payment = read
        }
        return ReportEntry(
            payment: payment, email: value["email"].stringValue,
            cause: GrantCause(cause: value["cause"], webhook: value["webhook"]),
            origin: DeductionOrigin(origin: value["origin"], cancellation: value["cancellation"]))
    }

    /// The plan as JSON text (the report's part is in ``reportText``).
    var text: String {
        var fields: [String: JSONValue] = [
            "repairs": .array(repairs.map(Self.json)), "discrepancies": .array(discrepancies.map(Self.json)),
        ]
        if let paidDay { fields["paidDay"] = .integer(paidDay) }
        if let gap { fields["gap"] = .object(["key": .string(gap.key), "credits": .integer(gap.credits)]) }
        if let facts { fields["facts"] = facts.json }
        return JSONValue.object(fields).serialized()
    }

    /// Reads back a queued unit.
    init(_ item: RepairQueue.Item) throws(LedgerStoreError) {
        func unreadable(_ what: String) -> LedgerStoreError {
            LedgerStoreError.refused(
                "the repair queue (reconciler.run_repair) holds an unreadable \(what) for payment \(item.paymentId); "
                    + "nothing of it was applied: run again, the scan queues it anew")
        }
        guard let value = try? JSONValue.parse(Data(item.unit.utf8)), case .object = value else {
            throw unreadable("entry")
        }
        paymentId = item.paymentId
        userId = item.userId
        repairs = []
        for entry in value["repairs"].arrayValue {
            guard let repair = Self.repair(entry) else { throw unreadable("repair") }
            repairs.append(repair)
        }
        discrepancies = []
        for entry in value["discrepancies"].arrayValue {
            guard let discrepancy = Self.discrepancy(entry) else { throw unreadable("finding") }
            discrepancies.append(discrepancy)
        }
        if let text = item.report {
            guard let report = Self.report(text) else { throw unreadable("payment") }
            (payment, email) = (report.payment, report.email)
        }
        paidDay = value["paidDay"].integerValue
        if let key = value["gap"]["key"].stringValue, let credits = value["gap"]["credits"].integerValue {
            gap = ReportTally.Gap(key: key, credits: credits)
        }
        facts = PlanFacts(json: value["facts"])
    }

    init(
        paymentId: String, userId: String, repairs: [Repair], discrepancies: [DiscrepancyRecord],
        payment: RunReport.Payment? = nil, email: String? = nil, paidDay: Int64? = nil, gap: ReportTally.Gap? = nil,
        facts: PlanFacts? = nil
    ) {
        self.paymentId = paymentId
        self.userId = userId
        self.repairs = repairs
        self.discrepancies = discrepancies
        self.payment = payment
        self.email = email
        self.paidDay = paidDay
        self.gap = gap
        self.facts = facts
    }

    private static func json(_ repair: Repair) -> JSONValue {
        var fields: [String: JSONValue] = [
            "kind": .string(repair.kind.rawValue), "paymentId": .string(repair.paymentId),
            "userId": .string(repair.userId), "packageId": .string(repair.packageId),
            "credits": .integer(repair.credits), "ledgerAmount": .integer(repair.ledgerAmount),
            "description": .string(repair.description), "auto": .bool(repair.isAutoApplicable),
        ]
        if let cancellationId = repair.cancellationId { fields["cancellationId"] = .string(cancellationId) }
        repair.addExplanation(to: &fields)
        return .object(fields)
    }

    private static func repair(_ value: JSONValue) -> Repair? {
        guard let kind = value["kind"].stringValue.flatMap(RepairKind.init(rawValue:)),
            let paymentId = value["paymentId"].stringValue, let userId = value["userId"].stringValue,
            let packageId = value["packageId"].stringValue, let credits = value["credits"].integerValue,
            let ledgerAmount = value["ledgerAmount"].integerValue, let description = value["description"].stringValue,
            case .bool(let auto) = value["auto"]
        else { return nil }
        return Repair(
            kind: kind, paymentId: paymentId, userId: userId, packageId: packageId, credits: credits,
            ledgerAmount: ledgerAmount, cancellationId: value["cancellationId"].stringValue, description: description,
            isAutoApplicable: auto, cause: GrantCause(cause: value["cause"], webhook: value["webhook"]),
            origin: DeductionOrigin(origin: value["origin"], cancellation: value["cancellation"]))
    }

    private static func json(_ record: DiscrepancyRecord) -> JSONValue {
        var fields: [String: JSONValue] = [
            "kind": .string(record.kind), "severity": .string(record.severity),
            "expected": .string(record.expectedJSON), "actual": .string(record.actualJSON),
            "detail": .string(record.detail),
        ]
        if let paymentId = record.paymentId { fields["paymentId"] = .string(paymentId) }
        if let userId = record.userId { fields["userId"] = .string(userId) }
        if let evidence = record.evidenceJSON { fields["evidence"] = .string(evidence) }
        return .object(fields)
    }

    private static func discrepancy(_ value: JSONValue) -> DiscrepancyRecord? {
        guard let kind = value["kind"].stringValue, let severity = value["severity"].stringValue,
            let expected = value["expected"].stringValue, let actual = value["actual"].stringValue,
            let detail = value["detail"].stringValue
        else { return nil }
        return DiscrepancyRecord(
            kind: kind, severity: severity, paymentId: value["paymentId"].stringValue,
            userId: value["userId"].stringValue, expectedJSON: expected, actualJSON: actual,
            evidenceJSON: value["evidence"].stringValue, detail: detail)
    }
}
