import Foundation
import ReconcilerCore
import ReconcilerEngine

/// `credit-reconciler check-config`: checks the configuration file and environment, the
/// database (reachable, migrated, privileges of the role) and the PortOne secret (one
/// `GET /payments` of one payment), printing a ✔ or ✘ line per check.
///
/// Exit 0 when every check passes; 78 when any configuration or credential is wrong; 69 when
/// only reachability failed (PostgreSQL or PortOne down).
enum CheckConfigCommand {
    /// One check's verdict.
    struct Verdict: Equatable, Sendable {
        /// What failed, if it did: a configuration problem (78) or an unreachable service (69).
        enum Failure: Equatable, Sendable {
            /// Wrong configuration, credentials, schema or privileges (78).
            case configuration
            /// PostgreSQL or PortOne cannot be reached (69).
            case unavailable
        }

        /// The check's name, first on its line.
        var name: String
        /// Nil when the check passed.
        var failure: Failure?
        /// What was found, or what is wrong and what to do.
        var detail: String

        /// A passed check.
        static func pass(_ name: String, _ detail: String) -> Verdict {
            Verdict(name: name, failure: nil, detail: detail)
        }
        /// A failed check.
        static func fail(_ name: String, _ detail: String, _ failure: Failure = .configuration) -> Verdict {
            Verdict(name: name, failure: failure, detail: detail)
        }

        /// `✔ name  detail` (continuation lines indented).
        var line: String {
            let mark = failure == nil ? "✔" : "✘"
            let padded = name.padding(toLength: 14, withPad: " ", startingAt: 0)
            return "\(mark) \(padded) "
                + detail.replacingOccurrences(of: "\n", with: "\n" + String(repeating: " ", count: 17))
        }
    }

    /// The exit status for a set of verdicts: 0 all pass, 78 any configuration problem, else 69.
    static func exitStatus(_ verdicts: [Verdict]) -> ExitStatus {
        if verdicts.contains(where: { $0.failure == .configuration }) { return .configuration }
        if verdicts.contains(where: { $0.failure == .unavailable }) { return .unavailable }
        return .success
    }

    /// Runs every check, prints the verdicts and returns the exit status.
    static func run(environment: [String: String]) async -> ExitStatus {
        var verdicts: [Verdict] = []
        func report(_ verdict: Verdict) {
            verdicts.append(verdict)
            Console.output(verdict.line)
        }
        let resolver = SettingResolver(environment: environment) { path in
            try String(contentsOfFile: path, encoding: .utf8)
        }
        // Configuration file and environment, every problem named.
        var settings: RuntimeSettings?
        do {
            let loaded = try RuntimeSettings.load(environment: environment)
            settings = loaded
            let configuration = loaded.configuration
            let schedule = DaemonSchedule(schedule: configuration.schedule)
            report(
                .pass(
                    "configuration",
                    "\(loaded.configurationPath): \(configuration.catalog.count) catalog entries, \(schedule.description), reports in \(configuration.reports.directory)"
                ))
            report(
                .pass(
                    "environment",
                    "PORTONE_API_SECRET set, PORTONE_STORE_ID \(loaded.storeId), DATABASE_URL set, PortOne at \(loaded.apiBaseURL)"
                ))
        } catch {
            report(.fail("configuration", error.problems.map { "- \($0)" }.joined(separator: "\n")))
        }
        // Report e-mail, when configured (the server is not contacted: a run would send a mail).
        if let settings, let verdict = checkReportMail(settings) { report(verdict) }
        // PostgreSQL: whenever DATABASE_URL can be read, even if the file has problems.
        let databaseURL = settings?.databaseURL ?? (try? resolver.value(of: "DATABASE_URL")) ?? nil
        if let databaseURL {
            for verdict in checkDatabase(databaseURL) { report(verdict) }
        } else {
            report(.fail("PostgreSQL", "not checked: DATABASE_URL is not usable (see above)"))
        }
        // PortOne: one page of one payment with the secret.
        let secret = settings?.apiSecret ?? (try? resolver.value(of: "PORTONE_API_SECRET")) ?? nil
        let storeId = settings?.storeId ?? (try? resolver.value(of: "PORTONE_STORE_ID")) ?? nil
        let baseURL =
            settings?.apiBaseURL ?? ((try? resolver.value(of: "PORTONE_API_BASE_URL")) ?? nil)
            ?? RuntimeSettings.defaultAPIBaseURL
        if let secret, let storeId {
            report(await checkPortOne(baseURL: baseURL, secret: secret, storeId: storeId))
        } else {
            report(.fail("PortOne", "not checked: PORTONE_API_SECRET and PORTONE_STORE_ID are needed (see above)"))
        }
        let status = exitStatus(verdicts)
        let failed = verdicts.filter { $0.failure != nil }.count
        Console.output(
            status == .success
                ? "all \(verdicts.count) checks passed"
                : "\(failed) of \(verdicts.count) checks failed (exit \(status.rawValue))")
        return status
    }

