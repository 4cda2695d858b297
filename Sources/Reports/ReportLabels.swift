import ReconcilerCore

/// The words of the rendered reports in the report's locale (`ko` or `en`): column headers,
/// section titles, kinds, statuses and reviewer actions. Unknown keys are shown as they are.
public struct ReportLabels: Sendable {
    /// True for Korean.
    public let korean: Bool

    /// Labels for `locale` (`ko`; anything else is English).
    public init(locale: String) {
        korean = locale == "ko"
    }

    /// The text of `key` in this locale.
    public func callAsFunction(_ key: String) -> String {
        if korean, let text = Self.ko[key] { return text }
        return Self.en[key] ?? key
    }

    /// What a reviewer should check for `kind`.
    public func reviewerAction(_ kind: String) -> String {
        if korean, let text = Self.koActions[kind] { return text }
        return DiscrepancyKind(rawValue: kind)?.reviewerAction ?? ""
    }

    static let en: [String: String] = [
        "sources": "sources", "title": "credit-reconciler run", "trigger": "trigger", "mode": "mode",
        "window": "window",
        "started": "started", "finished": "finished", "status": "status", "error": "error",
        "payments": "payments", "summary": "Summary", "paymentsScanned": "payments scanned",
        "ledgerRowsScanned": "ledger rows read", "matched": "matched", "fixesApplied": "repairs applied",
        "fixesPlanned": "repairs planned", "creditsGranted": "credits granted", "creditsDeducted": "credits deducted",
        "discrepanciesOpen": "open discrepancies", "discrepanciesNew": "new discrepancies",
        "discrepanciesClosed": "closed discrepancies", "recurring": "recurring", "new": "new", "closed": "closed",
        "fixes": "Repairs applied", "planned": "Repairs planned, not applied", "discrepancies": "Discrepancies",
        "whatToCheck": "What to check", "reconciliation": "Money against credits", "daily": "Day by day (KST)",
        "section": "section", "fix": "repair", "plannedFix": "planned repair", "discrepancy": "discrepancy",
        "id": "id", "kind": "kind", "severity": "severity", "change": "change", "paymentId": "payment id",
        "userId": "user id", "userEmail": "user e-mail", "packageId": "package id", "packageName": "package",
        "packageCredits": "package credits", "packagePrice": "package price (KRW)", "paymentStatus": "PortOne status",
        "currency": "currency", "amountKRW": "amount (KRW)", "cancelledKRW": "cancelled (KRW)",
        "paidAt": "paid at (KST)", "cancelledAt": "cancelled at (KST)", "statusChangedAt": "status changed at (KST)",
        "credits": "credits", "balanceBefore": "balance before", "balanceAfter": "balance after",
        "creditTransactionId": "ledger row", "cancellationId": "cancellation", "action": "what was done",
        "detail": "detail", "reviewerAction": "what to check", "occurrences": "runs seen",
        "firstSeenRunId": "first seen in run", "expected": "expected", "actual": "actual",
        "granted": "granted", "deducted": "deducted", "dryRun": "dry run: not written",
        "notAutoFix": "not in policy.autoFix: not written", "fixLimit": "fix limit tripped: not written",
        "openedForReview": "opened for review", "seenAgain": "still open, seen again",
        "closedByRun": "closed by this run", "paidKRW": "PortOne paid (KRW)", "netKRW": "net KRW kept",
        "undecided": "money without a credit decision", "creditsDue": "credits due for that money",
        "ledgerBefore": "ledger before the run", "ledgerAfter": "ledger after the run",
        "difference": "difference (due − ledger)", "plan": "Plan to review",
        "closure.closedExactly": "decided payments closed exactly",
        "closure.explained": "decided payments explained by a discrepancy or a planned repair",
        "closure.unexplained": "decided payments unexplained (UNEXPLAINED_DIFFERENCE)",
        "explained": "the difference, line by line",
        "plannedRepairs": "repairs planned, not applied",
        "changedDuringRun": "ledger or PortOne changed during the run",
        "other": "other", "date": "date", "paidPayments": "payments paid", "grantedPayments": "granted by the app",
        "repairedPayments": "granted by this run", "creditsGrantedByRun": "credits granted by this run",
        "chartKinds": "Discrepancies by kind and severity", "chartDaily": "Payments paid vs granted per day",
        "none": "none", "critical": "critical", "warning": "warning", "info": "info", "open": "open",
        "resolved": "resolved", "ignored": "ignored", "fixed": "fixed", "succeeded": "succeeded", "failed": "failed",
        "aborted": "aborted", "apply": "apply", "dry-run": "dry run", "more": "more (see the JSON or CSV report)",
        "MISSED_GRANT": "missed grant", "MISSED_REFUND": "missed refund", "inFlight": "in flight",
        "testChannel": "test channel", "otherStore": "other store", "v1": "V1 payment", "pending": "pending",
        "unknownStatus": "unknown status", "resolution": "resolution", "statusApplied": "applied",
        "statusPlanned": "planned", "timer": "timer", "manual": "manual", "daemon": "daemon",
        "why": "Why the repairs were needed", "byCause": "Missed grants by cause",
        "byOrigin": "Deductions by origin", "cause": "cause", "origin": "origin", "whyDetail": "why",
        "webhookStatus": "webhook delivery", "webhookResponseCode": "web app's answer (HTTP)",
        "webhookAttempts": "webhook attempts", "webhookLastAttemptAt": "last webhook attempt (KST)",
        "cancellationReason": "cancellation reason", "cancellationRequestedAt": "cancellation requested (KST)",
        "repairs": "repairs", "chartWhy": "Repairs by cause and origin", "toAct": "What ops must act on",
    ]

