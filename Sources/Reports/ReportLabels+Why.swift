import ReconcilerCore
import WireFormat

/// The sentences that say why a repair was needed, in the report's locale: one per repair row,
/// and the few that tell ops what to act on (the "why" section and the notification).
extension ReportLabels {
    /// The label of a cause or an origin (`WEBHOOK_FAILED` → "webhook failed"); a value of a
    /// newer build is shown as it is.
    public func why(_ key: String) -> String {
        let table = korean ? Self.koWhy : Self.enWhy
        return table[key] ?? key
    }

    /// What a repair row (a fix or a planned repair of the document) says of its cause or origin.
    public func whyDetail(_ entry: JSONValue) -> String {
        if let cause = entry["cause"].stringValue { return causeDetail(cause, webhook: entry["webhook"]) }
        if let origin = entry["origin"].stringValue { return originDetail(origin, entry["cancellation"]) }
        return ""
    }

    private func causeDetail(_ cause: String, webhook: JSONValue) -> String {
        let code = webhook["responseCode"].stringValue
        let at = ReportTime.kst(webhook["lastAttemptAt"])
        let when = at.isEmpty ? "" : " (\(at) KST)"
        let attempts = webhook["attempts"].integerValue
        let maximum = webhook["maxAttempts"].integerValue
        switch (GrantCause.Kind(rawValue: cause), korean) {
        case (.webhookNotSent, true): return "PortOne에 이 결제를 알리는 웹훅 발송 기록이 없음"
        case (.webhookNotSent, false): return "PortOne recorded no webhook announcing this payment"
        case (.webhookFailed, true):
            let tries = attempts.map { count in maximum.map { "최대 \($0)회 중 \(count)회 시도" } ?? "\(count)회 시도" }
            let answer = code.map { "마지막 응답 HTTP \($0)" } ?? "응답 없음"
            return "웹훅 전송 실패: " + [tries, answer].compactMap { $0 }.joined(separator: ", ") + when
        case (.webhookFailed, false):
            let tries = attempts.map { count in
                maximum.map { "\(count) of \($0) deliveries" } ?? Self.plural(Int(count), "delivery", "deliveries")
            }
            let answer = code.map { "last answer HTTP \($0)" } ?? "no answer"
            return "webhook failed: " + [tries, answer].compactMap { $0 }.joined(separator: ", ") + when
        case (.webhookAcknowledged, true):
            return "웹 앱이 웹훅에 성공\(code.map { "(HTTP \($0))" } ?? "")으로 응답했으나 크레딧을 지급하지 않음\(when)"
        case (.webhookAcknowledged, false):
            return
                "the web app acknowledged the webhook\(code.map { " with HTTP \($0)" } ?? "")\(when) and granted nothing"
        case (_, true):
            return "웹훅 기록으로는 원인을 알 수 없음 (전송 상태: \(webhook["status"].stringValue ?? "기록 없음"))"
        case (_, false):
            return "the webhook record does not tell (delivery status: \(webhook["status"].stringValue ?? "none"))"
        }
    }

    private func originDetail(_ origin: String, _ cancellation: JSONValue) -> String {
        var head = why(origin)
        if DeductionOrigin.Kind(rawValue: origin) == .unknown, let trigger = cancellation["trigger"].stringValue {
            head += " (trigger \(trigger))"
        }
        var parts: [String] = []
        if let reason = cancellation["reason"].stringValue, !reason.isEmpty {
            parts.append(korean ? "사유 “\(reason)”" : "reason “\(reason)”")
        }
        let requested = ReportTime.kst(cancellation["requestedAt"])
        if !requested.isEmpty { parts.append(korean ? "요청 \(requested) KST" : "requested \(requested) KST") }
        let done = ReportTime.kst(cancellation["cancelledAt"])
        if !done.isEmpty { parts.append(korean ? "완료 \(done) KST" : "done \(done) KST") }
        if let count = cancellation["cancellations"].integerValue, count > 1 {
            parts.append(korean ? "취소 \(count)건 포함" : "covers \(count) cancellations")
        }
        return parts.isEmpty ? head : head + ": " + parts.joined(separator: ", ")
    }

