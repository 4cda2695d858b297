import ReconcilerCore
import WireFormat

/// The sentence a report shows for a discrepancy, in the report's locale. English reports show
/// the sentence the rules wrote (`detail`, kept in the database and the JSON); Korean reports
/// say the same from the structured `expected` and `actual` values, so no English sentence
/// reaches a Korean reader.
extension ReportLabels {
    /// The discrepancy's sentence in this locale.
    public func detail(_ entry: JSONValue) -> String {
        guard korean else { return entry["detail"].stringValue ?? "" }
        let kind = entry["kind"].stringValue ?? ""
        return Self.koreanDetail(kind: kind, entry) ?? Self.koreanFallback(kind: kind, entry)
    }

    /// A resolution note in this locale: the notes the store writes when a run closes a
    /// discrepancy are worded again; a person's note is shown as they wrote it.
    public func resolutionNote(_ note: String) -> String {
        guard korean else { return note }
        for (prefix, korean) in [
            ("repaired; no longer observed in run ", "보정됨, 더 이상 발견되지 않음: 실행 "),
            ("no longer observed in run ", "더 이상 발견되지 않음: 실행 "),
        ] where note.hasPrefix(prefix) {
            let run = note.dropFirst(prefix.count)
            if !run.isEmpty, run.allSatisfy(\.isNumber) { return korean + run }
        }
        return note
    }

    /// `1,300 크레딧`.
    private static func credits(_ value: JSONValue) -> String? {
        value.integerValue.map { "\(ReportNumber.grouped($0)) 크레딧" }
    }

    /// `50,000 KRW`.
    private static func money(_ value: JSONValue, _ currency: JSONValue) -> String? {
        value.integerValue.map { "\(ReportNumber.grouped($0)) \(currency.stringValue ?? "")" }
    }

    private static func subject(_ entry: JSONValue) -> String {
        if let payment = entry["paymentId"].stringValue { return "결제 \(payment)" }
        if let user = entry["userId"].stringValue { return "사용자 \(user)" }
        return "이번 실행"
    }

