import Foundation
import ReconcilerCore
import ReconcilerEngine
import WireFormat

/// A run as the console lists it.
public struct ConsoleRun: Sendable, Equatable {
    /// Its id.
    public var id: Int64
    /// What started it (`timer`, `manual`, ...).
    public var trigger: String
    /// `apply` or `dry-run`.
    public var mode: String
    /// `running`, `succeeded`, `failed`, ...
    public var status: String
    /// When it started.
    public var startedAt: Date
    /// When it ended.
    public var finishedAt: Date?
    /// Why it failed.
    public var error: String?
    /// Payments scanned, repairs applied, discrepancies new and open (from its totals).
    public var paymentsScanned: Int64
    /// Repairs applied.
    public var fixesApplied: Int64
    /// Discrepancies it opened.
    public var discrepanciesNew: Int64
    /// Discrepancies open when it ended.
    public var discrepanciesOpen: Int64
}

/// A discrepancy as the console shows it.
public struct ConsoleDiscrepancy: Sendable, Equatable {
    /// Its id.
    public var id: Int64
    /// `MISSED_GRANT`, ...
    public var kind: String
    /// `critical`, `warning` or `info`.
    public var severity: String
    /// `open`, `fixed`, `resolved` or `ignored`.
    public var status: String
    /// The payment, when there is one.
    public var paymentId: String?
    /// The user, when known.
    public var userId: String?
    /// What was found, in English as stored (from PortOne and the ledger: shown escaped).
    public var detail: String
    /// What PortOne calls for and what the ledger holds, as stored (the sentence in another
    /// language is made from them).
    public var expected: JSONValue = .null
    /// See ``expected``.
    public var actual: JSONValue = .null
    /// Times seen.
    public var occurrences: Int
    /// First seen.
    public var firstSeenAt: Date
    /// Last seen.
    public var lastSeenAt: Date
    /// The note of whoever settled it.
    public var resolutionNote: String?
    /// Who settled it.
    public var resolvedBy: String?
    /// When.
    public var resolvedAt: Date?
}

/// A plan of repairs as the console lists it (DESIGN §4.6).
public struct ConsolePlan: Sendable, Equatable {
    /// Its id.
    public var id: Int64
    /// The SHA-256 of its canonical serialization, in hex.
    public var hash: String
    /// `proposed`, `approved`, `applying`, `applied`, `expired` or `superseded`, as of now.
    public var state: String
    /// `dry-run` or `limit`: what made it.
    public var reason: String
    /// The run that made it.
    public var runId: Int64
    /// When it was made.
    public var createdAt: Date
    /// When it can no longer be approved or applied.
    public var expiresAt: Date
    /// Repairs and payments in it.
    public var repairs: Int
    /// Payments it repairs.
    public var payments: Int
    /// Credits its grants add.
    public var creditsGranted: Int64
    /// Credits its deductions take.
    public var creditsDeducted: Int64
    /// Who approved it, with the note and time.
    public var approvedBy: String?
    /// The approver's note.
    public var approvedNote: String?
    /// When it was approved.
    public var approvedAt: Date?
    /// When it was applied.
    public var appliedAt: Date?
    /// The newer plan that replaced it.
    public var supersededBy: Int64?
}

/// Which discrepancies the list shows.
public struct DiscrepancyFilter: Sendable, Equatable {
    /// A status, nil for all.
    public var status: DiscrepancyStatus? = .open
    /// A kind, nil for all.
    public var kind: DiscrepancyKind?
    /// A severity, nil for all.
    public var severity: Discrepancy.Severity?

    /// Open discrepancies of every kind and severity.
    public init() {}

    /// The filter a query string asks for; unknown values are ignored (the form offers only known ones).
    public init(query: [String: String]) {
        switch query["status"] {
        case "all": status = nil
        case let text?: status = DiscrepancyStatus(rawValue: text) ?? .open
        case nil: status = .open
        }
        kind = query["kind"].flatMap(DiscrepancyKind.init(rawValue:))
        severity = query["severity"].flatMap(Discrepancy.Severity.init(rawValue:))
    }

    /// The query string that asks for this filter.
    public var query: String {
        var items = ["status=\(status?.rawValue ?? "all")"]
        if let kind { items.append("kind=\(kind.rawValue)") }
        if let severity { items.append("severity=\(severity.rawValue)") }
        return items.joined(separator: "&")
    }
}

/// Why the console could not read or change something; the message is shown to the user.
public struct ConsoleDataError: Error, Sendable, CustomStringConvertible {
    /// 404 for something that does not exist, 409 for a discrepancy no longer open, 503 when the
    /// database is unreachable, 500 otherwise.
    public var status: Int
    /// What happened and what to do.
    public var description: String

    /// Creates an error.
    public init(status: Int, _ description: String) {
        self.status = status
        self.description = description
    }
}

