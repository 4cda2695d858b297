import Foundation
import LedgerStore
import Testing
import WireFormat

/// The binary carries sql/ (scripts/embed-sql); these fail when the embedded copy is stale.
@Suite("Embedded SQL")
struct EmbeddedSQLTests {
    static let sqlDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("sql")

    @Test("every migration file is embedded byte for byte, in order")
    func migrationsMatchFiles() throws {
        let folder = Self.sqlDirectory.appendingPathComponent("migrations")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }
            .sorted()
        #expect(!names.isEmpty)
        #expect(
            Migration.embedded.map(\.fileName) == names,
            "the embedded migrations differ from sql/migrations: run scripts/embed-sql")
        for name in names {
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            let embedded = try #require(Migration.embedded.first { $0.fileName == name }, "run scripts/embed-sql")
            #expect(Data(embedded.sql.utf8) == data, "\(name) differs from its embedded copy: run scripts/embed-sql")
            #expect(embedded.checksum == SHA256.hex(Array(data)))
        }
    }

    @Test("versions are 1, 2, 3... without gaps")
    func versionsAreContiguous() {
        #expect(Migration.embedded.map(\.version) == Array(1...Migration.embedded.count))
    }

    @Test("the app reference schema is embedded byte for byte")
    func appSchemaMatchesFile() throws {
        let data = try Data(contentsOf: Self.sqlDirectory.appendingPathComponent("app-reference/schema.sql"))
        #expect(
            Data(AppReferenceSchema.sql.utf8) == data, "sql/app-reference/schema.sql changed: run scripts/embed-sql")
    }

    @Test("file names are parsed into version and name", arguments: ["0001_reconciler_schema.sql", "0042_a_b.sql"])
    func fileNames(name: String) throws {
        let migration = try Migration(fileName: name, sql: "SELECT 1;\n")
        #expect(paddedVersion(migration.version) + "_" + migration.name + ".sql" == name)
    }

    @Test("bad file names are refused", arguments: ["1_x.sql", "0001-x.sql", "0001_x.txt", "abcd_x.sql", "0000_x.sql"])
    func badFileNames(name: String) {
        #expect(throws: LedgerStoreError.self) { try Migration(fileName: name, sql: "") }
    }

    private func paddedVersion(_ version: Int) -> String {
        let digits = String(version)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
