import Foundation
import ReconcilerCore
import WireFormat

/// A stored plan of repairs as a reviewer reads it (DESIGN §4.6): its id and hash, state,
/// approval, totals, and every repair with the facts it was decided on, largest first. Built
/// once as a JSON document; Markdown, CSV and HTML are rendered from it.
public enum PlanReport {
    /// What the report says of the plan itself.
    public struct Header: Sendable {
        /// The plan's id.
        public var id: Int64
        /// Its SHA-256.
        public var hash: String
        /// Whether its stored repairs still hash to `hash`.
        public var intact: Bool
        /// `proposed`, `approved`, …
        public var state: String
        /// `dry-run` or `limit`.
        public var reason: String
        /// The run that made it.
        public var runId: Int64
        /// When it was made.
        public var createdAt: Date
        /// When it expires.
        public var expiresAt: Date
        /// Who approved it, why and when.
        public var approvedBy: String?
        /// The approver's note.
        public var approvedNote: String?
        /// When it was approved.
        public var approvedAt: Date?
        /// When its apply finished.
        public var appliedAt: Date?
        /// The plan that superseded it.
        public var supersededBy: Int64?

        /// Creates a header.
        public init(
            id: Int64, hash: String, intact: Bool, state: String, reason: String, runId: Int64, createdAt: Date,
            expiresAt: Date, approvedBy: String? = nil, approvedNote: String? = nil, approvedAt: Date? = nil,
            appliedAt: Date? = nil, supersededBy: Int64? = nil
        ) {
            self.id = id
            self.hash = hash
            self.intact = intact
            self.state = state
            self.reason = reason
            self.runId = runId
            self.createdAt = createdAt
            self.expiresAt = expiresAt
            self.approvedBy = approvedBy
            self.approvedNote = approvedNote
            self.approvedAt = approvedAt
            self.appliedAt = appliedAt
            self.supersededBy = supersededBy
        }
    }

    /// The plan as a JSON document: `plan`, `totals`, `repairs[]` (largest first), `locale`.
    /// `outcomes` are what the apply did of each repair (`applied`, `changed`, or nil), by index.
    public static func document(
        _ header: Header, repairs: [PlannedRepair], outcomes: [String?], locale: String
    ) -> JSONValue {
        func time(_ date: Date?) -> JSONValue { date.map { .string(RFC3339.format(RFC3339.Timestamp($0))) } ?? .null }
        let indexed = repairs.indices.sorted {
            (repairs[$0].repair.credits, repairs[$1].repair.paymentId) > (
                repairs[$1].repair.credits, repairs[$0].repair.paymentId
            )
        }
        let entries: [JSONValue] = indexed.map { index in
            let planned = repairs[index]
            guard case .object(var fields) = planned.storedJSON else { return .null }
            fields["outcome"] =
                outcomes.indices.contains(index) ? outcomes[index].map(JSONValue.string) ?? .null : .null
            return .object(fields)
        }
        let grants = repairs.filter { $0.repair.kind == .missedGrant }
        let refunds = repairs.filter { $0.repair.kind == .missedRefund }
        return .object([
            "locale": .string(locale),
            "plan": .object([
                "id": .integer(header.id), "hash": .string(header.hash), "intact": .bool(header.intact),
                "state": .string(header.state), "reason": .string(header.reason), "runId": .integer(header.runId),
                "createdAt": time(header.createdAt), "expiresAt": time(header.expiresAt),
                "approvedBy": header.approvedBy.map(JSONValue.string) ?? .null,
                "approvedNote": header.approvedNote.map(JSONValue.string) ?? .null,
                "approvedAt": time(header.approvedAt), "appliedAt": time(header.appliedAt),
                "supersededBy": header.supersededBy.map(JSONValue.integer) ?? .null,
            ]),
            "totals": .object([
                "repairs": .integer(Int64(repairs.count)),
                "payments": .integer(Int64(Set(repairs.map(\.repair.paymentId)).count)),
                "grants": .integer(Int64(grants.count)),
                "refunds": .integer(Int64(refunds.count)),
                "creditsGranted": .integer(grants.reduce(0) { $0 + $1.repair.credits }),
                "creditsDeducted": .integer(refunds.reduce(0) { $0 + $1.repair.credits }),
                "applied": .integer(Int64(outcomes.filter { $0 == "applied" }.count)),
                "changed": .integer(Int64(outcomes.filter { $0 == "changed" }.count)),
            ]),
            "repairs": .array(entries),
        ])
    }