/// What the console reads and changes. The product's is ``DatabaseConsoleData`` (the engine's
/// `ReconcilerDatabase`, so the same store calls as the command line); tests may give their own.
public protocol ConsoleData: Sendable {
    /// The latest `limit` runs, newest first.
    func runs(limit: Int) throws(ConsoleDataError) -> [ConsoleRun]
    /// Run `id`.
    func run(id: Int64) throws(ConsoleDataError) -> ConsoleRun?
    /// Run `id`'s stored report rendered as HTML, nil when it stored none.
    func reportHTML(runId: Int64) throws(ConsoleDataError) -> String?
    /// Run `id`'s stored report rendered as CSV, nil when it stored none.
    func reportCSV(runId: Int64) throws(ConsoleDataError) -> String?
    /// At most `limit` discrepancies matching `filter`, newest first.
    func discrepancies(_ filter: DiscrepancyFilter, limit: Int) throws(ConsoleDataError) -> [ConsoleDiscrepancy]
    /// Open discrepancies by kind and severity.
    func openCounts() throws(ConsoleDataError) -> [(kind: String, severity: String, count: Int)]
    /// Resolves (or ignores) open discrepancy `id` with `note`, recording `user` and the time,
    /// exactly as `credit-reconciler discrepancies resolve` does.
    func resolve(id: Int64, note: String, by user: String, ignore: Bool) throws(ConsoleDataError)
    /// The latest `limit` plans, newest first.
    func plans(limit: Int) throws(ConsoleDataError) -> [ConsolePlan]
    /// Plan `id`.
    func plan(id: Int64) throws(ConsoleDataError) -> ConsolePlan?
    /// Plan `id` rendered as HTML in `locale` (`plan show --format html`), nil when there is none.
    func planHTML(id: Int64, locale: String) throws(ConsoleDataError) -> String?
    /// Approves plan `id` by `user` with `note`, recorded with the time, exactly as
    /// `credit-reconciler plan approve` does; refusals (not proposed any more, expired, …) throw 409.
    func approvePlan(id: Int64, note: String, by user: String) throws(ConsoleDataError) -> ConsolePlan
}

/// The console's data in the reconciler's database: one connection per request (a finance
/// console sees a few requests a minute; no connection is held between them).
public struct DatabaseConsoleData: ConsoleData {
    private let databaseURL: String

    /// Data in the database `databaseURL` names (`DATABASE_URL`).
    public init(databaseURL: String) {
        self.databaseURL = databaseURL
    }

    private func with<T>(_ body: (ReconcilerDatabase) throws(ServiceFailure) -> T) throws(ConsoleDataError) -> T {
        do {
            let database = try ReconcilerDatabase.open(
                databaseURL: databaseURL, applicationName: "credit-reconciler console", connectTimeout: .seconds(5))
            defer { database.close() }
            return try body(database)
        } catch {
            switch error {
            case .unavailable:
                throw ConsoleDataError(
                    status: 503, "the database is not reachable right now; try again in a minute (\(error))")
            case .configuration(let message), .failed(let message):
                throw ConsoleDataError(status: 500, message)
            }
        }
    }

    /// Reads or changes it in the database (see ``ConsoleData``).
    public func runs(limit: Int) throws(ConsoleDataError) -> [ConsoleRun] {
        try with { (database) throws(ServiceFailure) in try database.runs(limit: limit).map(Self.run) }
    }

    /// Reads or changes it in the database (see ``ConsoleData``).
    public func run(id: Int64) throws(ConsoleDataError) -> ConsoleRun? {
        try with { (database) throws(ServiceFailure) in try database.run(id: id).map(Self.run) }
    }

    /// Reads or changes it in the database (see ``ConsoleData``).
    public func reportHTML(runId: Int64) throws(ConsoleDataError) -> String? {
        try rendered(runId: runId, as: .html)
    }

    /// Reads or changes it in the database (see ``ConsoleData``).
    public func reportCSV(runId: Int64) throws(ConsoleDataError) -> String? {
        try rendered(runId: runId, as: .csv)
    }

    private func rendered(runId: Int64, as format: ReportFormat) throws(ConsoleDataError) -> String? {
        try with { (database) throws(ServiceFailure) in
            guard let stored = try database.storedReport(runId: runId) else { return nil }
            return try ReconcilerDatabase.render(storedReport: stored, as: format)
        }
    }

    /// Reads or changes it in the database (see ``ConsoleData``).
    public func discrepancies(_ filter: DiscrepancyFilter, limit: Int) throws(ConsoleDataError)
        -> [ConsoleDiscrepancy]
    {
        try with { (database) throws(ServiceFailure) in
            try database.discrepancies(
                status: filter.status, kind: filter.kind?.rawValue, severity: filter.severity?.rawValue, limit: limit
            ).map { stored in
                ConsoleDiscrepancy(
                    id: stored.id, kind: stored.kind, severity: stored.severity, status: stored.status.rawValue,
                    paymentId: stored.paymentId, userId: stored.userId, detail: stored.detail,
                    expected: Self.json(stored.expectedJSON), actual: Self.json(stored.actualJSON),
                    occurrences: stored.occurrences, firstSeenAt: stored.firstSeenAt, lastSeenAt: stored.lastSeenAt,
                    resolutionNote: stored.resolutionNote, resolvedBy: stored.resolvedBy, resolvedAt: stored.resolvedAt)
            }
        }
    }

