import Foundation
import Reports

/// The reader's language and time zone: every sentence of the console in the language of
/// `reports.locale` (Korean or English, from ``ConsoleWording``), every time in
/// `schedule.timeZone`.
public struct ConsoleLocale: Sendable {
    /// `ko` or `en`: the pages' `lang`.
    public var language: String
    /// The wording in that language.
    public var words: ConsoleWording
    /// Where the times are shown.
    public var timeZone: TimeZone

    /// The console in `locale` (`ko`, else English) showing times in `timeZone` (an IANA name;
    /// UTC when it is not one: the configuration refuses such names before the console starts).
    public init(locale: String, timeZone: String) {
        language = locale == "ko" ? "ko" : "en"
        words = locale == "ko" ? .korean : .english
        self.timeZone = TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")!
    }

    /// English, times in UTC.
    public static let english = ConsoleLocale(locale: "en", timeZone: "UTC")

    /// `date` to the second in the console's time zone, with the zone's offset (`UTC` for UTC).
    public func time(_ date: Date?) -> String {
        guard let date else { return "—" }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ v: Int?) -> String { String(format: "%02d", v ?? 0) }
        let offset = timeZone.secondsFromGMT(for: date)
        let zone =
            offset == 0
            ? "UTC" : String(format: "%@%02d:%02d", offset < 0 ? "−" : "+", abs(offset) / 3600, abs(offset) % 3600 / 60)
        return "\(c.year ?? 0)-\(two(c.month))-\(two(c.day)) \(two(c.hour)):\(two(c.minute)):\(two(c.second)) \(zone)"
    }
}

/// Every sentence and label of the console, once per language (``english``, ``korean``).
/// Codes (statuses, kinds, severities, ids, hashes) are shown as they are stored.
public struct ConsoleWording: Sendable {
    // Navigation and sections.
    var overview: String
    var runs: String
    var discrepancies: String
    var plans: String
    // The overview.
    var openDiscrepancies: @Sendable (Int) -> String
    var noneOpen: String
    var latestRuns: String
    var plansAwaiting: @Sendable (Int) -> String
    // Tables and facts.
    var kind: String
    var severity: String
    var open: String
    var run: String
    var status: String
    var trigger: String
    var started: String
    var finished: String
    var payments: String
    var repairs: String
    var new: String
    var noRuns: String
    var paymentsScanned: String
    var repairsApplied: String
    var newDiscrepancies: String
    var openDiscrepanciesFact: String
    var error: String
    var openReport: String
    var downloadCSV: String
    var noReport: String
    // Discrepancies.
    var anyKind: String
    var anySeverity: String
    var filter: String
    var noMatch: String
    var showingNewest: @Sendable (Int) -> String
    var payment: String
    var user: String
    var seen: String
    var seenTimes: @Sendable (Int, String, String) -> String
    var settledBy: String
    var settledAt: @Sendable (String, String) -> String
    var note: String
    var noteRequired: String
    var resolve: String
    var ignore: String
    var settled: @Sendable (Int64, Bool) -> String
    var noteNeededTitle: String
    var noteNeeded: String
    // Plans.
    var plan: String
    var state: String
    var credits: String
    var hash: String
    var made: String
    var expires: String
    var approvedBy: String
    var approvalNote: String
    var applied: String
    var supersededBy: String
    var reason: String
    var noPlans: String
    /// A plan's state or the reason it was made, as the plan report words it.
    var stateName: @Sendable (String) -> String
    var openPlan: String
    var approveHeading: String
    var approveExplanation: String
    var approve: String
    var approvedNotice: @Sendable (Int64, String) -> String
    var applyHint: String
    var onlyApprovers: String
    var notApprovable: String
    // Refusals and errors.
    var notFoundTitle: String
    var noSuchPage: String
    var noSuchRun: String
    var noSuchReport: String
    var noSuchPlan: String
    var unavailableTitle: String
    var unavailable: String
    var notDone: String
    var notSignedInTitle: String
    var notSignedIn: @Sendable (String) -> String
    var badUserTitle: String
    var badUser: String
    var badFormTitle: String
    var badForm: String
    var formExpiredTitle: String
    var formExpired: String
    var notAllowedTitle: String
    var notAllowed: @Sendable (String, String, String) -> String