    static let ko: [String: String] = [
        "sources": "확인한 출처", "title": "credit-reconciler 실행", "trigger": "실행 방식", "mode": "모드", "window": "대상 기간",
        "started": "시작", "finished": "종료", "status": "상태", "error": "오류", "payments": "결제",
        "summary": "요약", "paymentsScanned": "조회한 결제", "ledgerRowsScanned": "읽은 원장 행", "matched": "일치",
        "fixesApplied": "적용한 보정", "fixesPlanned": "계획된 보정", "creditsGranted": "지급한 크레딧",
        "creditsDeducted": "차감한 크레딧", "discrepanciesOpen": "미해결 불일치", "discrepanciesNew": "신규 불일치",
        "discrepanciesClosed": "해소된 불일치", "recurring": "반복", "new": "신규", "closed": "해소",
        "fixes": "적용한 보정", "planned": "계획되었으나 적용하지 않은 보정", "discrepancies": "불일치",
        "whatToCheck": "확인할 사항", "reconciliation": "결제 금액과 크레딧 대사", "daily": "일별 현황 (KST)",
        "section": "구분", "fix": "보정", "plannedFix": "계획된 보정", "discrepancy": "불일치", "id": "번호",
        "kind": "유형", "severity": "심각도", "change": "변화", "paymentId": "결제 ID", "userId": "사용자 ID",
        "userEmail": "사용자 이메일", "packageId": "패키지 ID", "packageName": "패키지", "packageCredits": "패키지 크레딧",
        "packagePrice": "패키지 가격(원)", "paymentStatus": "PortOne 상태", "currency": "통화",
        "amountKRW": "결제 금액(원)", "cancelledKRW": "취소 금액(원)", "paidAt": "결제 시각(KST)",
        "cancelledAt": "취소 시각(KST)", "statusChangedAt": "상태 변경 시각(KST)", "credits": "크레딧",
        "balanceBefore": "보정 전 잔액", "balanceAfter": "보정 후 잔액", "creditTransactionId": "원장 행",
        "cancellationId": "취소 ID", "action": "조치", "detail": "내용", "reviewerAction": "확인할 사항",
        "occurrences": "발견 횟수", "firstSeenRunId": "최초 발견 실행", "expected": "기대값", "actual": "실제값",
        "granted": "지급", "deducted": "차감", "dryRun": "시험 실행: 기록하지 않음",
        "notAutoFix": "policy.autoFix 대상 아님: 기록하지 않음", "fixLimit": "보정 한도 초과: 기록하지 않음",
        "openedForReview": "검토 요청", "seenAgain": "미해결, 다시 발견", "closedByRun": "이번 실행에서 해소",
        "paidKRW": "PortOne 결제 금액(원)", "netKRW": "순 결제 금액(원)", "undecided": "크레딧 판단을 하지 않은 금액",
        "creditsDue": "결제에 따른 지급 예정 크레딧", "ledgerBefore": "실행 전 원장", "ledgerAfter": "실행 후 원장",
        "difference": "차이 (예정 − 원장)", "plan": "검토할 보정 계획", "closure.closedExactly": "정확히 맞는 판단 결제",
        "closure.explained": "불일치나 계획된 보정으로 설명되는 판단 결제",
        "closure.unexplained": "설명되지 않은 판단 결제 (UNEXPLAINED_DIFFERENCE)", "explained": "차이 내역",
        "plannedRepairs": "계획되었으나 적용하지 않은 보정",
        "changedDuringRun": "실행 중 원장 또는 PortOne 변경", "other": "기타", "date": "날짜",
        "paidPayments": "결제 건수", "grantedPayments": "앱이 지급한 건수", "repairedPayments": "이번 실행이 지급한 건수",
        "creditsGrantedByRun": "이번 실행이 지급한 크레딧", "chartKinds": "유형·심각도별 불일치",
        "chartDaily": "일별 결제 건수와 지급 건수", "none": "없음", "critical": "심각", "warning": "경고",
        "info": "정보", "open": "미해결", "resolved": "해결", "ignored": "무시", "fixed": "보정됨",
        "succeeded": "성공", "failed": "실패", "aborted": "중단", "apply": "적용", "dry-run": "시험 실행",
        "more": "건 더 있음 (JSON 또는 CSV 보고서 참조)", "MISSED_GRANT": "누락된 지급", "MISSED_REFUND": "누락된 환불 차감",
        "inFlight": "처리 중", "testChannel": "테스트 채널", "otherStore": "다른 상점", "v1": "V1 결제",
        "pending": "대기", "unknownStatus": "알 수 없는 상태", "resolution": "처리 내용", "statusApplied": "적용",
        "statusPlanned": "계획", "timer": "정기 실행", "manual": "수동 실행", "daemon": "데몬",
        "why": "보정이 필요했던 이유", "byCause": "원인별 누락된 지급", "byOrigin": "취소 주체별 환불 차감",
        "cause": "원인", "origin": "취소 주체", "whyDetail": "이유", "webhookStatus": "웹훅 전송 상태",
        "webhookResponseCode": "웹 앱 응답(HTTP)", "webhookAttempts": "웹훅 시도", "webhookLastAttemptAt": "마지막 웹훅 시도(KST)",
        "cancellationReason": "취소 사유", "cancellationRequestedAt": "취소 요청 시각(KST)", "repairs": "보정",
        "chartWhy": "원인·취소 주체별 보정", "toAct": "운영팀 조치 사항",
    ]

