import Foundation

/// The JSON configuration file of ARCHITECTURE §6.1, checked: every value here is valid.
public struct Configuration: Equatable, Sendable {
    /// The packages the shop sells, with the prices in force over time.
    public var catalog: [CreditPackage]
    /// What a run may repair and how.
    public var policy: Policy
    /// When the daemon runs.
    public var schedule: Schedule
    /// How the daemon follows PortOne's journal between runs (ARCHITECTURE §6.1, DESIGN §4.4a).
    public var follow: Follow = Follow()
    /// How plans of repairs are approved (DESIGN §4.6, §6 `approval`).
    public var approval: Approval = Approval()
    /// Where and how reports are written.
    public var reports: ReportSettings
    /// `console`: the web console for finance (DESIGN §10).
    public var console = ConsoleSettings()
    /// The Prometheus textfile to write, if any.
    public var metricsTextfile: String?
    /// A Slack-compatible webhook for failed runs and new critical discrepancies, if any.
    public var notifyWebhookURL: String?
    /// `ledger.descriptions`: the configured templates of the ledger rows repairs write, by
    /// kind (a kind not configured uses the default of `reports.locale`).
    public var ledgerDescriptionTemplates: [RepairKind: String] = [:]

    /// The descriptions of the ledger rows repairs write, in `reports.locale`.
    public var ledgerDescriptions: LedgerDescriptions {
        LedgerDescriptions(templates: ledgerDescriptionTemplates, locale: reports.locale)
    }

    /// The reconciliation policy.
    public struct Policy: Equatable, Sendable {
        /// Payments younger than this are left for the next run (seconds).
        public var settleDelay: Int64 = 600
        /// How far before the last checkpoint a run starts again (seconds).
        public var overlap: Int64 = 86_400
        /// The window of the very first run (seconds).
        public var initialLookback: Int64 = 7 * 86_400
        /// Repair kinds applied in apply mode; others are only planned.
        public var autoFix: Set<RepairKind> = [.missedGrant, .missedRefund]
        /// How a partial refund's credits are rounded.
        public var partialRefundRounding: Rounding = .up
        /// What to do when the balance is lower than the deduction.
        public var refundShortfall: RefundShortfall = .clamp
        /// More planned repairs than this apply none of them.
        public var maxFixesPerRun: Int = 500
        /// A repair moving more credits than this applies none of them.
        public var maxCreditsPerFix: Int64 = 10_000
        /// Whether test-channel payments in a live store get credits.
        public var grantTestPayments = false
        /// Every user's balance is audited at least once in this many successful runs: each run
        /// audits the users with ledger rows in its window (and those it repaired or whose drift
        /// is open) plus one of this many fixed slices of all users, the slice audited longest
        /// ago; `run --full` audits every user.
        public var balanceAuditRuns = 7
        /// The largest ``balanceAuditRuns`` accepted.
        public static let maxBalanceAuditRuns = 1_000

        /// The defaults of ARCHITECTURE §6.1.
        public init() {}
    }

    /// The daemon's schedule.
    public struct Schedule: Equatable, Sendable {
        /// Daily run time `HH:MM` in `timeZone`.
        public var hour = 3
        /// Minute of the daily run.
        public var minute = 0
        /// IANA time zone of `at` and of plain dates on the command line.
        public var timeZone = "Asia/Seoul"
        /// Run every this many seconds instead of daily, if set.
        public var every: Int64?

        /// The defaults of ARCHITECTURE §6.1.
        public init() {}
    }

    /// Following PortOne's journal between runs (the daemon's ticks).
    public struct Follow: Equatable, Sendable {
        /// Whether the daemon follows the journal at all.
        public var enabled = true
        /// Seconds between ticks.
        public var interval: Int64 = 10
        /// A PAID event younger than this (seconds) is left to the web app's webhook for now.
        public var grace: Int64 = 45
        /// More repairs than this in one tick apply none of them (`FIX_LIMIT_EXCEEDED`); a tick
        /// also takes at most half this many payments (a payment can need a grant and a refund),
        /// so only an unusual tick can trip it.
        public var maxFixesPerTick = 100

        /// The defaults of ARCHITECTURE §6.1.
        public init() {}
    }

    /// The `approval` section: how long a stored plan of repairs stays applicable.
    public struct Approval: Equatable, Sendable {
        /// `approval.planTtl`: seconds after its creation a plan can still be approved and
        /// applied; after that it is expired and a new dry run makes a new one (default 24h).
        public var planTtl: Int64 = 86_400

        /// The defaults.
        public init() {}
    }

    /// Report settings.
    public struct ReportSettings: Equatable, Sendable {
        /// The folder of the per-run files.
        public var directory = "/var/lib/credit-reconciler/reports"
        /// Which files to write per run.
        public var formats: [ReportFormat] = [.json, .csv, .md, .html]
        /// `ko` or `en`: headers and labels.
        public var locale = "ko"
        /// `reports.email`: the report e-mail.
        public var email = ReportMailSettings()

        /// The defaults of ARCHITECTURE §6.1.
        public init() {}
    }

    /// Rounding of `K × C / T` for partial refunds.
    public enum Rounding: String, Sendable, CaseIterable {
        /// Toward more credits deducted (the default).
        case up
        /// Toward fewer credits deducted.
        case down
        /// To the nearest, halves up.
        case nearest
    }

    /// What happens when the balance is lower than a deduction.
    public enum RefundShortfall: String, Sendable, CaseIterable {
        /// Deduct what is there and open `REFUND_SHORTFALL` for the rest.
        case clamp
        /// Let the balance go negative.
        case allowNegative
    }

    /// Creates a configuration from checked parts.
    public init(
        catalog: [CreditPackage], policy: Policy = Policy(), schedule: Schedule = Schedule(),
        reports: ReportSettings = ReportSettings(), metricsTextfile: String? = nil, notifyWebhookURL: String? = nil
    ) {
        self.catalog = catalog
        self.policy = policy
        self.schedule = schedule
        self.reports = reports
        self.metricsTextfile = metricsTextfile
        self.notifyWebhookURL = notifyWebhookURL
    }
}
