import ReconcilerCore
import WireFormat

/// Turns the argument list into a `Command`: a pure function, so tests never touch the real
/// command line. Every error names the offending argument and says what to type instead.
public enum CommandLineParser {
    /// Parses `arguments` (without the program name).
    public static func parse(_ arguments: [String]) throws(UsageError) -> Command {
        guard let first = arguments.first else { return .help(nil) }
        switch first {
        case "-h", "--help", "help":
            if arguments.count > 1, let topic = Subcommand(rawValue: arguments[1]) { return .help(topic) }
            return .help(nil)
        case "-V", "--version", "version":
            return .version
        default:
            break
        }
        guard let subcommand = Subcommand(rawValue: first) else {
            if first.hasPrefix("-") {
                throw UsageError(
                    "unknown option '\(first)' before a command\(suggestion(first, among: ["--help", "--version"]))")
            }
            let names = Subcommand.allCases.map(\.rawValue)
            throw UsageError("unknown command '\(first)'\(suggestion(first, among: names))")
        }
        var rest = ArgumentCursor(Array(arguments.dropFirst()), subcommand: subcommand)
        if rest.wantsHelp { return .help(subcommand) }
        switch subcommand {
        case .run: return .run(try parseRun(&rest))
        case .report: return .report(try parseReport(&rest))
        case .discrepancies: return try parseDiscrepancies(&rest)
        case .console: return .console(try parseConsole(&rest))
        case .plan: return try parsePlan(&rest)
        case .daemon, .migrate, .checkConfig, .status, .demo:
            try rest.expectEnd(flags: [])
            switch subcommand {
            case .daemon: return .daemon
            case .migrate: return .migrate
            case .checkConfig: return .checkConfig
            case .status: return .status
            default: return .demo
            }
        }
    }

    private static func parseConsole(_ cursor: inout ArgumentCursor) throws(UsageError) -> ConsoleOptions {
        var options = ConsoleOptions()
        while let flag = try cursor.nextFlag(known: ["--listen"]) {
            let text = try cursor.value(for: flag)
            do throws(ConsoleSettings.Listen.Problem) {
                options.listen = try ConsoleSettings.Listen(parsing: text)
            } catch {
                throw UsageError("--listen \(error.description)", subcommand: .console)
            }
        }
        return options
    }

    static let runFlags = ["--since", "--until", "--payment-id", "--full", "--dry-run", "--trigger", "--max-fixes"]
    static let reportFlags = ["--run", "--format", "--output"]
    static let listFlags = ["--status", "--kind"]
    static let resolveFlags = ["--note", "--by", "--ignore"]
    static let planShowFlags = ["--format", "--output"]
    static let planApproveFlags = ["--by", "--note"]

    private static func parseRun(_ cursor: inout ArgumentCursor) throws(UsageError) -> RunOptions {
        var options = RunOptions()
        while let flag = try cursor.nextFlag(known: runFlags) {
            switch flag {
            case "--since": options.since = try parseTime(try cursor.value(for: flag), flag: flag)
            case "--until": options.until = try parseTime(try cursor.value(for: flag), flag: flag)
            case "--payment-id":
                let id = try cursor.value(for: flag)
                guard !id.isEmpty, id.utf8.count <= 256,
                    !id.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
                else {
                    throw UsageError(
                        "--payment-id needs a PortOne payment id (1 to 256 characters, no control characters)",
                        subcommand: .run)
                }
                options.paymentIds.append(id)
            case "--full": options.full = true
            case "--dry-run": options.dryRun = true
            case "--trigger":
                let value = try cursor.value(for: flag)
                guard let trigger = RunTrigger(rawValue: value), RunTrigger.commandLineChoices.contains(trigger) else {
                    throw UsageError(
                        "--trigger must be one of timer, manual, daemon (got '\(value)')", subcommand: .run)
                }
                options.trigger = trigger
            default:  // --max-fixes
                options.maxFixes = try boundedCount(try cursor.value(for: flag), flag: flag, subcommand: .run)
            }
        }
        if options.full && !options.paymentIds.isEmpty {
            throw UsageError(
                "--full and --payment-id cannot be combined: --payment-id already names the payments to check",
                subcommand: .run)
        }
        if (options.since != nil || options.until != nil) && !options.paymentIds.isEmpty {
            throw UsageError(
                "--since/--until and --payment-id cannot be combined: a payment id is looked up whatever its time",
                subcommand: .run)
        }
        if case .instant(let since)? = options.since, case .instant(let until)? = options.until,
            let from = RFC3339.timestamp(since), let to = RFC3339.timestamp(until), from >= to
        {
            throw UsageError("--since (\(since)) must be before --until (\(until))", subcommand: .run)
        }
        return options
    }

