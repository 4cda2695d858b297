import CLibPQ

/// The isolation level of a transaction.
public enum IsolationLevel: String, Sendable, Hashable {
    /// PostgreSQL's default.
    case readCommitted = "READ COMMITTED"
    /// One snapshot for the whole transaction.
    case repeatableRead = "REPEATABLE READ"
    /// Serializable snapshot isolation (retry on SQLSTATE 40001).
    case serializable = "SERIALIZABLE"
}

extension Connection {
    /// Whether a transaction block is open on the server (ours or one begun with raw SQL).
    public var isInTransaction: Bool {
        guard let handle = try? liveHandle() else { return false }
        return transactionIsOpen || PQtransactionStatus(handle) != PQTRANS_IDLE
    }

    /// Runs `body` in a transaction: commits when it returns, rolls back when it throws.
    ///
    /// Transactions do not nest: calling this inside another `transaction { }` (or after a raw
    /// `BEGIN`) throws `.misuse` without touching the open transaction. When the body catches a
    /// statement error itself and returns, the server has already aborted the transaction: it
    /// is rolled back and `.misuse` is thrown rather than pretending to commit.
    ///
    /// The body throws `PostgresError` or a caller's error type that wraps it (see
    /// ``PostgresErrorRepresentable``); name it in the closure:
    /// `try connection.transaction { (connection) throws(PostgresError) in ... }`.
    public func transaction<T, Failure: PostgresErrorRepresentable>(
        isolation: IsolationLevel? = nil, _ body: (Connection) throws(Failure) -> T
    ) throws(Failure) -> T {
        let handle: OpaquePointer
        do throws(PostgresError) {
            handle = try liveHandle()
            guard !transactionIsOpen, PQtransactionStatus(handle) == PQTRANS_IDLE else {
                throw PostgresError.misuse(
                    "a transaction is already open on this connection: transactions do not nest",
                    hint: "do the work inside the open transaction, or use savepoint { } for a nested unit")
            }
            try executeScript(isolation.map { "BEGIN ISOLATION LEVEL \($0.rawValue)" } ?? "BEGIN")
        } catch {
            throw Failure(error)
        }
        transactionIsOpen = true
        defer { transactionIsOpen = false }
        let value: T
        do {
            value = try body(self)
        } catch {
            rollbackQuietly()
            throw error
        }
        do throws(PostgresError) {
            if PQtransactionStatus(handle) == PQTRANS_INERROR {
                rollbackQuietly()
                throw PostgresError.misuse(
                    "the transaction was aborted by a failed statement whose error was caught inside transaction { }; "
                        + "it was rolled back, nothing was committed",
                    hint: "let statement errors propagate out of the transaction body, or use savepoint { }")
            }
            let result = try execute("COMMIT")
            guard result.commandTag == "COMMIT" else {
                throw PostgresError.misuse("COMMIT was turned into \(result.commandTag): nothing was committed")
            }
        } catch {
            throw Failure(error)
        }
        return value
    }

    /// Runs `body`, which cannot fail, in a transaction (see `transaction(isolation:_:)`).
    public func transaction<T>(isolation: IsolationLevel? = nil, _ body: (Connection) -> T) throws(PostgresError) -> T {
        try transaction(isolation: isolation) { (connection) throws(PostgresError) in body(connection) }
    }

    /// Runs `body` under a savepoint inside an open transaction: on throw, only the work since
    /// the savepoint is undone and the transaction stays usable.
    public func savepoint<T, Failure: PostgresErrorRepresentable>(_ body: (Connection) throws(Failure) -> T)
        throws(Failure) -> T
    {
        let name = "credit_reconciler_savepoint"
        do throws(PostgresError) {
            guard transactionIsOpen else {
                throw PostgresError.misuse("savepoint { } needs an open transaction { }")
            }
            try execute("SAVEPOINT \(name)")
        } catch {
            throw Failure(error)
        }
        let value: T
        do {
            value = try body(self)
        } catch {
            _ = try? execute("ROLLBACK TO SAVEPOINT \(name)")
            _ = try? execute("RELEASE SAVEPOINT \(name)")
            throw error
        }
        do {
            try execute("RELEASE SAVEPOINT \(name)")
        } catch {
            // As before: a failed RELEASE undoes the savepoint's work too.
            _ = try? execute("ROLLBACK TO SAVEPOINT \(name)")
            _ = try? execute("RELEASE SAVEPOINT \(name)")
            throw Failure(error)
        }
        return value
    }

    private func rollbackQuietly() {
        guard let handle = try? liveHandle(), PQstatus(handle) == CONNECTION_OK,
            PQtransactionStatus(handle) != PQTRANS_IDLE
        else { return }
        let result = PQexec(handle, "ROLLBACK")
        PQclear(result)
    }
}