    /// The document rendered in `format`.
    public static func render(_ document: JSONValue, as format: ReportFormat) -> String {
        let labels = Labels(korean: document["locale"].stringValue == "ko")
        switch format {
        case .json: return document.serialized() + "\n"
        case .md: return markdown(document, labels)
        case .csv: return csv(document, labels)
        case .html: return html(document, labels)
        }
    }

    /// Why a repair was needed, as one line: a grant's cause, a refund's origin and reason.
    static func why(_ entry: JSONValue) -> String {
        var parts: [String] = []
        if let cause = entry["cause"].stringValue { parts.append(cause) }
        if let code = entry["webhook"]["responseCode"].stringValue { parts.append("HTTP \(code)") }
        if let origin = entry["origin"].stringValue { parts.append(origin) }
        if let reason = entry["cancellation"]["reason"].stringValue { parts.append(reason) }
        return parts.joined(separator: " · ")
    }

    /// The facts of a repair as one line, in the report's language.
    static func facts(_ entry: JSONValue, _ l: Labels) -> String {
        let facts = entry["facts"]
        let cancellations = facts["cancellations"].arrayValue.map {
            "\($0["id"].stringValue ?? "")=\(ReportNumber.grouped($0["amount"].integerValue ?? 0))"
        }
        var text =
            "\(facts["status"].stringValue ?? "") \(ReportNumber.grouped(facts["totalAmount"].integerValue ?? 0)) KRW, "
            + "\(l("cancelled", "취소")) \(ReportNumber.grouped(facts["cancelledAmount"].integerValue ?? 0))"
        if !cancellations.isEmpty { text += " [\(cancellations.joined(separator: ", "))]" }
        text += "; \(l("ledger", "원장")) PURCHASE \(facts["ledgerPurchase"].integerValue ?? 0)"
        text += ", REFUND \(facts["ledgerRefund"].integerValue ?? 0)"
        text += "; \(l("balance", "잔액")) \(facts["balance"].integerValue.map(ReportNumber.grouped) ?? "—")"
        return text
    }

    /// A plan state (`proposed`, …) or the reason a plan was made (`dry-run`, `limit`) in
    /// `locale`, as the plan report names them (the console shows the same words).
    public static func word(_ key: String, locale: String) -> String {
        word(key, Labels(korean: locale == "ko"))
    }

    /// A plan state, a reason or a repair kind in the report's language.
    static func word(_ key: String, _ l: Labels) -> String {
        let ko = [
            "proposed": "제안됨 (승인 대기)", "approved": "승인됨", "applying": "적용 중", "applied": "적용됨", "expired": "만료됨",
            "superseded": "새 계획으로 대체됨", "dry-run": "시험 실행", "limit": "보정 한도 초과",
            "MISSED_GRANT": "누락된 지급", "MISSED_REFUND": "누락된 환불 차감", "changed": "계획 이후 변경되어 건너뜀",
        ]
        let en = [
            "proposed": "proposed (awaiting approval)", "applying": "applying", "dry-run": "dry run",
            "limit": "run over its limits", "changed": "changed since the plan: skipped",
        ]
        return l.korean ? ko[key] ?? key : en[key] ?? key
    }

    struct Labels {
        let korean: Bool
        func callAsFunction(_ english: String, _ ko: String) -> String { korean ? ko : english }
    }

