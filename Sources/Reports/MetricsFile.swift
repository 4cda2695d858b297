import Foundation
import ReconcilerCore
import WireFormat

/// The run's metrics in Prometheus text exposition format (0.0.4) for node_exporter's textfile
/// collector, written whole to a temporary file and renamed into place so the collector never
/// reads half a file.
public struct MetricsFile: Sendable {
    /// No repair of any kind: the `_fixes_applied` gauge has a series for every kind, 0 or not.
    public static let noFixes: [RepairKind: Int] = Dictionary(uniqueKeysWithValues: RepairKind.allCases.map { ($0, 0) })
    /// When the run finished (seconds since the epoch).
    public var lastRun: Int64
    /// When the last successful run finished, if one ever did (read from the database, so a
    /// failed run keeps it).
    public var lastSuccess: Int64?
    /// How long the run took, in milliseconds.
    public var durationMilliseconds: Int64
    /// How the run ended.
    public var status: RunOutcome
    /// Payments the run checked.
    public var paymentsScanned: Int64
    /// Repairs applied, by kind.
    public var fixesApplied: [RepairKind: Int]
    /// Open discrepancies after the run.
    public var openDiscrepancies: [RunReport.OpenCount]
    /// Credits granted by the run.
    public var creditsGranted: Int64
    /// Credits deducted by the run.
    public var creditsDeducted: Int64
    /// PortOne API requests of the run, by outcome.
    public var apiOutcomes: [String: Int]
    /// What the run read of PortOne's journal; nil for a run by payment id.
    public var sources: RunReport.Sources?
    /// Grants the run wrote, by cause (every known cause, 0 or not).
    public var grantsByCause: [String: Int] = Self.noCauses
    /// Deductions the run wrote, by origin (every known origin, 0 or not).
    public var deductionsByOrigin: [String: Int] = Self.noOrigins
    /// The run's decided payments by closure (DESIGN §4.7): `closed_exactly`, `explained`,
    /// `unexplained`; nil for runs that did not count them.
    public var closure: [String: Int]?

    /// No grant: a series for every cause.
    public static let noCauses = Dictionary(uniqueKeysWithValues: GrantCause.Kind.allCases.map { ($0.rawValue, 0) })
    /// No deduction: a series for every origin.
    public static let noOrigins = Dictionary(
        uniqueKeysWithValues: DeductionOrigin.Kind.allCases.map { ($0.rawValue, 0) })

    /// Creates the metrics of one run.
    public init(
        lastRun: Int64, lastSuccess: Int64?, durationMilliseconds: Int64, status: RunOutcome, paymentsScanned: Int64,
        fixesApplied: [RepairKind: Int], openDiscrepancies: [RunReport.OpenCount], creditsGranted: Int64,
        creditsDeducted: Int64, apiOutcomes: [String: Int], sources: RunReport.Sources? = nil
    ) {
        self.lastRun = lastRun
        self.lastSuccess = lastSuccess
        self.durationMilliseconds = durationMilliseconds
        self.status = status
        self.paymentsScanned = paymentsScanned
        self.fixesApplied = fixesApplied
        self.openDiscrepancies = openDiscrepancies
        self.creditsGranted = creditsGranted
        self.creditsDeducted = creditsDeducted
        self.apiOutcomes = apiOutcomes
        self.sources = sources
    }

    /// The metrics of a run from its report document; `lastSuccess` comes from the database.
    public init(document: JSONValue, lastSuccess: Int64?) {
        let run = document["run"]
        let totals = document["totals"]
        let started = run["startedAt"].stringValue.flatMap(RFC3339.timestamp)
        let finished = run["finishedAt"].stringValue.flatMap(RFC3339.timestamp)
        var fixes = Self.noFixes
        for fix in document["fixes"].arrayValue {
            guard let kind = fix["kind"].stringValue.flatMap(RepairKind.init(rawValue:)) else { continue }
            fixes[kind, default: 0] += 1
        }
        var duration: Int64 = 0
        if let started, let finished { duration = max(0, started.nanoseconds(to: finished) / 1_000_000) }
        var outcomes: [String: Int] = [:]
        if case .object(let fields) = totals["apiRequests"] {
            for (outcome, count) in fields { outcomes[outcome] = Int(count.integerValue ?? 0) }
        }
        self.init(
            lastRun: finished?.secondsSinceEpoch ?? 0, lastSuccess: lastSuccess, durationMilliseconds: duration,
            status: run["status"].stringValue.flatMap(RunOutcome.init(rawValue:)) ?? .failed,
            paymentsScanned: totals["paymentsScanned"].integerValue ?? 0,
            fixesApplied: fixes,
            openDiscrepancies: document["openDiscrepancies"].arrayValue.compactMap {
                guard let kind = $0["kind"].stringValue.flatMap(DiscrepancyKind.init(rawValue:)),
                    let severity = $0["severity"].stringValue.flatMap(Discrepancy.Severity.init(rawValue:))
                else { return nil }
                return RunReport.OpenCount(kind: kind, severity: severity, count: Int($0["count"].integerValue ?? 0))
            }, creditsGranted: totals["creditsGranted"].integerValue ?? 0,
            creditsDeducted: totals["creditsDeducted"].integerValue ?? 0, apiOutcomes: outcomes,
            sources: RunReport.Sources(document: document))
        if let exactly = totals["paymentsClosedExactly"].integerValue {
            closure = [
                "closed_exactly": Int(exactly), "explained": Int(totals["paymentsExplained"].integerValue ?? 0),
                "unexplained": Int(totals["paymentsUnexplained"].integerValue ?? 0),
            ]
        }
        for fix in document["fixes"].arrayValue {
            if let cause = fix["cause"].stringValue { grantsByCause[cause, default: 0] += 1 }
            if let origin = fix["origin"].stringValue { deductionsByOrigin[origin, default: 0] += 1 }
        }
    }