    static let koActions: [String: String] = [
        "AMOUNT_MISMATCH": "PortOne 콘솔의 결제 금액과 당일 패키지 가격을 비교하고, 환불하거나 올바른 패키지를 수동 지급한 뒤 해결 처리하세요.",
        "CURRENCY_MISMATCH": "PortOne 콘솔에서 결제 통화와 카탈로그를 확인하세요. 원화 패키지를 외화로 결제했다면 수동 환불 또는 지급이 필요합니다.",
        "UNRESOLVED_PAYMENT": "PortOne 콘솔의 주문명, 금액, 고객 정보로 고객과 패키지를 찾아 수동 지급하거나 환불한 뒤 해결 처리하세요.",
        "UNKNOWN_USER": "이메일이나 고객 ID로 계정을 찾으세요(삭제되었거나 바뀌었을 수 있음). 올바른 계정에 지급하거나 결제를 환불하세요.",
        "GRANT_WITHOUT_PAYMENT": "PortOne 콘솔에서 입금이 없었는지 확인하고, 없었다면 ADJUSTMENT 행으로 크레딧을 차감한 뒤 누가 지급했는지 찾으세요.",
        "ORPHAN_GRANT": "PortOne에 없는 결제입니다. 테스트나 다른 상점의 결제 ID인지 확인하고, 입금이 없었다면 ADJUSTMENT 행으로 차감하세요.",
        "DUPLICATE_GRANT": "결제당 PURCHASE 행 하나만 남기고 초과 크레딧을 ADJUSTMENT 행으로 차감하세요. 웹훅 처리의 멱등성을 확인하세요.",
        "CREDIT_MISMATCH": "결제의 원장 행을 패키지 크레딧 및 PortOne 환불 내역과 비교하고 차이를 ADJUSTMENT 행으로 바로잡으세요.",
        "REFUND_SHORTFALL": "환불된 크레딧을 고객이 이미 사용했습니다. 손실로 처리할지 고객에게 연락할지 결정하세요(차지백 악용 여부 확인).",
        "BALANCE_DRIFT": "Credit.balance와 사용자의 CreditTransaction 합계를 비교해 원장을 거치지 않은 쓰기를 찾고 잔액을 바로잡으세요.",
        "UNKNOWN_STATUS": "이 버전이 모르는 상태를 PortOne이 보고했습니다. 콘솔에서 결제를 확인하고 credit-reconciler를 업그레이드하세요.",
        "UNPARSEABLE_PAYMENT": "읽을 수 없는 결제를 PortOne이 반환했습니다. 콘솔에서 확인하고 증거 자료를 관리자에게 전달하세요.",
        "FIX_LIMIT_EXCEEDED":
            "이 실행 보고서의 계획된 보정을 검토하고, 맞다면 --max-fixes N으로 다시 실행하세요(또는 maxCreditsPerFix 상향). 아니면 원인을 찾으세요.",
        "UNEXPLAINED_DIFFERENCE":
            "reconciler가 이유 없이 이 결제의 크레딧을 PortOne과 다르게 남겼습니다. 원장 행과 실행의 보정을 PortOne과 비교해 수동으로 바로잡고 관리자에게 알리세요.",
    ]

}