    static func headerLines(_ document: JSONValue, _ l: Labels) -> [(String, String)] {
        let plan = document["plan"]
        var lines: [(String, String)] = [
            (l("State", "상태"), word(plan["state"].stringValue ?? "", l)),
            (
                l("Made by run", "생성 실행"),
                "\(plan["runId"].integerValue ?? 0) (\(word(plan["reason"].stringValue ?? "", l)))"
            ),
            (l("Created", "생성"), ReportTime.kst(plan["createdAt"]) + " KST"),
            (l("Expires", "만료"), ReportTime.kst(plan["expiresAt"]) + " KST"),
            ("SHA-256", plan["hash"].stringValue ?? ""),
        ]
        if plan["intact"] == .bool(false) {
            lines.append((l("Integrity", "무결성"), l("stored repairs do not match the hash", "저장된 보정이 해시와 맞지 않음")))
        }
        if let by = plan["approvedBy"].stringValue {
            lines.append(
                (
                    l("Approved", "승인"),
                    "\(by), \(ReportTime.kst(plan["approvedAt"])) KST: \(plan["approvedNote"].stringValue ?? "")"
                ))
        }
        if plan["appliedAt"] != .null { lines.append((l("Applied", "적용"), ReportTime.kst(plan["appliedAt"]) + " KST")) }
        if let newer = plan["supersededBy"].integerValue { lines.append((l("Superseded by", "대체한 계획"), "\(newer)")) }
        return lines
    }

    static func totalLines(_ document: JSONValue, _ l: Labels) -> [(String, String)] {
        let totals = document["totals"]
        func n(_ key: String) -> String { ReportNumber.grouped(totals[key].integerValue ?? 0) }
        var lines = [
            (l("Repairs", "보정"), n("repairs")), (l("Payments", "결제"), n("payments")),
            (l("Grants (credits)", "지급 (크레딧)"), "\(n("grants")) (\(n("creditsGranted")))"),
            (l("Refund deductions (credits)", "환불 차감 (크레딧)"), "\(n("refunds")) (\(n("creditsDeducted")))"),
        ]
        if document["plan"]["state"].stringValue == "applied" {
            lines.append((l("Applied / changed since the plan", "적용 / 계획 이후 변경"), "\(n("applied")) / \(n("changed"))"))
        }
        return lines
    }

    /// Repairs and credits by cause (grants) and origin (refund deductions), largest first.
    static func whyTotals(_ document: JSONValue) -> [(key: String, repairs: Int, credits: Int64)] {
        var totals: [String: (Int, Int64)] = [:]
        for entry in document["repairs"].arrayValue {
            let key = entry["cause"].stringValue ?? entry["origin"].stringValue ?? "UNKNOWN"
            let credits = entry["credits"].integerValue ?? 0
            totals[key, default: (0, 0)].0 += 1
            totals[key, default: (0, 0)].1 += credits
        }
        return totals.map { (key: $0.key, repairs: $0.value.0, credits: $0.value.1) }.sorted {
            ($0.credits, $1.key) > ($1.credits, $0.key)
        }
    }

    static func columns(_ l: Labels) -> [String] {
        [
            l("Kind", "유형"), l("Payment", "결제"), l("User", "사용자"), l("Credits", "크레딧"), l("Why", "이유"),
            l("Facts", "판단 근거"), l("Outcome", "결과"),
        ]
    }

    static func row(_ entry: JSONValue, _ l: Labels) -> [String] {
        [
            word(entry["kind"].stringValue ?? "", l), entry["paymentId"].stringValue ?? "",
            entry["userId"].stringValue ?? "", ReportNumber.grouped(entry["ledgerAmount"].integerValue ?? 0),
            why(entry),
            facts(entry, l), entry["outcome"].stringValue.map { word($0, l) } ?? "—",
        ]
    }

    static func markdown(_ document: JSONValue, _ l: Labels) -> String {
        var out = "# \(l("Plan", "보정 계획")) \(document["plan"]["id"].integerValue ?? 0)\n\n"
        for (label, value) in headerLines(document, l) + totalLines(document, l) {
            out += "- \(label): \(MarkdownReport.escape(value))\n"
        }
        out += "\n| \(l("Why", "이유")) | \(l("Repairs", "보정")) | \(l("Credits", "크레딧")) |\n|---|---:|---:|\n"
        for line in whyTotals(document) {
            out += "| \(MarkdownReport.escape(line.key)) | \(line.repairs) | \(ReportNumber.grouped(line.credits)) |\n"
        }
        out += "\n| " + columns(l).joined(separator: " | ") + " |\n|" + String(repeating: " --- |", count: 7) + "\n"
        for entry in document["repairs"].arrayValue {
            out += "| " + row(entry, l).map(MarkdownReport.escape).joined(separator: " | ") + " |\n"
        }
        return out
    }

