import ReconcilerCore

/// One invocation of `credit-reconciler`, as parsed from the command line.
public enum Command: Equatable, Sendable {
    /// `run`: one reconciliation.
    case run(RunOptions)
    /// `daemon`: the in-process schedule.
    case daemon
    /// `report`: render a past run again.
    case report(ReportOptions)
    /// `discrepancies list`.
    case listDiscrepancies(DiscrepancyListOptions)
    /// `discrepancies resolve ID`.
    case resolveDiscrepancy(ResolveOptions)
    /// `plan list`.
    case listPlans
    /// `plan show ID|latest`.
    case showPlan(PlanShowOptions)
    /// `plan approve ID --by NAME --note TEXT`.
    case approvePlan(PlanApproveOptions)
    /// `plan apply ID`.
    case applyPlan(id: Int64)
    /// `migrate`: apply the reconciler's own database migrations.
    case migrate
    /// `check-config`: validate configuration, database and PortOne access.
    case checkConfig
    /// `status`: the last runs and open discrepancies.
    case status
    /// `demo`: the embedded demonstration.
    case demo
    /// `console`: the finance console.
    case console(ConsoleOptions)
    /// `--help` for the tool (nil) or for one subcommand.
    case help(Subcommand?)
    /// `--version`.
    case version
}

/// The subcommands, named as typed on the command line.
public enum Subcommand: String, Sendable, CaseIterable {
    /// `run`
    case run
    /// `daemon`
    case daemon
    /// `report`
    case report
    /// `discrepancies`
    case discrepancies
    /// `plan`
    case plan
    /// `migrate`
    case migrate
    /// `check-config`
    case checkConfig = "check-config"
    /// `status`
    case status
    /// `demo`
    case demo
    /// `console`
    case console
}

/// Options of `console`.
public struct ConsoleOptions: Equatable, Sendable {
    /// `--listen`: overrides `console.listen`.
    public var listen: ConsoleSettings.Listen?

    /// No options: `console.listen` from the configuration.
    public init(listen: ConsoleSettings.Listen? = nil) {
        self.listen = listen
    }
}

/// A time given on the command line: an instant, or a calendar date read later in the
/// configured time zone (the parser does not know the configuration).
public enum TimeArgument: Equatable, Sendable {
    /// An RFC 3339 instant, as given.
    case instant(String)
    /// A plain date `YYYY-MM-DD`: midnight of that day in the configured time zone.
    case date(year: Int, month: Int, day: Int)
}

/// Options of `run`.
public struct RunOptions: Equatable, Sendable {
    /// `--since`: start of the window.
    public var since: TimeArgument?
    /// `--until`: end of the window.
    public var until: TimeArgument?
    /// `--payment-id`, repeatable: reconcile only these payments.
    public var paymentIds: [String] = []
    /// `--full`: sweep every payment created in the long period.
    public var full = false
    /// `--dry-run`: write nothing to the app's tables, keep the checkpoint.
    public var dryRun = false
    /// `--trigger`: what started this run.
    public var trigger: RunTrigger = .manual
    /// `--max-fixes`: an explicit override of `policy.maxFixesPerRun` for this run.
    public var maxFixes: Int?

    /// Options with every default.
    public init() {}
}

/// Options of `report`.
public struct ReportOptions: Equatable, Sendable {
    /// Which run: an id, or nil for the latest.
    public var runId: Int64?
    /// Output format.
    public var format: ReportFormat = .md
    /// Where to write; nil: standard output.
    public var output: String?

    /// Options with every default.
    public init() {}
}

/// Discrepancy statuses a listing can filter on.
public enum DiscrepancyStatusFilter: String, Equatable, Sendable, CaseIterable {
    /// Still to review.
    case open
    /// Repaired by a later run.
    case fixed
    /// Closed by a reviewer.
    case resolved
    /// Closed by a reviewer as not to be acted on.
    case ignored
    /// Every status.
    case all

    /// The status to list, nil for every status.
    public var status: DiscrepancyStatus? {
        switch self {
        case .open: .open
        case .fixed: .fixed
        case .resolved: .resolved
        case .ignored: .ignored
        case .all: nil
        }
    }
}

/// Options of `discrepancies list`.
public struct DiscrepancyListOptions: Equatable, Sendable {
    /// `--status`.
    public var status: DiscrepancyStatusFilter = .open
    /// `--kind`, e.g. `AMOUNT_MISMATCH`.
    public var kind: String?

    /// Options with every default.
    public init() {}
}

/// Options of `discrepancies resolve`.
public struct ResolveOptions: Equatable, Sendable {
    /// The discrepancy id.
    public var id: Int64
    /// `--note`: why it is closed.
    public var note: String
    /// `--by`: who closed it; nil: the login name.
    public var by: String?
    /// `--ignore`: close as ignored rather than resolved.
    public var ignore = false

    /// Creates resolve options.
    public init(id: Int64, note: String, by: String? = nil, ignore: Bool = false) {
        self.id = id
        self.note = note
        self.by = by
        self.ignore = ignore
    }
}

/// `plan show`'s options.
public struct PlanShowOptions: Equatable, Sendable {
    /// A plan id, or `latest`.
    public var reference: String
    /// The format to render.
    public var format: ReportFormat = .md
    /// The file to write instead of standard output.
    public var output: String?

    /// Options showing `reference` as Markdown on standard output.
    public init(reference: String) {
        self.reference = reference
    }
}

/// `plan approve`'s options.
public struct PlanApproveOptions: Equatable, Sendable {
    /// The plan's id (a number: `latest` could name another plan than the one reviewed).
    public var id: Int64
    /// Who approves.
    public var by: String
    /// Why.
    public var note: String

    /// Creates the options.
    public init(id: Int64, by: String, note: String) {
        self.id = id
        self.by = by
        self.note = note
    }
}