    /// What ops must act on, one sentence each: the web app's answers to failed webhooks, the
    /// webhooks it acknowledged without granting, the payments PortOne sent no webhook for, and
    /// the chargebacks.
    public func actions(_ why: ReportWhy) -> [String] {
        var lines: [String] = []
        for (answer, payments) in why.failedAnswers {
            switch (answer.isEmpty, korean) {
            case (false, true): lines.append("웹 앱의 웹훅 엔드포인트가 결제 \(payments)건에 HTTP \(answer) 응답을 보냈습니다")
            case (true, true): lines.append("웹 앱의 웹훅 엔드포인트가 결제 \(payments)건에 응답하지 않았습니다")
            case (false, false):
                lines.append(
                    "the web app's webhook endpoint answered \(answer) to \(Self.plural(payments, "payment", "payments"))"
                )
            case (true, false):
                lines.append(
                    "the web app's webhook endpoint did not answer for \(Self.plural(payments, "payment", "payments"))")
            }
        }
        if why.acknowledged > 0 {
            lines.append(
                korean
                    ? "웹 앱이 웹훅 \(why.acknowledged)건에 성공으로 응답하고 크레딧을 지급하지 않았습니다 (웹 앱의 결함)"
                    : "the web app acknowledged \(Self.plural(why.acknowledged, "webhook", "webhooks")) and granted nothing (a defect of the web app)"
            )
        }
        if why.notSent > 0 {
            lines.append(
                korean
                    ? "PortOne이 결제 \(why.notSent)건에 웹훅을 보내지 않았습니다: PortOne 콘솔의 웹훅 설정을 확인하세요"
                    : "PortOne sent no webhook for \(Self.plural(why.notSent, "paid payment", "paid payments")): check the webhook settings in the PortOne console"
            )
        }
        if why.chargebacks > 0 {
            let uncollected = ReportNumber.grouped(why.chargebackUncollected)
            lines.append(
                korean
                    ? "차지백(카드 분쟁) \(why.chargebacks)건을 차감했습니다\(why.chargebackUncollected > 0 ? ", 회수하지 못한 크레딧 \(uncollected)" : "")"
                    : "\(Self.plural(why.chargebacks, "chargeback (a card dispute)", "chargebacks (card disputes)")) deducted\(why.chargebackUncollected > 0 ? "; \(uncollected) credits could not be collected" : "")"
            )
        }
        return lines
    }

    /// Webhook deliveries attempted, of the most PortOne makes: `6 of 6`, `최대 6회 중 6회`
    /// (never `6/6`, which a spreadsheet reads as a date).
    public func attempts(_ webhook: JSONValue) -> String? {
        guard let count = webhook["attempts"].integerValue else { return nil }
        guard let maximum = webhook["maxAttempts"].integerValue else { return korean ? "\(count)회" : "\(count)" }
        return korean ? "최대 \(maximum)회 중 \(count)회" : "\(count) of \(maximum)"
    }

    /// `1 payment`, `3 payments`.
    static func plural(_ count: Int, _ one: String, _ many: String) -> String {
        "\(ReportNumber.grouped(Int64(count))) \(count == 1 ? one : many)"
    }

    static let enWhy: [String: String] = [
        "WEBHOOK_NOT_SENT": "no webhook sent", "WEBHOOK_FAILED": "webhook failed",
        "WEBHOOK_ACKNOWLEDGED": "acknowledged, not granted", "UNKNOWN": "unknown", "CONSOLE": "PortOne console",
        "API": "PortOne API", "PORTONE_ADMIN": "PortOne staff", "CHARGEBACK": "card chargeback",
    ]

    static let koWhy: [String: String] = [
        "WEBHOOK_NOT_SENT": "웹훅 미발송", "WEBHOOK_FAILED": "웹훅 전송 실패", "WEBHOOK_ACKNOWLEDGED": "응답 후 미지급",
        "UNKNOWN": "알 수 없음", "CONSOLE": "PortOne 콘솔", "API": "PortOne API", "PORTONE_ADMIN": "PortOne 관리자",
        "CHARGEBACK": "카드 차지백",
    ]
}