    /// English.
    public static let english = ConsoleWording(
        overview: "Overview", runs: "Runs", discrepancies: "Discrepancies", plans: "Plans",
        openDiscrepancies: { "Open discrepancies: \($0)" }, noneOpen: "None open.", latestRuns: "Latest runs",
        plansAwaiting: { "Plans awaiting approval: \($0)" }, kind: "Kind", severity: "Severity", open: "Open",
        run: "Run", status: "Status", trigger: "Trigger", started: "Started", finished: "Finished",
        payments: "Payments", repairs: "Repairs", new: "New", noRuns: "No runs yet.",
        paymentsScanned: "Payments scanned", repairsApplied: "Repairs applied", newDiscrepancies: "New discrepancies",
        openDiscrepanciesFact: "Open discrepancies", error: "Error", openReport: "Open the report",
        downloadCSV: "Download CSV",
        noReport: "This run stored no report (it is still running, or it ended before writing one).",
        anyKind: "any kind", anySeverity: "any severity", filter: "Filter", noMatch: "No discrepancy matches.",
        showingNewest: { "Showing the newest \($0); narrow the filter to see older ones." }, payment: "Payment",
        user: "User", seen: "Seen", seenTimes: { "\($0)× · first \($1) · last \($2)" }, settledBy: "Settled by",
        settledAt: { "\($0) at \($1)" }, note: "Note", noteRequired: "Note (required)", resolve: "Resolve",
        ignore: "Ignore", settled: { "Discrepancy #\($0) is \($1 ? "ignored" : "resolved")." },
        noteNeededTitle: "A note is needed",
        noteNeeded: "Say in the note why (at most 2000 characters); nothing was changed.", plan: "Plan",
        state: "State", credits: "Credits", hash: "SHA-256", made: "Made", expires: "Expires",
        approvedBy: "Approved by", approvalNote: "Approval note", applied: "Applied", supersededBy: "Superseded by",
        reason: "Made by", noPlans: "No plans yet: a dry run (credit-reconciler run --dry-run) makes one.",
        stateName: { PlanReport.word($0, locale: "en") }, openPlan: "Open the plan (printable)",
        approveHeading: "Approve",
        approveExplanation:
            "Approving records your name, the note and the time. Read the plan first: applying it writes exactly its repairs.",
        approve: "Approve", approvedNotice: { "Plan #\($0) is approved by \($1)." },
        applyHint: "Applying stays on the command line, run by operations:",
        onlyApprovers: "Only approvers (console.approvers) may approve a plan.",
        notApprovable: "Only a proposed plan can be approved.", notFoundTitle: "Not found",
        noSuchPage: "There is no such page in the console.", noSuchRun: "There is no such run.",
        noSuchReport: "There is no such report.", noSuchPlan: "There is no such plan.",
        unavailableTitle: "Unavailable",
        unavailable: "The database is not reachable right now; try again in a minute.", notDone: "Not done",
        notSignedInTitle: "Not signed in",
        notSignedIn: {
            "The console is reached through the company's sign-in proxy, which names you in the \($0) header. This request came without it: open the console through its usual address, or ask the administrator to check the proxy configuration."
        }, badUserTitle: "Bad user name", badUser: "The sign-in proxy sent a user name the console cannot use.",
        badFormTitle: "Bad form", badForm: "The form could not be read; reload the page and try again.",
        formExpiredTitle: "Form expired",
        formExpired:
            "This form did not come from your current console page (it expired, or another site sent it). Nothing was changed: reload the page and try again.",
        notAllowedTitle: "Not allowed",
        notAllowed: {
            "You (\($0)) may read the console, but this needs the \($1) role, which \($2) in the configuration grants. Nothing was changed."
        })