    private static func parseReport(_ cursor: inout ArgumentCursor) throws(UsageError) -> ReportOptions {
        var options = ReportOptions()
        while let flag = try cursor.nextFlag(known: reportFlags) {
            switch flag {
            case "--run":
                let value = try cursor.value(for: flag)
                options.runId =
                    value == "latest"
                    ? nil : try positiveInteger(value, flag: flag, subcommand: .report, also: "or 'latest'")
            case "--format":
                let value = try cursor.value(for: flag)
                guard let format = ReportFormat(rawValue: value.lowercased()) else {
                    throw UsageError(
                        "--format must be one of md, csv, json, html (got '\(value)')", subcommand: .report)
                }
                options.format = format
            default:  // --output
                let value = try cursor.value(for: flag)
                guard !value.isEmpty else { throw UsageError("--output needs a file path", subcommand: .report) }
                options.output = value
            }
        }
        return options
    }

    private static func parseDiscrepancies(_ cursor: inout ArgumentCursor) throws(UsageError) -> Command {
        guard let action = cursor.nextPositional() else {
            throw UsageError(
                "discrepancies needs an action: 'list' or 'resolve ID --note TEXT'", subcommand: .discrepancies)
        }
        switch action {
        case "list":
            var options = DiscrepancyListOptions()
            while let flag = try cursor.nextFlag(known: listFlags) {
                let value = try cursor.value(for: flag)
                if flag == "--status" {
                    guard let status = DiscrepancyStatusFilter(rawValue: value) else {
                        throw UsageError(
                            "--status must be one of open, fixed, resolved, ignored, all (got '\(value)')",
                            subcommand: .discrepancies)
                    }
                    options.status = status
                } else {
                    guard isKindName(value) else {
                        throw UsageError(
                            "--kind takes a discrepancy kind such as AMOUNT_MISMATCH (got '\(value)')",
                            subcommand: .discrepancies)
                    }
                    options.kind = value
                }
            }
            return .listDiscrepancies(options)
        case "resolve":
            guard let idText = cursor.nextPositional() else {
                throw UsageError(
                    "discrepancies resolve needs the discrepancy id: 'discrepancies resolve 42 --note \"refunded by hand\"'",
                    subcommand: .discrepancies)
            }
            let id = try positiveInteger(idText, flag: "the discrepancy id", subcommand: .discrepancies)
            var note: String?
            var by: String?
            var ignore = false
            while let flag = try cursor.nextFlag(known: resolveFlags) {
                switch flag {
                case "--note": note = try cursor.value(for: flag)
                case "--by": by = try cursor.value(for: flag)
                default: ignore = true
                }
            }
            guard let note, !note.trimmingWhitespace().isEmpty else {
                throw UsageError(
                    "discrepancies resolve needs --note TEXT saying what was done, for the audit trail",
                    subcommand: .discrepancies)
            }
            if let by, by.trimmingWhitespace().isEmpty {
                throw UsageError("--by needs a name", subcommand: .discrepancies)
            }
            return .resolveDiscrepancy(ResolveOptions(id: id, note: note, by: by, ignore: ignore))
        default:
            throw UsageError(
                "unknown discrepancies action '\(action)'\(suggestion(action, among: ["list", "resolve"]))",
                subcommand: .discrepancies)
        }
    }

    private static func parsePlan(_ cursor: inout ArgumentCursor) throws(UsageError) -> Command {
        let actions = ["list", "show", "approve", "apply"]
        guard let action = cursor.nextPositional() else {
            throw UsageError(
                "plan needs an action: 'list', 'show ID|latest', 'approve ID --by NAME --note TEXT' or 'apply ID'",
                subcommand: .plan)
        }
        switch action {
        case "list":
            try cursor.expectEnd(flags: [])
            return .listPlans
        case "show":
            guard let reference = cursor.nextPositional() else {
                throw UsageError("plan show needs a plan id or 'latest': 'plan show 12'", subcommand: .plan)
            }
            if reference != "latest" {
                _ = try positiveInteger(reference, flag: "the plan id", subcommand: .plan, also: "or 'latest'")
            }
            var options = PlanShowOptions(reference: reference)
            while let flag = try cursor.nextFlag(known: planShowFlags) {
                let value = try cursor.value(for: flag)
                if flag == "--format" {
                    guard let format = ReportFormat(rawValue: value.lowercased()) else {
                        throw UsageError(
                            "--format must be one of md, csv, json, html (got '\(value)')", subcommand: .plan)
                    }
                    options.format = format
                } else {
                    guard !value.isEmpty else { throw UsageError("--output needs a file path", subcommand: .plan) }
                    options.output = value
                }
            }
            return .showPlan(options)
        case "approve":
            guard let idText = cursor.nextPositional() else {
                throw UsageError(
                    "plan approve needs the plan id you reviewed: 'plan approve 12 --by NAME --note TEXT'",
                    subcommand: .plan)
            }
            let id = try positiveInteger(idText, flag: "the plan id", subcommand: .plan)
            var by: String?
            var note: String?
            while let flag = try cursor.nextFlag(known: planApproveFlags) {
                if flag == "--by" { by = try cursor.value(for: flag) } else { note = try cursor.value(for: flag) }
            }
            guard let by, !by.trimmingWhitespace().isEmpty else {
                throw UsageError("plan approve needs --by NAME: who approves, for the audit trail", subcommand: .plan)
            }
            guard let note, !note.trimmingWhitespace().isEmpty else {
                throw UsageError(
                    "plan approve needs --note TEXT saying why the repairs are right, for the audit trail",
                    subcommand: .plan)
            }
            return .approvePlan(PlanApproveOptions(id: id, by: by, note: note))
        case "apply":
            guard let idText = cursor.nextPositional() else {
                throw UsageError("plan apply needs the approved plan's id: 'plan apply 12'", subcommand: .plan)
            }
            let id = try positiveInteger(idText, flag: "the plan id", subcommand: .plan)
            try cursor.expectEnd(flags: [])
            return .applyPlan(id: id)
        default:
            throw UsageError(
                "unknown plan action '\(action)'\(suggestion(action, among: actions))", subcommand: .plan)
        }
    }

