import Foundation
import ReconcilerCore
import ReconcilerEngine
import WireFormat

#if canImport(Glibc)
    import Glibc
#endif

/// `credit-reconciler plan list|show|approve|apply` (DESIGN §4.6, §5). A refusal (unknown plan,
/// not approved, applied already, expired, superseded) exits 1 with a message saying what to do.
enum PlanCommand {
    static func list(environment: [String: String]) -> ExitStatus {
        DatabaseAccess.withDatabase(environment: environment) { (database) throws(ServiceFailure) in
            let plans = try database.plans()
            guard !plans.isEmpty else {
                Console.output("no plans yet: a dry run (credit-reconciler run --dry-run) makes one")
                return .success
            }
            for plan in plans { Console.output(line(plan)) }
            return .success
        }
    }

    /// One plan on one line: id, state, hash, size, where it came from, who approved it.
    static func line(_ plan: Plan) -> String {
        var text =
            "#\(plan.id)  \(plan.state.rawValue)  sha256 \(plan.shortHash)…  \(plan.repairs) repair(s) on "
            + "\(plan.payments) payment(s), +\(plan.creditsGranted) / −\(plan.creditsDeducted) credits  "
            + "run \(plan.runId) (\(plan.reason.rawValue))  made \(RFC3339.format(RFC3339.Timestamp(plan.createdAt)))"
        if let by = plan.approvedBy { text += "  approved by \(by)" }
        if let newer = plan.supersededBy { text += "  superseded by #\(newer)" }
        return text
    }

    static func show(_ options: PlanShowOptions, environment: [String: String]) -> ExitStatus {
        let locale = configuredLocale(environment: environment)
        return DatabaseAccess.withDatabase(environment: environment) { (database) throws(ServiceFailure) in
            let plan = try database.plan(named: options.reference)
            let text = try database.renderPlan(plan, as: options.format, locale: locale)
            guard Console.document(text, to: options.output) else { return .failure }
            if let output = options.output {
                Console.output("plan \(plan.id) (sha256 \(plan.hash)) written to \(output)")
            }
            return .success
        }
    }

    /// `reports.locale` of the configuration file; `ko` (the default) without one, since showing
    /// a plan needs only the database. A file that is there but cannot be read or parsed is
    /// named on standard error with its problem, and the plan is still shown in Korean.
    static func configuredLocale(environment: [String: String]) -> String {
        let path =
            environment["RECONCILER_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
            ?? RuntimeSettings.defaultConfigurationPath
        guard FileManager.default.fileExists(atPath: path) else { return "ko" }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            return try Configuration.parse(data, source: path).reports.locale
        } catch let error as ConfigurationError {
            Console.error(
                "credit-reconciler: \(error.problems.map { "\(path): \($0)" }.joined(separator: "; ")); "
                    + "showing the plan in Korean (fix the file for reports.locale to apply)")
        } catch {
            Console.error(
                "credit-reconciler: the configuration file \(path) cannot be read; showing the plan in Korean "
                    + "(check its permissions for reports.locale to apply)")
        }
        return "ko"
    }

    static func approve(_ options: PlanApproveOptions, environment: [String: String]) -> ExitStatus {
        DatabaseAccess.withDatabase(environment: environment) { (database) throws(ServiceFailure) in
            let plan = try database.approvePlan(id: options.id, by: options.by, note: options.note)
            Console.output(
                "plan \(plan.id) (sha256 \(plan.hash)) approved by \(plan.approvedBy ?? options.by): "
                    + "\(plan.repairs) repair(s), +\(plan.creditsGranted) / −\(plan.creditsDeducted) credits. "
                    + "Apply it with credit-reconciler plan apply \(plan.id) before "
                    + RFC3339.format(RFC3339.Timestamp(plan.expiresAt)))
            return .success
        }
    }

    static func apply(id: Int64, environment: [String: String]) async -> ExitStatus {
        let settings: RuntimeSettings
        do {
            settings = try RuntimeSettings.load(environment: environment)
        } catch {
            Console.error("credit-reconciler: \(error)")
            return .configuration
        }
        let engine: ReconciliationEngine
        do {
            engine = try RunCommand.makeEngine(settings, environment: environment)
        } catch {
            Console.error("credit-reconciler: \(error.message)")
            return error.status
        }
        let control = RunControl()
        let task = Task { () async -> Result<PlanApplyResult, RunFailure> in
            do throws(RunFailure) {
                return .success(try await engine.applyPlan(String(id), control: control))
            } catch {
                return .failure(error)
            }
        }
        let signals = SignalWatcher([SIGTERM, SIGINT]) { number in
            if control.isStopRequested { exit(ExitStatus.failure.rawValue) }
            Console.error(
                "credit-reconciler: \(SignalWatcher.name(number)): stopping after the repair in progress; "
                    + "run credit-reconciler plan apply \(id) again to finish")
            control.requestStop()
        }
        defer { signals.cancel() }
        switch await task.value {
        case .failure(let failure):
            Console.error("credit-reconciler: \(failure.description)")
            return RunCommand.exitStatus(for: failure)
        case .success(let result):
            Console.output(summary(result))
            return .success
        }
    }

    /// What `plan apply` prints: the plan, what was written, and what changed since the plan.
    static func summary(_ result: PlanApplyResult) -> String {
        let plan = result.plan
        var lines = [
            "plan \(plan.id) \(plan.state.rawValue) (sha256 \(plan.hash))"
                + (result.run.map { " by run \($0.runId)" } ?? ""),
            "  applied           \(result.applied.count) of \(plan.repairs) repair(s)"
                + (result.run.map { " (+\($0.totals.creditsGranted) / −\($0.totals.creditsDeducted) credits now)" }
                    ?? ""),
            "  changed since     \(result.changed.count) repair(s) skipped: the fresh decision differs from the plan",
        ]
        for item in result.changed.prefix(50) {
            lines.append(
                "    \(item.planned.repair.kind.rawValue) \(item.planned.repair.paymentId) "
                    + "\(item.planned.repair.credits) credits: decided again differently; a new run decides it anew")
        }
        if result.changed.count > 50 {
            lines.append("    … \(result.changed.count - 50) more: credit-reconciler plan show \(plan.id)")
        }
        return lines.joined(separator: "\n")
    }
}