    /// Korean.
    public static let korean = ConsoleWording(
        overview: "개요", runs: "실행 기록", discrepancies: "불일치", plans: "보정 계획",
        openDiscrepancies: { "미해결 불일치: \($0)건" }, noneOpen: "미해결 불일치가 없습니다.", latestRuns: "최근 실행",
        plansAwaiting: { "승인 대기 중인 계획: \($0)건" }, kind: "유형", severity: "심각도", open: "미해결", run: "실행",
        status: "상태", trigger: "실행 방식", started: "시작", finished: "종료", payments: "결제", repairs: "보정",
        new: "신규", noRuns: "아직 실행 기록이 없습니다.", paymentsScanned: "조회한 결제", repairsApplied: "적용한 보정",
        newDiscrepancies: "신규 불일치", openDiscrepanciesFact: "미해결 불일치", error: "오류", openReport: "보고서 열기",
        downloadCSV: "CSV 내려받기", noReport: "이 실행은 보고서를 저장하지 않았습니다(아직 실행 중이거나, 보고서를 쓰기 전에 끝났습니다).",
        anyKind: "모든 유형", anySeverity: "모든 심각도", filter: "적용", noMatch: "조건에 맞는 불일치가 없습니다.",
        showingNewest: { "최근 \($0)건만 표시합니다. 더 오래된 항목은 조건을 좁혀서 보세요." }, payment: "결제", user: "사용자",
        seen: "발견", seenTimes: { "\($0)회 · 처음 \($1) · 마지막 \($2)" }, settledBy: "처리자",
        settledAt: { "\($0) · \($1)" }, note: "메모", noteRequired: "메모 (필수)", resolve: "해결", ignore: "무시",
        settled: { "불일치 #\($0)을(를) \($1 ? "무시" : "해결") 처리했습니다." }, noteNeededTitle: "메모가 필요합니다",
        noteNeeded: "메모에 사유를 적어 주세요(2000자 이내). 아무것도 바뀌지 않았습니다.", plan: "계획", state: "상태",
        credits: "크레딧", hash: "SHA-256", made: "생성", expires: "만료", approvedBy: "승인자", approvalNote: "승인 메모",
        applied: "적용", supersededBy: "대체한 계획", reason: "생성 경위",
        noPlans: "아직 계획이 없습니다. 시험 실행(credit-reconciler run --dry-run)이 계획을 만듭니다.",
        stateName: { PlanReport.word($0, locale: "ko") }, openPlan: "계획서 열기(인쇄용)", approveHeading: "승인",
        approveExplanation: "승인하면 이름, 메모, 시각이 기록됩니다. 먼저 계획서를 읽어 주세요. 적용하면 계획에 있는 보정만 그대로 기록됩니다.",
        approve: "승인", approvedNotice: { "계획 #\($0)을(를) \($1) 님이 승인했습니다." },
        applyHint: "적용은 운영 담당자가 명령줄에서 합니다:", onlyApprovers: "계획은 승인자(console.approvers)만 승인할 수 있습니다.",
        notApprovable: "승인 대기 중인 계획만 승인할 수 있습니다.", notFoundTitle: "찾을 수 없음",
        noSuchPage: "콘솔에 그런 페이지가 없습니다.", noSuchRun: "그런 실행이 없습니다.", noSuchReport: "그런 보고서가 없습니다.",
        noSuchPlan: "그런 계획이 없습니다.", unavailableTitle: "사용할 수 없음",
        unavailable: "지금은 데이터베이스에 연결할 수 없습니다. 잠시 후 다시 시도해 주세요.", notDone: "처리하지 못했습니다",
        notSignedInTitle: "로그인되지 않음",
        notSignedIn: {
            "콘솔은 회사의 로그인 프록시를 거쳐 열리며, 프록시가 \($0) 헤더로 사용자를 알려 줍니다. 이 요청에는 그 헤더가 없습니다. 평소 주소로 콘솔을 열거나, 관리자에게 프록시 설정 확인을 요청하세요."
        }, badUserTitle: "잘못된 사용자 이름", badUser: "로그인 프록시가 보낸 사용자 이름을 콘솔에서 쓸 수 없습니다.",
        badFormTitle: "잘못된 양식", badForm: "양식을 읽을 수 없습니다. 페이지를 새로 고친 뒤 다시 시도하세요.",
        formExpiredTitle: "양식 만료",
        formExpired: "이 양식은 현재 콘솔 페이지에서 온 것이 아닙니다(만료되었거나 다른 사이트가 보냈습니다). 아무것도 바뀌지 않았습니다. 페이지를 새로 고친 뒤 다시 시도하세요.",
        notAllowedTitle: "권한 없음",
        notAllowed: {
            "\($0) 님은 콘솔을 볼 수 있지만, 이 작업에는 \($1) 역할이 필요합니다(설정의 \($2)). 아무것도 바뀌지 않았습니다."
        })
}
