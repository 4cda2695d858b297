import Foundation
import ReconcilerCore
import ReconcilerEngine
import WireFormat

/// `credit-reconciler status`: the last runs, the checkpoint and the open discrepancies.
enum StatusCommand {
    static func run(environment: [String: String]) -> ExitStatus {
        DatabaseAccess.withDatabase(environment: environment) { (database) throws(ServiceFailure) in
            let migrations = try database.migrationStatus()
            if !migrations.isUpToDate {
                Console.output(
                    "migrations: \(migrations.pending.count) pending — run credit-reconciler migrate (as the owner of the app's tables)"
                )
                if migrations.applied.isEmpty { return .failure }
            }
            let checkpoint = try database.checkpoint()
            Console.output(
                "checkpoint: "
                    + (checkpoint.map { "\(format($0.value)) (run \($0.runId.map(String.init) ?? "?"))" }
                        ?? "none yet (the first run looks back policy.initialLookback)"))
            let runs = try database.runs(limit: 10)
            Console.output("")
            Console.output("last runs:")
            if runs.isEmpty { Console.output("  none yet") }
            for run in runs {
                let totals = (try? JSONValue.parse(Data(run.totalsJSON.utf8))) ?? .object([:])
                func number(_ key: String) -> String {
                    if case .object(let fields) = totals, case .integer(let value)? = fields[key] { return "\(value)" }
                    return "–"
                }
                var line =
                    "  #\(run.id)  \(format(run.startedAt))  \(run.status.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0))  \(run.trigger.rawValue)/\(run.mode.rawValue)"
                line +=
                    "  payments \(number("paymentsScanned")), repairs \(number("fixesApplied")), new discrepancies \(number("discrepanciesNew"))"
                Console.output(line)
                if let error = run.error, run.status != .succeeded {
                    Console.output("      \(error.split(separator: "\n").first.map(String.init) ?? error)")
                }
            }
            Console.output("")
            for line in followLines(try database.followState(), now: Date()) { Console.output(line) }
            if migrations.applied.contains(where: { $0.version >= 8 }) {
                let waiting = try database.plans(limit: 20).filter { !$0.state.isFinal }
                Console.output("")
                Console.output("plans waiting: \(waiting.isEmpty ? "none" : "\(waiting.count)")")
                for plan in waiting { Console.output("  " + PlanCommand.line(plan)) }
            }
            let open = try database.openDiscrepancyCounts()
            Console.output("")
            Console.output("open discrepancies: \(open.reduce(0) { $0 + $1.count })")
            for count in open.sorted(by: { ($0.severity, $0.kind) < ($1.severity, $1.kind) }) {
                Console.output(
                    "  \(count.severity.padding(toLength: 8, withPad: " ", startingAt: 0)) \(count.kind)  \(count.count)"
                )
            }
            return .success
        }
    }

    /// The follow loop's part: how far behind the journal it is and what its last tick did.
    static func followLines(_ state: FollowStatus?, now: Date) -> [String] {
        guard let state else {
            return ["follow loop: no tick yet (the daemon follows PortOne's journal when follow.enabled is true)"]
        }
        var lines: [String] = []
        switch state.feed {
        case .read:
            lines.append("follow loop: reading PortOne's journal")
        case .unavailable(let reason):
            lines.append("follow loop: PortOne's journal is UNAVAILABLE (\(reason)); ticks follow the status scan")
        }
        if let caughtUpTo = state.caughtUpTo {
            let lag = max(0, Int64(now.timeIntervalSince(caughtUpTo).rounded(.down)))
            lines.append("  behind: \(lag) s (every event before \(format(caughtUpTo)) is decided)")
        }
        if let at = state.lastTickAt {
            let age = max(0, Int64(now.timeIntervalSince(at).rounded(.down)))
            lines.append(
                "  last tick: \(format(at)) (\(age) s ago): \(state.lastTickResult ?? "–")"
                    + (age > 300 ? "  ← no tick for minutes: is the daemon running?" : ""))
        }
        lines.append(
            "  so far: \(state.eventsRead) events read, \(state.paymentsDecided) payments decided, \(state.fixesApplied) repairs"
                + (state.lastTickRunId.map { " (last tick run #\($0): credit-reconciler report --run \($0))" } ?? ""))
        return lines
    }

    static func format(_ date: Date) -> String {
        RFC3339.format(RFC3339.Timestamp(date), fraction: .milliseconds)
    }
}