    /// The exposition text: `# HELP` and `# TYPE` before each family, label values escaped,
    /// series sorted, a newline at the end.
    public var text: String {
        var out = PrometheusText()
        func family(
            _ name: String, _ type: String, _ help: String, _ series: [(labels: [(String, String)], value: String)]
        ) {
            out.family(name, type, help, series)
        }
        family(
            "last_run_timestamp_seconds", "gauge", "When the last run finished (Unix time).",
            [([], String(lastRun))])
        family(
            "last_success_timestamp_seconds", "gauge",
            "When the last successful run finished (Unix time); 0 when none has succeeded.",
            [([], String(lastSuccess ?? 0))])
        family(
            "run_duration_seconds", "gauge", "How long the last run took.",
            [([], "\(durationMilliseconds / 1000).\(String(String(durationMilliseconds % 1000 + 1000).dropFirst()))")])
        family(
            "payments_scanned", "gauge", "Payments the last run checked.", [([], String(paymentsScanned))])
        family(
            "fixes_applied", "gauge", "Repairs the last run wrote to the ledger, by kind.",
            fixesApplied.sorted { $0.key.rawValue < $1.key.rawValue }.map {
                ([("kind", $0.key.rawValue)], String($0.value))
            })
        family(
            "discrepancies_open", "gauge", "Discrepancies open after the last run, by kind and severity.",
            openDiscrepancies.sorted {
                ($0.kind.rawValue, $0.severity.rawValue) < ($1.kind.rawValue, $1.severity.rawValue)
            }.map { ([("kind", $0.kind.rawValue), ("severity", $0.severity.rawValue)], String($0.count)) })
        family(
            "grants_by_cause", "gauge",
            "Missed grants the last run wrote, by why the web app never granted them (PortOne's webhook record).",
            grantsByCause.sorted { $0.key < $1.key }.map { ([("cause", $0.key)], String($0.value)) })
        family(
            "deductions_by_origin", "gauge",
            "Refund deductions the last run wrote, by who started the cancellation (CHARGEBACK: a card dispute).",
            deductionsByOrigin.sorted { $0.key < $1.key }.map { ([("origin", $0.key)], String($0.value)) })
        family("credits_granted", "gauge", "Credits the last run granted.", [([], String(creditsGranted))])
        family("credits_deducted", "gauge", "Credits the last run deducted.", [([], String(creditsDeducted))])
        family(
            "api_requests", "gauge", "PortOne API requests of the last run, by outcome.",
            apiOutcomes.sorted { $0.key < $1.key }.map { ([("outcome", $0.key)], String($0.value)) })
        family(
            "run_status", "gauge", "1 for how the last run ended, 0 for the other statuses.",
            RunOutcome.allCases.sorted { $0.rawValue < $1.rawValue }.map {
                ([("status", $0.rawValue)], $0 == status ? "1" : "0")
            })
        if let closure {
            family(
                "payments_closure", "gauge",
                "The last run's decided payments after its repairs: closed exactly, explained by a discrepancy or a "
                    + "planned repair, or unexplained (a defect of the reconciler: UNEXPLAINED_DIFFERENCE).",
                closure.sorted { $0.key < $1.key }.map { ([("closure", $0.key)], String($0.value)) })
        }
        if let sources {
            family(
                "events_feed_available", "gauge",
                "1 when the last run read PortOne's journal of payment events to its end, 0 when it was unavailable.",
                [([], sources.eventsFeed == .read ? "1" : "0")])
            family(
                "events_read", "gauge", "Events the last run read from PortOne's journal of payment events.",
                [([], String(sources.eventsRead))])
            family(
                "payments_revealed_by_events", "gauge",
                "Payments with an event in the last run's window that its status scan did not return.",
                [([], String(sources.paymentsRevealed))])
        }
        return out.text
    }

    /// Writes ``text`` to `path` atomically (temporary file in the same folder, then rename),
    /// mode 0644 as node_exporter runs as another user.
    public func write(to path: String) throws(ReportFiles.WriteError) {
        try Self.write(text, to: path)
    }

    /// Writes `text` to `path` atomically, mode 0644 (see ``write(to:)``).
    static func write(_ text: String, to path: String) throws(ReportFiles.WriteError) {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let temporary = (directory as NSString).appendingPathComponent(
            ".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        guard
            FileManager.default.createFile(
                atPath: temporary, contents: Data(text.utf8), attributes: [.posixPermissions: 0o644])
        else {
            throw ReportFiles.WriteError(
                description:
                    "cannot write the metrics file in \(directory): check metrics.textfile and that this user may write there"
            )
        }
        if rename(temporary, path) != 0 {
            try? FileManager.default.removeItem(atPath: temporary)
            throw ReportFiles.WriteError(
                description: "cannot move the metrics file into place at \(path): check the permissions of \(directory)"
            )
        }
    }

    /// The last-success timestamp a previous metrics file at `path` holds, if any.
    public static func lastSuccess(inFileAt path: String) -> Int64? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let prefix = "credit_reconciler_last_success_timestamp_seconds "
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where line.hasPrefix(prefix) {
            if let value = Int64(line.dropFirst(prefix.count)), value > 0 { return value }
        }
        return nil
    }

}