    // swift-format-ignore: FunctionBodyLength
    private static func koreanDetail(kind: String, _ entry: JSONValue) -> String? {
        let e = entry["expected"]
        let a = entry["actual"]
        let payment = subject(entry)
        let user = entry["userId"].stringValue ?? "?"
        switch DiscrepancyKind(rawValue: kind) {
        case .amountMismatch:
            if case .array(let problems) = a["problems"] {
                guard let total = a["total"].integerValue else { return nil }
                return
                    "\(payment)의 금액이 있을 수 없는 값입니다 (합계 \(ReportNumber.grouped(total)), 결제 \(ReportNumber.grouped(a["paid"].integerValue ?? 0)), 취소 \(ReportNumber.grouped(a["cancelled"].integerValue ?? 0)); 문제 \(problems.count)건). 사람이 PortOne에서 확인할 때까지 크레딧을 지급하거나 차감하지 않습니다."
            }
            guard let paid = a["amount"].integerValue, let price = e["amount"].integerValue,
                let package = e["packageId"].stringValue
            else { return nil }
            return
                "\(payment)의 결제 금액 \(ReportNumber.grouped(paid))이(가) 요청 당시 패키지 \(package)의 가격 \(ReportNumber.grouped(price))과(와) 다릅니다. 크레딧은 자동으로 지급하지 않습니다."
        case .currencyMismatch:
            guard let paid = a["currency"].stringValue, let sold = e["currency"].stringValue,
                let package = e["packageId"].stringValue
            else { return nil }
            return "\(payment)은(는) \(paid)로 결제되었으나 패키지 \(package)는 \(sold)로 판매됩니다. 크레딧은 자동으로 지급하지 않습니다."
        case .unresolvedPayment:
            guard case .bool(let userResolved) = a["userResolved"],
                case .bool(let packageResolved) = a["packageResolved"]
            else { return nil }
            let order = a["orderName"].stringValue ?? ""
            let amount = money(a["totalAmount"], a["currency"]) ?? ""
            var missing: [String] = []
            if a["customDataProblem"].stringValue != nil {
                missing.append("customData를 신뢰할 수 없어 사용자와 패키지를 정할 수 없습니다")
            } else {
                if !userResolved { missing.append("사용자를 알 수 없습니다 (customData.userId와 customer.id가 비어 있음)") }
                if !packageResolved {
                    let ambiguous = a["ambiguousPackages"].arrayValue.compactMap(\.stringValue)
                    missing.append(
                        ambiguous.isEmpty
                            ? "요청 당시 판매 중인 카탈로그 패키지에 해당하지 않습니다"
                            : "여러 패키지(\(ambiguous.joined(separator: ", ")))에 해당합니다")
                }
            }
            guard !missing.isEmpty else { return nil }
            return "\(payment)(\(order), \(amount))은(는) 결제되었으나 " + missing.joined(separator: ", ") + "."
        case .unknownUser:
            guard let granted = credits(e["creditsGranted"]) else { return nil }
            return "\(payment)의 사용자 \(user)가 앱에 없어 \(granted)을 지급할 수 없습니다."
        case .grantWithoutPayment:
            guard let granted = credits(a["creditsGranted"]), let rows = a["purchaseRows"].integerValue else {
                return nil
            }
            let status = a["status"].stringValue.map { "PortOne 상태가 \($0)로 " } ?? ""
            return "\(payment)은(는) \(status)입금이 없었는데 PURCHASE 행 \(rows)개가 \(granted)을 지급했습니다."
        case .orphanGrant:
            guard let granted = credits(a["creditsGranted"]) else { return nil }
            let owners = a["userIds"].arrayValue.compactMap(\.stringValue).joined(separator: ", ")
            return "원장이 PortOne에 없는 \(payment)에 대해 \(owners.isEmpty ? user : owners)에게 \(granted)을 지급했습니다."
        case .duplicateGrant:
            guard let rows = a["purchaseRows"].integerValue, let granted = credits(a["creditsGranted"]),
                let once = credits(e["creditsGranted"])
            else { return nil }
            return "\(payment)에 PURCHASE 행이 \(rows)개 있어 \(granted)이 지급되었습니다. 패키지는 \(once)을 한 번만 지급합니다."
        case .creditMismatch:
            if let owner = e["userId"].stringValue {
                let others = a["userIds"].arrayValue.compactMap(\.stringValue).joined(separator: ", ")
                return "\(payment)은(는) 사용자 \(owner)의 결제이지만 원장 행이 다른 사용자(\(others))의 크레딧을 움직입니다. 사람이 정리할 때까지 보정하지 않습니다."
            }
            guard let grantedNow = credits(a["creditsGranted"]), let deductedNow = credits(a["creditsDeducted"]),
                let grantDue = credits(e["creditsGranted"]), let deductionDue = credits(e["creditsDeducted"])
            else { return nil }
            return
                "\(payment)의 원장은 \(grantedNow) 지급, \(deductedNow) 차감이지만, 결제와 취소 내역에 따르면 \(grantDue) 지급, \(deductionDue) 차감이어야 합니다."
        case .refundShortfall:
            guard let balance = credits(a["balance"]), let uncollected = credits(a["uncollected"]) else { return nil }
            return "\(payment)의 환불로 사용자 \(user)에게서 크레딧을 차감해야 하지만 잔액이 \(balance)뿐이어서 \(uncollected)을 회수하지 못했습니다."
        case .balanceDrift:
            guard let balance = credits(a["balance"]), let sum = credits(e["balance"]) else { return nil }
            let noRow = a["hasCreditRow"] == .bool(false) ? " (Credit 행 없음)" : ""
            return "사용자 \(user)의 잔액은 \(balance)\(noRow)이지만 거래 내역의 합계는 \(sum)입니다."
        case .unknownStatus:
            if let status = a["status"].stringValue {
                return "\(payment)의 상태 \"\(status)\"를 이 버전이 알지 못해 판단하지 않았습니다. 다음 실행에서 다시 확인합니다."
            }
            let listed = a["cancellations"].arrayValue.compactMap { item in
                item["id"].stringValue.map { "\($0): \"\(item["status"].stringValue ?? "")\"" }
            }
            guard !listed.isEmpty else { return nil }
            return "\(payment)에 이 버전이 모르는 상태의 취소가 있습니다 (\(listed.joined(separator: ", "))). 환불로 계산하지 않았습니다."
        case .unparseablePayment:
            guard let reason = a["reason"].stringValue else { return nil }
            return "PortOne이 반환한 \(payment)을(를) 읽을 수 없습니다 (\(reason))."
        case .fixLimitExceeded:
            guard let fixes = a["fixes"].integerValue, let maxFixes = e["maxFixes"].integerValue,
                let maxCredits = e["maxCreditsPerFix"].integerValue
            else { return nil }
            var reasons: [String] = []
            if fixes > maxFixes {
                reasons.append("계획된 보정 \(ReportNumber.grouped(fixes))건이 한도 \(ReportNumber.grouped(maxFixes))건을 넘습니다")
            }
            let oversized = a["oversizedPaymentIds"].arrayValue.compactMap(\.stringValue)
            if !oversized.isEmpty {
                reasons.append(
                    "보정 \(oversized.count)건이 policy.maxCreditsPerFix \(ReportNumber.grouped(maxCredits)) 크레딧을 넘습니다 (\(oversized.prefix(5).joined(separator: ", "))\(oversized.count > 5 ? ", …" : ""))"
                )
            }
            guard !reasons.isEmpty else { return nil }
            return "보정을 하나도 적용하지 않았습니다: " + reasons.joined(separator: "; ") + "."
        case .unexplainedDifference:
            guard let held = credits(a["credits"]), let due = credits(e["credits"]) else { return nil }
            return "이번 실행의 보정 후 원장에는 \(payment)에 대해 \(held)이 있지만 PortOne 금액에 따르면 \(due)이어야 하며, 이유를 밝히는 미해결 불일치가 없습니다."
        case nil:
            return nil
        }
    }

    /// A sentence for a discrepancy whose values this build cannot word: its kind, subject and
    /// the values compared.
    private static func koreanFallback(kind: String, _ entry: JSONValue) -> String {
        let name = koKinds[kind] ?? kind
        return "\(subject(entry)): \(name) (기대값 \(entry["expected"].serialized()), 실제값 \(entry["actual"].serialized()))"
    }

    /// The kinds in Korean, for sentences.
    static let koKinds: [String: String] = [
        "AMOUNT_MISMATCH": "금액 불일치", "CURRENCY_MISMATCH": "통화 불일치", "UNRESOLVED_PAYMENT": "매핑되지 않은 결제",
        "UNKNOWN_USER": "없는 사용자", "GRANT_WITHOUT_PAYMENT": "결제 없는 지급", "ORPHAN_GRANT": "PortOne에 없는 결제의 지급",
        "DUPLICATE_GRANT": "중복 지급", "CREDIT_MISMATCH": "크레딧 불일치", "REFUND_SHORTFALL": "환불 차감 부족",
        "BALANCE_DRIFT": "잔액 불일치", "UNKNOWN_STATUS": "알 수 없는 상태", "UNPARSEABLE_PAYMENT": "읽을 수 없는 결제",
        "FIX_LIMIT_EXCEEDED": "보정 한도 초과", "UNEXPLAINED_DIFFERENCE": "설명되지 않은 차이",
    ]
}
