import Postgres
import TestSupport
import Testing

/// `transaction { }` commits on return, rolls back on throw, and refuses to nest.
@Suite("Transactions")
struct TransactionTests {
    /// The body's own failure; a database failure in the body would be wrapped in it.
    struct Boom: PostgresErrorRepresentable {
        var underlying: PostgresError?
        init() {}
        init(_ error: PostgresError) { underlying = error }
    }

    @Test("a thrown error rolls everything back; a return commits")
    func rollbackAndCommit() throws {
        try TestDatabase.withFresh(schema: .empty) { database in
            let connection = try database.connect()
            try connection.execute("CREATE TABLE t (v text)")
            #expect(throws: Boom.self) {
                try connection.transaction { (connection) throws(Boom) in
                    try Boom.wrapping(try connection.execute("INSERT INTO t VALUES ($1)", ["rolled back"]))
                    throw Boom()
                }
            }
            #expect(!connection.isInTransaction)
            let value = try connection.transaction { (connection) throws(PostgresError) in
                try connection.execute("INSERT INTO t VALUES ($1)", ["kept"])
                return 7
            }
            #expect(value == 7)
            let other = try database.connect()
            let rows = try other.query("SELECT v FROM t")
            #expect(try rows.map { try $0.decode("v", as: String.self) } == ["kept"])
        }
    }

    @Test("a nested transaction is refused and the outer one is untouched")
    func nestedRefused() throws {
        try TestDatabase.withFresh(schema: .empty) { database in
            let connection = try database.connect()
            try connection.execute("CREATE TABLE t (v int)")
            try connection.transaction { (connection) throws(PostgresError) in
                try connection.execute("INSERT INTO t VALUES (1)")
                let error = #expect(throws: PostgresError.self) {
                    try connection.transaction { _ in }
                }
                #expect(error?.kind == .misuse)
                #expect(error?.message.contains("do not nest") == true)
                try connection.execute("INSERT INTO t VALUES (2)")
            }
            #expect(try connection.queryFirst("SELECT count(*) AS n FROM t")?.decode("n", as: Int.self) == 2)
        }
    }

    @Test("a raw BEGIN also blocks transaction { }")
    func rawBeginRefused() throws {
        try TestDatabase.withFresh(schema: .empty) { database in
            let connection = try database.connect()
            try connection.execute("BEGIN")
            let error = #expect(throws: PostgresError.self) { try connection.transaction { _ in } }
            #expect(error?.kind == .misuse)
            try connection.execute("ROLLBACK")
        }
    }

    @Test("a statement error swallowed in the body rolls back instead of committing")
    func swallowedError() throws {
        try TestDatabase.withFresh(schema: .empty) { database in
            let connection = try database.connect()
            try connection.execute("CREATE TABLE t (v int PRIMARY KEY)")
            let error = #expect(throws: PostgresError.self) {
                try connection.transaction { (connection) throws(PostgresError) in
                    try connection.execute("INSERT INTO t VALUES (1)")
                    _ = try? connection.execute("INSERT INTO t VALUES (1)")
                }
            }
            #expect(error?.kind == .misuse)
            #expect(try connection.queryFirst("SELECT count(*) AS n FROM t")?.decode("n", as: Int.self) == 0)
        }
    }

    @Test("a savepoint undoes only its own work")
    func savepoint() throws {
        try TestDatabase.withFresh(schema: .empty) { database in
            let connection = try database.connect()
            try connection.execute("CREATE TABLE t (v int PRIMARY KEY)")
            try connection.transaction { (connection) throws(PostgresError) in
                try connection.execute("INSERT INTO t VALUES (1)")
                let error = #expect(throws: PostgresError.self) {
                    try connection.savepoint { (connection) throws(PostgresError) in
                        try connection.execute("INSERT INTO t VALUES (2)")
                        try connection.execute("INSERT INTO t VALUES (1)")
                    }
                }
                #expect(error?.isUniqueViolation == true)
                try connection.execute("INSERT INTO t VALUES (3)")
            }
            let values = try connection.query("SELECT v FROM t ORDER BY v").map { try $0.decode("v", as: Int.self) }
            #expect(values == [1, 3])
        }
    }
}
