import Postgres

/// The web app's tables as Prisma creates them (`sql/app-reference/schema.sql`), for tests
/// and the demo only: production databases already have them, and `migrate` never creates them.
public enum AppReferenceSchema {
    /// The SQL text, embedded in the binary by `scripts/embed-sql`.
    public static var sql: String { EmbeddedAppReferenceSchema.sql }

    /// Creates the app's enum, tables, indexes and foreign keys in an empty database.
    public static func apply(to connection: Connection) throws(LedgerStoreError) {
        try connection.performScript(sql)
    }
}
