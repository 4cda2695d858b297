import Dispatch
import Foundation
import LedgerStore
import Postgres
import Synchronization
import TestSupport
import Testing

/// Two `migrate` processes at once: the advisory lock makes one wait, each migration applies once.
@Suite("Concurrent migrate")
struct ConcurrentMigrateTests {
    @Test("two simultaneous migrates apply each migration exactly once")
    func simultaneous() throws {
        let database = try TestDatabase.create(schema: .app)
        defer { database.drop() }
        let applied = Mutex<[Int]>([])
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            do {
                let connection = try database.connect()
                defer { connection.close() }
                let report = try Migrator(connection: connection).migrate()
                applied.withLock { $0.append(contentsOf: report.applied.map(\.version)) }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        #expect(failures.withLock { $0 } == [])
        #expect(applied.withLock { $0.sorted() } == Migration.embedded.map(\.version))
        let connection = try database.connect()
        #expect(
            try connection.query("SELECT version FROM reconciler.schema_migration").count == Migration.embedded.count)
    }
}
