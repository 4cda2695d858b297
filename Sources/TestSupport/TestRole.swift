import Foundation
import Postgres

/// A uniquely named login role made by `sql/roles/credit_reconciler_role.sql` in a test
/// database: the reconciler's least-privilege runtime role.
public struct TestRole: Sendable {
    /// The role's name (`cr_role_<random>`).
    public let name: String
    /// A URL for the test database, logging in as this role.
    public let url: DatabaseURL
    private let adminURL: DatabaseURL

    /// Runs the role script in `database` (which must be migrated) for a fresh role with a password.
    public static func create(in database: TestDatabase) throws -> TestRole {
        let name = "cr_role_" + TestDatabase.randomHex(bytes: 6)
        let password = TestDatabase.randomHex(bytes: 16)
        let script = try SourceTree.text("sql/roles/credit_reconciler_role.sql")
        let admin = try database.connect()
        defer { admin.close() }
        try admin.execute(
            "SELECT set_config('credit_reconciler.role_name', $1, false), set_config('credit_reconciler.role_password', $2, false)",
            [name, password])
        try admin.executeScript(script)
        return TestRole(
            name: name, url: database.url.replacing(user: name, password: password), adminURL: database.adminURL)
    }

    /// Opens a connection as this role.
    public func connect(configuration: ConnectionConfiguration = ConnectionConfiguration()) throws -> Connection {
        try Connection(url: url, configuration: configuration)
    }

    /// Drops the role; call after dropping the database it has privileges in.
    public func drop() {
        guard let admin = try? Connection(url: adminURL) else { return }
        defer { admin.close() }
        _ = try? admin.execute("DROP ROLE IF EXISTS \(Connection.quoteIdentifier(name))")
    }
}
