import ReconcilerCore
import Testing

@testable import ReconcilerCLI

@Suite struct CommandLineParserTests {
    static func runOptions(_ change: (inout RunOptions) -> Void) -> Command {
        var options = RunOptions()
        change(&options)
        return .run(options)
    }

    static func reportOptions(_ change: (inout ReportOptions) -> Void) -> Command {
        var options = ReportOptions()
        change(&options)
        return .report(options)
    }

    static let accepted: [([String], Command)] = [
        ([], .help(nil)),
        (["--help"], .help(nil)),
        (["-h"], .help(nil)),
        (["help", "run"], .help(.run)),
        (["--version"], .version),
        (["-V"], .version),
        (["run", "--help"], .help(.run)),
        (["report", "-h"], .help(.report)),
        (["run"], runOptions { _ in }),
        (["run", "--dry-run"], runOptions { $0.dryRun = true }),
        (
            ["run", "--full", "--trigger", "timer"],
            runOptions {
                $0.full = true
                $0.trigger = .timer
            }
        ),
        (["run", "--trigger=daemon"], runOptions { $0.trigger = .daemon }),
        (["run", "--max-fixes", "2000"], runOptions { $0.maxFixes = 2000 }),
        (["run", "--since", "2026-11-24"], runOptions { $0.since = .date(year: 2026, month: 11, day: 24) }),
        (["run", "--since", "2024-02-29"], runOptions { $0.since = .date(year: 2024, month: 2, day: 29) }),
        (
            ["run", "--since", "2026-11-24T03:00:00+09:00", "--until", "2026-11-25T00:00:00.123456789Z"],
            runOptions {
                $0.since = .instant("2026-11-24T03:00:00+09:00")
                $0.until = .instant("2026-11-25T00:00:00.123456789Z")
            }
        ),
        (["run", "--payment-id", "a", "--payment-id=b c"], runOptions { $0.paymentIds = ["a", "b c"] }),
        (["run", "--payment-id", "주문-1'; DROP TABLE x"], runOptions { $0.paymentIds = ["주문-1'; DROP TABLE x"] }),
        (["daemon"], .daemon),
        (["migrate"], .migrate),
        (["check-config"], .checkConfig),
        (["status"], .status),
        (["demo"], .demo),
        (["console"], .console(ConsoleOptions())),
        (
            ["console", "--listen", "127.0.0.1:9000"],
            .console(ConsoleOptions(listen: .loopback(host: "127.0.0.1", port: 9000)))
        ),
        (
            ["console", "--listen", "unix:/run/c.sock"],
            .console(ConsoleOptions(listen: .unixSocket(path: "/run/c.sock")))
        ),
        (["report"], reportOptions { _ in }),
        (["report", "--run", "latest", "--format", "HTML"], reportOptions { $0.format = .html }),
        (
            ["report", "--run", "42", "--format", "csv", "--output", "r.csv"],
            reportOptions {
                $0.runId = 42
                $0.format = .csv
                $0.output = "r.csv"
            }
        ),
        (["discrepancies", "list"], .listDiscrepancies(DiscrepancyListOptions())),
        (
            ["discrepancies", "list", "--status", "all", "--kind", "AMOUNT_MISMATCH"],
            {
                var options = DiscrepancyListOptions()
                options.status = .all
                options.kind = "AMOUNT_MISMATCH"
                return .listDiscrepancies(options)
            }()
        ),
        (
            ["discrepancies", "resolve", "17", "--note", "refunded by hand", "--by", "kim", "--ignore"],
            .resolveDiscrepancy(ResolveOptions(id: 17, note: "refunded by hand", by: "kim", ignore: true))
        ),
        (["plan", "list"], .listPlans),
        (["plan", "show", "latest"], .showPlan(PlanShowOptions(reference: "latest"))),
        (
            ["plan", "show", "12", "--format", "html", "--output", "/tmp/p.html"],
            {
                var options = PlanShowOptions(reference: "12")
                options.format = .html
                options.output = "/tmp/p.html"
                return .showPlan(options)
            }()
        ),
        (
            ["plan", "approve", "12", "--note", "checked against the settlement", "--by", "kim"],
            .approvePlan(PlanApproveOptions(id: 12, by: "kim", note: "checked against the settlement"))
        ),
        (["plan", "apply", "12"], .applyPlan(id: 12)),
    ]

    @Test(arguments: accepted)
    func accepts(arguments: [String], expected: Command) throws {
        #expect(try CommandLineParser.parse(arguments) == expected)
    }

