import Postgres

extension LedgerSession {
    /// Who this session is, for `check-config`: the role, the database and the server version.
    public struct Identity: Sendable, Hashable {
        /// `current_user`.
        public var role: String
        /// `current_database()`.
        public var database: String
        /// `server_version`, e.g. `15.18`.
        public var serverVersion: String
    }

    /// The session's role, database and server version.
    public func identity() throws(LedgerStoreError) -> Identity {
        let row = try connection.firstRow(
            "SELECT current_user::text AS role, current_database()::text AS db, current_setting('server_version') AS version"
        )!
        return Identity(
            role: try row.value("role"), database: try row.value("db"), serverVersion: try row.value("version"))
    }

    /// The privileges the runtime role needs for a run, as (SQL check, description): one
    /// privilege per check, because `has_table_privilege(t, 'SELECT, INSERT')` is true when
    /// *any* of the listed privileges is held, which would hide a missing one.
    public static let requiredPrivileges: [(check: String, description: String)] =
        [(#"has_schema_privilege('reconciler', 'USAGE')"#, "USAGE on schema reconciler")]
        + table(#""User""#, ["SELECT"]) + table(#""CreditTransaction""#, ["SELECT", "INSERT"])
        + table(#""Credit""#, ["SELECT", "INSERT"])
        + [
            (#"has_column_privilege('"Credit"', 'balance', 'UPDATE')"#, #"UPDATE (balance) on "Credit""#),
            (#"has_column_privilege('"Credit"', 'updatedAt', 'UPDATE')"#, #"UPDATE ("updatedAt") on "Credit""#),
        ]
        + table("reconciler.run", ["SELECT", "INSERT", "UPDATE"])
        + table("reconciler.discrepancy", ["SELECT", "INSERT", "UPDATE"])
        + table("reconciler.fix", ["SELECT", "INSERT"])
        + table("reconciler.checkpoint", ["SELECT", "INSERT", "UPDATE"])
        + table("reconciler.run_repair", ["SELECT", "INSERT", "UPDATE", "DELETE"])
        + table("reconciler.follow_cursor", ["SELECT", "INSERT", "UPDATE"])
        + table("reconciler.report_mail", ["SELECT", "INSERT", "UPDATE"])
        + table("reconciler.plan", ["SELECT", "INSERT", "UPDATE"])
        + table("reconciler.plan_repair", ["SELECT", "INSERT", "UPDATE"])
        + table("reconciler.plan_apply", ["SELECT", "INSERT"])

    /// One check per privilege on `table`.
    private static func table(_ table: String, _ privileges: [String]) -> [(check: String, description: String)] {
        privileges.map { ("has_table_privilege('\(table)', '\($0)')", "\($0) on \(table)") }
    }

    /// The descriptions of the required privileges the session's role lacks (a missing app
    /// table counts; missing reconciler tables are the migrations' verdict).
    public func missingPrivileges() throws(LedgerStoreError) -> [String] {
        var missing: [String] = []
        let schema = try connection.firstRow(
            """
            SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'reconciler') AS present,
                   EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'reconciler'
                           AND has_schema_privilege(oid, 'USAGE')) AS usable
            """)!
        let schemaPresent: Bool = try schema.value("present")
        let schemaUsable: Bool = try schema.value("usable")
        if schemaPresent && !schemaUsable { missing.append("USAGE on schema reconciler") }
        var skipped: Set<String> = []
        for table in ["\"User\"", "\"Credit\"", "\"CreditTransaction\""] {
            let present: Bool = try connection.firstRow(
                "SELECT to_regclass($1) IS NOT NULL AS present", [table])!.value("present")
            if !present {
                skipped.insert(table)
                missing.append("table \(table) (it does not exist: DATABASE_URL must name the web app's database)")
            }
        }
        for table in [
            "reconciler.run", "reconciler.discrepancy", "reconciler.fix", "reconciler.checkpoint",
            "reconciler.run_repair", "reconciler.follow_cursor", "reconciler.report_mail", "reconciler.plan",
            "reconciler.plan_repair", "reconciler.plan_apply",
        ] {
            guard schemaUsable else {
                skipped.insert(table)
                continue
            }
            let present: Bool = try connection.firstRow(
                "SELECT to_regclass($1) IS NOT NULL AS present", [table])!.value("present")
            if !present { skipped.insert(table) }
        }
        for (check, description) in Self.requiredPrivileges where !check.hasPrefix("has_schema_privilege") {
            if skipped.contains(where: { check.contains("'\($0)'") }) { continue }
            let granted: Bool = try connection.firstRow("SELECT \(check) AS granted")!.value("granted")
            if !granted { missing.append(description) }
        }
        return missing
    }
}