    /// Reads or changes it in the database (see ``ConsoleData``).
    public func openCounts() throws(ConsoleDataError) -> [(kind: String, severity: String, count: Int)] {
        try with { (database) throws(ServiceFailure) in
            try database.openDiscrepancyCounts().map { (kind: $0.kind, severity: $0.severity, count: Int($0.count)) }
        }
    }

    /// Reads or changes it in the database (see ``ConsoleData``).
    public func resolve(id: Int64, note: String, by user: String, ignore: Bool) throws(ConsoleDataError) {
        do {
            _ = try with { (database) throws(ServiceFailure) in
                try database.resolveDiscrepancy(id: id, note: note, by: user, ignore: ignore)
            }
        } catch {
            // The store's refusals (not found, no longer open, an empty note) say what happened.
            throw Self.refusal(error)
        }
    }

    /// Reads or changes it in the database (see ``ConsoleData``).
    public func plans(limit: Int) throws(ConsoleDataError) -> [ConsolePlan] {
        try with { (database) throws(ServiceFailure) in try database.plans(limit: limit).map(Self.plan) }
    }

    /// Reads or changes it in the database (see ``ConsoleData``).
    public func plan(id: Int64) throws(ConsoleDataError) -> ConsolePlan? {
        try with { (database) throws(ServiceFailure) in try Self.stored(id, in: database).map(Self.plan) }
    }

    /// Reads or changes it in the database (see ``ConsoleData``).
    public func planHTML(id: Int64, locale: String) throws(ConsoleDataError) -> String? {
        try with { (database) throws(ServiceFailure) in
            guard let plan = try Self.stored(id, in: database) else { return nil }
            return try database.renderPlan(plan, as: .html, locale: locale)
        }
    }

    /// Reads or changes it in the database (see ``ConsoleData``).
    public func approvePlan(id: Int64, note: String, by user: String) throws(ConsoleDataError) -> ConsolePlan {
        do {
            return try with { (database) throws(ServiceFailure) in
                Self.plan(try database.approvePlan(id: id, by: user, note: note))
            }
        } catch {
            // The store's refusals (already approved or applied, expired, superseded) say what to do.
            throw Self.refusal(error)
        }
    }

    /// Plan `id`, nil when there is none (the store refuses an unknown id as a failed command;
    /// an unreachable database or a missing migration still throws).
    private static func stored(_ id: Int64, in database: ReconcilerDatabase) throws(ServiceFailure) -> Plan? {
        do {
            return try database.plan(named: String(id))
        } catch {
            if case .failed = error { return nil }
            throw error
        }
    }

    private static func plan(_ plan: Plan) -> ConsolePlan {
        ConsolePlan(
            id: plan.id, hash: plan.hash, state: plan.state.rawValue, reason: plan.reason.rawValue, runId: plan.runId,
            createdAt: plan.createdAt, expiresAt: plan.expiresAt, repairs: Int(plan.repairs),
            payments: Int(plan.payments), creditsGranted: plan.creditsGranted, creditsDeducted: plan.creditsDeducted,
            approvedBy: plan.approvedBy, approvedNote: plan.approvedNote, approvedAt: plan.approvedAt,
            appliedAt: plan.appliedAt, supersededBy: plan.supersededBy)
    }

    /// A change the store refused: 409 with its message (an unreachable database stays 503).
    private static func refusal(_ error: ConsoleDataError) -> ConsoleDataError {
        ConsoleDataError(status: error.status == 500 ? 409 : error.status, error.description)
    }

    private static func json(_ text: String?) -> JSONValue {
        text.flatMap { try? JSONValue.parse(Data($0.utf8)) } ?? .null
    }

    private static func run(_ record: RecordedRun) -> ConsoleRun {
        let totals = (try? JSONValue.parse(Data(record.totalsJSON.utf8))) ?? .object([:])
        return ConsoleRun(
            id: record.id, trigger: record.trigger.rawValue, mode: record.mode.rawValue, status: record.status.rawValue,
            startedAt: record.startedAt, finishedAt: record.finishedAt, error: record.error,
            paymentsScanned: totals["paymentsScanned"].integerValue ?? 0,
            fixesApplied: totals["fixesApplied"].integerValue ?? 0,
            discrepanciesNew: totals["discrepanciesNew"].integerValue ?? 0,
            discrepanciesOpen: totals["discrepanciesOpen"].integerValue ?? 0)
    }
}