    /// `reports.email` and `SMTP_URL` together: nil when neither is set.
    static func checkReportMail(_ settings: RuntimeSettings) -> Verdict? {
        let email = settings.configuration.reports.email
        switch (email.to.isEmpty || email.when == .never, settings.smtpURL) {
        case (true, nil):
            return nil
        case (true, _?):
            return .pass(
                "report e-mail", "SMTP_URL is set but reports.email.to is empty (or when is never): nothing is mailed")
        case (false, nil):
            return .fail(
                "report e-mail",
                "reports.email.to is set but SMTP_URL is not: set it (smtps://user:password@host:465 or smtp://host:587), as SMTP_URL_FILE or the systemd credential SMTP_URL"
            )
        case (false, let url?):
            do {
                var engine = try ReconciliationEngine.Settings(
                    configuration: settings.configuration, storeId: settings.storeId, databaseURL: settings.databaseURL)
                try engine.mailReports(through: url, caFile: settings.smtpCAFile)
                let host = engine.reportMailer?.host ?? "?"
                return .pass(
                    "report e-mail",
                    "\(email.when.rawValue) to \(email.to.count) recipient(s) through \(host) (not contacted now)")
            } catch {
                return .fail("report e-mail", error.description)
            }
        }
    }

    /// Connects, checks migrations and the privileges a run needs.
    static func checkDatabase(_ text: String) -> [Verdict] {
        let database: ReconcilerDatabase
        do {
            database = try ReconcilerDatabase.open(
                databaseURL: text, applicationName: "credit-reconciler check-config", connectTimeout: .seconds(5))
        } catch {
            switch error {
            case .unavailable: return [.fail("PostgreSQL", "cannot reach the server: \(error)", .unavailable)]
            case .configuration: return [.fail("PostgreSQL", "\(error)", .configuration)]
            case .failed: return [.fail("PostgreSQL", "\(error)", .unavailable)]
            }
        }
        defer { database.close() }
        var verdicts: [Verdict] = []
        do {
            let who = try database.identity()
            verdicts.append(
                .pass(
                    "PostgreSQL",
                    "connected to database \(who.database) as role \(who.role) (server \(who.serverVersion))"))
        } catch {
            return [.fail("PostgreSQL", "\(error)", .unavailable)]
        }
        verdicts.append(checkMigrations(database))
        do {
            let missing = try database.missingPrivileges()
            if missing.isEmpty {
                verdicts.append(.pass("privileges", "the role has every privilege a run needs"))
            } else {
                verdicts.append(
                    .fail(
                        "privileges",
                        "the role lacks: \(missing.joined(separator: "; "))\ngrant them with sql/roles/credit_reconciler_role.sql (see sql/README.md)"
                    ))
            }
        } catch {
            verdicts.append(.fail("privileges", "cannot be checked: \(error)"))
        }
        return verdicts
    }

    /// Whether the reconciler's migrations are applied, unchanged and known to this build.
    static func checkMigrations(_ database: ReconcilerDatabase) -> Verdict {
        do {
            let migrations = try database.migrationStatus()
            if migrations.isUpToDate {
                return .pass("migrations", "up to date (\(migrations.applied.count) applied)")
            }
            var problems: [String] = []
            if !migrations.pending.isEmpty {
                problems.append(
                    "\(migrations.pending.count) pending (\(migrations.pending.map(\.fileName).joined(separator: ", "))): run credit-reconciler migrate as the owner of the app's tables"
                )
            }
            for changed in migrations.changed {
                problems.append(
                    "\(changed.migration.fileName) changed since it was applied: restore the file or ask a developer")
            }
            if !migrations.unknown.isEmpty {
                problems.append(
                    "\(migrations.unknown.count) applied migration(s) unknown to this version: upgrade credit-reconciler"
                )
            }
            return .fail("migrations", problems.joined(separator: "\n"))
        } catch {
            return .fail("migrations", "cannot be read: \(error)")
        }
    }

    /// One `GET /payments` of page size 1 for our store, with a short retry budget.
    static func checkPortOne(baseURL: String, secret: String, storeId: String) async -> Verdict {
        do {
            let count = try await ReconciliationEngine.probePortOne(baseURL: baseURL, secret: secret, storeId: storeId)
            return .pass(
                "PortOne",
                "the API secret works for store \(storeId) at \(baseURL) (GET /payments answered with \(count) of page size 1)"
            )
        } catch {
            switch error {
            case .unavailable: return .fail("PortOne", error.description, .unavailable)
            case .configuration, .failed: return .fail("PortOne", error.description)
            }
        }
    }
}
