import Postgres
import TestSupport
import Testing

/// Advisory locks between two sessions, and naming the holder.
@Suite("Advisory locks")
struct AdvisoryLockTests {
    @Test("the second session cannot take a held session lock and can name the holder")
    func contention() throws {
        try TestDatabase.withFresh(schema: .empty) { database in
            let key = AdvisoryLockKey(name: "credit-reconciler.test.\(database.name)")
            let holder = try database.connect(
                configuration: ConnectionConfiguration(applicationName: "credit-reconciler"))
            let contender = try database.connect(configuration: ConnectionConfiguration(applicationName: "second-run"))
            #expect(try contender.advisoryLockHolder(key) == nil)
            #expect(try holder.tryAdvisoryLock(key))
            #expect(try contender.tryAdvisoryLock(key) == false)
            let named = try #require(try contender.advisoryLockHolder(key))
            #expect(named.pid == holder.backendPID)
            #expect(named.applicationName == "credit-reconciler")
            #expect(named.backendStart != nil)
            #expect(named.description.contains("pid \(holder.backendPID)"))
            #expect(try holder.advisoryUnlock(key))
            #expect(try contender.tryAdvisoryLock(key))
            #expect(try contender.advisoryLockHolder(key)?.pid == contender.backendPID)
        }
    }

    @Test("a session lock dies with its session")
    func releasedOnClose() throws {
        try TestDatabase.withFresh(schema: .empty) { database in
            let key = AdvisoryLockKey(-42)  // negative keys map onto pg_locks correctly too
            let holder = try database.connect()
            let contender = try database.connect(configuration: ConnectionConfiguration(statementTimeout: .seconds(20)))
            #expect(try holder.tryAdvisoryLock(key))
            #expect(try contender.advisoryLockHolder(key)?.pid == holder.backendPID)
            holder.close()
            // The server releases the lock when the closed session's backend exits: wait for
            // exactly that (pg_advisory_lock blocks until it is free), bounded by the timeout.
            try contender.advisoryLock(key)
            #expect(try contender.advisoryLockHolder(key)?.pid == contender.backendPID)
        }
    }

    @Test("a transaction lock is released at commit and needs a transaction")
    func transactionLock() throws {
        try TestDatabase.withFresh(schema: .empty) { database in
            let key = AdvisoryLockKey(name: "xact")
            let first = try database.connect()
            let second = try database.connect()
            let misuse = #expect(throws: PostgresError.self) { try first.tryTransactionAdvisoryLock(key) }
            #expect(misuse?.kind == .misuse)
            try first.transaction { (connection) throws(PostgresError) in
                #expect(try connection.tryTransactionAdvisoryLock(key))
                try second.transaction { (other: Connection) throws(PostgresError) -> Void in
                    #expect(try other.tryTransactionAdvisoryLock(key) == false)
                }
                #expect(try second.advisoryLockHolder(key)?.pid == first.backendPID)
            }
            try second.transaction { (other: Connection) throws(PostgresError) -> Void in
                #expect(try other.tryTransactionAdvisoryLock(key))
            }
        }
    }
}