    static func csv(_ document: JSONValue, _ l: Labels) -> String {
        let plan = document["plan"]
        var lines = [(["plan", "sha256"] + columns(l)).map(CSVReport.field).joined(separator: ",")]
        for entry in document["repairs"].arrayValue {
            let fields = ["\(plan["id"].integerValue ?? 0)", plan["hash"].stringValue ?? ""] + row(entry, l)
            lines.append(fields.map { CSVReport.field(CSVReport.neutralised($0)) }.joined(separator: ","))
        }
        return CSVReport.byteOrderMark + lines.joined(separator: "\r\n") + "\r\n"
    }

    static func html(_ document: JSONValue, _ l: Labels) -> String {
        let e = HTMLReport.escape
        let plan = document["plan"]
        let title = "\(l("Plan", "보정 계획")) \(plan["id"].integerValue ?? 0)"
        var out = """
            <!DOCTYPE html>
            <html lang="\(l("en", "ko"))"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(e(title))</title><style>\(HTMLReport.style)
            .hash { font-family: monospace; font-size: 12px; word-break: break-all; }
            .state { font-size: 14px; padding: 2px 8px; border-radius: 4px; background: #fff3e0; color: #e65100; }
            .state.applied { background: #e8f5e9; color: #1b5e20; }
            .state.expired, .state.superseded { background: #eee; color: #555; }
            .kind-MISSED_REFUND { color: #b71c1c; }
            </style></head><body>
            <h1>\(e(title)) <span class="state \(e(plan["state"].stringValue ?? ""))">\(e(word(plan["state"].stringValue ?? "", l)))</span></h1>
            <p class="hash">SHA-256 \(e(plan["hash"].stringValue ?? ""))</p>
            <dl class="facts">
            """
        for (label, value) in headerLines(document, l) where label != "SHA-256" {
            out += "<dt>\(e(label))</dt><dd>\(e(value))</dd>\n"
        }
        out += "</dl>\n<h2>\(e(l("Totals", "합계")))</h2>\n<div class=\"cards\">\n"
        for (label, value) in totalLines(document, l) {
            out +=
                "<div class=\"card\"><div class=\"value\">\(e(value))</div><div class=\"label\">\(e(label))</div></div>\n"
        }
        out += "</div>\n<h2>\(e(l("Why: by cause and origin", "이유: 원인·취소 주체별")))</h2>\n<table class=\"recon\">"
        out +=
            "<thead><tr><th></th><th>\(e(l("Repairs", "보정")))</th><th>\(e(l("Credits", "크레딧")))</th></tr></thead><tbody>"
        for line in whyTotals(document) {
            out += "<tr><th>\(e(line.key))</th><td>\(e(ReportNumber.grouped(Int64(line.repairs))))</td>"
            out += "<td>\(e(ReportNumber.grouped(line.credits)))</td></tr>\n"
        }
        out += "</tbody></table>\n"
        out += "<h2>\(e(l("Repairs, largest first", "보정 (큰 순서)")))</h2>\n<table class=\"list\"><thead><tr>"
        out += columns(l).map { "<th>\(e($0))</th>" }.joined() + "</tr></thead><tbody>\n"
        for entry in document["repairs"].arrayValue {
            let cells = row(entry, l)
            out += "<tr class=\"kind-\(e(entry["kind"].stringValue ?? ""))\">"
            for (index, cell) in cells.enumerated() {
                let cls = index == 3 ? " class=\"n\"" : index == 0 ? " class=\"nw\"" : ""
                out += "<td\(cls)>\(e(cell))</td>"
            }
            out += "</tr>\n"
        }
        let id = plan["id"].integerValue ?? 0
        let advice = l(
            "Approve with: credit-reconciler plan approve \(id) --by NAME --note TEXT. Each repair is fetched and "
                + "decided again before it is written; a repair that changed since this plan is skipped and listed.",
            "승인: credit-reconciler plan approve \(id) --by 이름 --note 메모. 각 보정은 쓰기 전에 다시 조회하고 다시 "
                + "판단하며, 계획 이후 바뀐 보정은 건너뛰고 목록에 남깁니다.")
        out += "</tbody></table>\n<p>\(e(advice))</p>\n"
        out += "</body></html>\n"
        return out
    }
}