    /// Reads `--since`/`--until`: RFC 3339, or a plain date read in the configured time zone.
    static func parseTime(_ text: String, flag: String) throws(UsageError) -> TimeArgument {
        if let date = RFC3339.fullDate(text) { return .date(year: date.year, month: date.month, day: date.day) }
        if RFC3339.timestamp(text) != nil { return .instant(text) }
        throw UsageError(
            "\(flag) takes an RFC 3339 time such as 2026-11-24T03:00:00+09:00 or a date such as 2026-11-24 (got '\(text)')",
            subcommand: .run)
    }

    private static func positiveInteger(
        _ text: String, flag: String, subcommand: Subcommand, also: String = ""
    ) throws(UsageError) -> Int64 {
        guard let value = Int64(text), value > 0 else {
            let alternative = also.isEmpty ? "" : " \(also)"
            throw UsageError(
                "\(flag) takes a positive whole number\(alternative) (got '\(text)')", subcommand: subcommand)
        }
        return value
    }

    private static func boundedCount(_ text: String, flag: String, subcommand: Subcommand) throws(UsageError) -> Int {
        let value: Int64 = try positiveInteger(text, flag: flag, subcommand: subcommand, also: "")
        guard let small = Int(exactly: value), small <= 1_000_000 else {
            throw UsageError("\(flag) must be at most 1000000 (got '\(text)')", subcommand: subcommand)
        }
        return small
    }

    private static func isKindName(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 64 && text.utf8.allSatisfy { ($0 >= 65 && $0 <= 90) || $0 == 95 }
    }

    /// ", did you mean 'x'?" when one candidate is close enough to be a typo.
    static func suggestion(_ typed: String, among candidates: [String]) -> String {
        let scored = candidates.map { ($0, editDistance(typed, $0)) }.min { $0.1 < $1.1 }
        guard let (best, distance) = scored, distance <= max(2, best.count / 3) else { return "" }
        return "; did you mean '\(best)'?"
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty { return b.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = Swift.min(
                    previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

/// Walks the arguments after the subcommand.
struct ArgumentCursor {
    private var arguments: [String]
    private var index = 0
    let subcommand: Subcommand

    init(_ arguments: [String], subcommand: Subcommand) {
        // Split `--flag=value` so both spellings parse the same way.
        self.arguments = arguments.flatMap { argument -> [String] in
            guard argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") else { return [argument] }
            return [String(argument[..<equals]), String(argument[argument.index(after: equals)...])]
        }
        self.subcommand = subcommand
    }

    var wantsHelp: Bool { arguments.contains { $0 == "--help" || $0 == "-h" } }

    /// The next flag, nil at the end; rejects unknown flags and stray words.
    mutating func nextFlag(known: [String]) throws(UsageError) -> String? {
        guard index < arguments.count else { return nil }
        let argument = arguments[index]
        index += 1
        guard argument.hasPrefix("-") else {
            throw UsageError("unexpected argument '\(argument)' for '\(subcommand.rawValue)'", subcommand: subcommand)
        }
        guard known.contains(argument) else {
            let hint = CommandLineParser.suggestion(argument, among: known)
            let list = known.isEmpty ? " ('\(subcommand.rawValue)' takes no options)" : hint
            throw UsageError("unknown option '\(argument)' for '\(subcommand.rawValue)'\(list)", subcommand: subcommand)
        }
        return argument
    }

    /// The value following `flag`.
    mutating func value(for flag: String) throws(UsageError) -> String {
        guard index < arguments.count, !arguments[index].hasPrefix("--") || arguments[index] == "--" else {
            throw UsageError("\(flag) needs a value", subcommand: subcommand)
        }
        defer { index += 1 }
        return arguments[index]
    }

    /// The next word if it is not a flag.
    mutating func nextPositional() -> String? {
        guard index < arguments.count, !arguments[index].hasPrefix("-") else { return nil }
        defer { index += 1 }
        return arguments[index]
    }

    /// Fails unless every argument was consumed.
    mutating func expectEnd(flags: [String]) throws(UsageError) {
        if try nextFlag(known: flags) != nil {
            throw UsageError("'\(subcommand.rawValue)' takes no options", subcommand: subcommand)
        }
    }
}

extension String {
    func trimmingWhitespace() -> Substring {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return text
    }
}