    /// Each rejected command line, with a fragment the message must contain so the user knows the fix.
    static let rejected: [([String], String)] = [
        (["rn"], "did you mean 'run'"),
        (["console", "--listen", "0.0.0.0:8470"], "loopback"),
        (["console", "--listen"], "--listen needs a value"),
        (["console", "--port", "1"], "unknown option '--port'"),
        (["frobnicate"], "unknown command 'frobnicate'"),
        (["--verbose"], "unknown option '--verbose'"),
        (["run", "--sinse", "2026-01-01"], "did you mean '--since'"),
        (["run", "--since"], "--since needs a value"),
        (["run", "--since", "--dry-run"], "--since needs a value"),
        (["run", "--since", "yesterday"], "RFC 3339"),
        (["run", "--since", "2026-02-30"], "got '2026-02-30'"),
        (["run", "--since", "2025-02-29"], "got '2025-02-29'"),
        (["run", "--since", "2026-13-01"], "got '2026-13-01'"),
        (["run", "--until", "2026-11-24T25:00:00Z"], "RFC 3339"),
        (["run", "--since", "2026-11-25T00:00:00Z", "--until", "2026-11-24T00:00:00Z"], "must be before --until"),
        (["run", "--max-fixes", "0"], "positive whole number"),
        (["run", "--max-fixes", "-5"], "positive whole number"),
        (["run", "--max-fixes", "ten"], "got 'ten'"),
        (["run", "--max-fixes", "99999999999"], "at most 1000000"),
        (["run", "--trigger", "cron"], "timer, manual, daemon"),
        (["run", "--payment-id", ""], "--payment-id needs a PortOne payment id"),
        (["run", "--payment-id", "a\u{7}b"], "no control characters"),
        (["run", "--full", "--payment-id", "x"], "cannot be combined"),
        (["run", "--since", "2026-11-01", "--payment-id", "x"], "cannot be combined"),
        (["run", "extra"], "unexpected argument 'extra'"),
        (["migrate", "--force"], "'migrate' takes no options"),
        (["daemon", "--now"], "'daemon' takes no options"),
        (["daemon", "once"], "unexpected argument 'once'"),
        (["check-config", "--verbose"], "'check-config' takes no options"),
        (["check-confg"], "did you mean 'check-config'"),
        (["deamon"], "did you mean 'daemon'"),
        (["report", "--run", "abc"], "or 'latest'"),
        (["report", "--format", "pdf"], "md, csv, json, html"),
        (["report", "--output", ""], "--output needs a file path"),
        (["discrepancies"], "needs an action"),
        (["discrepancies", "lst"], "did you mean 'list'"),
        (["discrepancies", "list", "--status", "closed"], "open, fixed, resolved, ignored, all"),
        (["discrepancies", "list", "--kind", "amount mismatch"], "discrepancy kind"),
        (["discrepancies", "resolve"], "needs the discrepancy id"),
        (["discrepancies", "resolve", "17"], "needs --note"),
        (["discrepancies", "resolve", "17", "--note", "   "], "needs --note"),
        (["discrepancies", "resolve", "x1", "--note", "n"], "got 'x1'"),
        (["plan"], "plan needs an action"),
        (["plan", "aprove", "1"], "did you mean 'approve'"),
        (["plan", "show"], "needs a plan id or 'latest'"),
        (["plan", "show", "x"], "got 'x'"),
        (["plan", "show", "1", "--format", "pdf"], "md, csv, json, html"),
        (["plan", "approve", "latest", "--by", "kim", "--note", "n"], "got 'latest'"),
        (["plan", "approve", "1", "--note", "n"], "needs --by NAME"),
        (["plan", "approve", "1", "--by", "kim"], "needs --note TEXT"),
        (["plan", "approve", "1", "--by", " ", "--note", "n"], "needs --by NAME"),
        (["plan", "apply"], "needs the approved plan's id"),
        (["plan", "apply", "0"], "got '0'"),
        (["plan", "apply", "1", "--force"], "--force"),
    ]

    @Test(arguments: rejected)
    func rejects(arguments: [String], fragment: String) {
        #expect(throws: UsageError.self) { try CommandLineParser.parse(arguments) }
        do {
            _ = try CommandLineParser.parse(arguments)
        } catch {
            #expect(error.description.contains(fragment), "message was: \(error.description)")
            #expect(error.description.contains("--help"))
        }
    }

    @Test func everySubcommandHasHelpWithUsage() {
        for subcommand in Subcommand.allCases {
            #expect(HelpText.text(for: subcommand).contains("credit-reconciler \(subcommand.rawValue)"))
        }
        for subcommand in Subcommand.allCases {
            #expect(HelpText.tool.contains(subcommand.rawValue))
        }
    }

    @Test(arguments: [("kitten", "sitting", 3), ("", "abc", 3), ("run", "run", 0), ("--sinse", "--since", 1)])
    func editDistance(a: String, b: String, expected: Int) {
        #expect(CommandLineParser.editDistance(a, b) == expected)
    }

    @Test func exitStatusesAreTheDocumentedSysexits() {
        #expect(ExitStatus.allCases.map(\.rawValue) == [0, 1, 64, 69, 75, 78])
    }
}
