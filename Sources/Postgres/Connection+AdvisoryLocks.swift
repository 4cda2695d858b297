extension Connection {
    /// Tries to take a session-level advisory lock without waiting (`pg_try_advisory_lock`).
    ///
    /// Returns false when another session holds it (see `advisoryLockHolder`). The lock is held
    /// until `advisoryUnlock` or until the session ends, including when the process dies.
    public func tryAdvisoryLock(_ key: AdvisoryLockKey) throws(PostgresError) -> Bool {
        try queryFirst("SELECT pg_try_advisory_lock($1::bigint) AS locked", [key.value])!.decode("locked")
    }

    /// Waits for a session-level advisory lock (`pg_advisory_lock`), bounded by `statement_timeout`.
    public func advisoryLock(_ key: AdvisoryLockKey) throws(PostgresError) {
        try execute("SELECT pg_advisory_lock($1::bigint)", [key.value])
    }

    /// Releases a session-level advisory lock; false when this session did not hold it.
    @discardableResult
    public func advisoryUnlock(_ key: AdvisoryLockKey) throws(PostgresError) -> Bool {
        try queryFirst("SELECT pg_advisory_unlock($1::bigint) AS unlocked", [key.value])!.decode("unlocked")
    }

    /// Tries to take a transaction-level advisory lock (`pg_try_advisory_xact_lock`), released
    /// at commit or rollback. Must be called inside `transaction { }`.
    public func tryTransactionAdvisoryLock(_ key: AdvisoryLockKey) throws(PostgresError) -> Bool {
        try requireTransaction("tryTransactionAdvisoryLock")
        return try queryFirst("SELECT pg_try_advisory_xact_lock($1::bigint) AS locked", [key.value])!.decode("locked")
    }

    /// Waits for a transaction-level advisory lock (`pg_advisory_xact_lock`). Must be called
    /// inside `transaction { }`.
    public func transactionAdvisoryLock(_ key: AdvisoryLockKey) throws(PostgresError) {
        try requireTransaction("transactionAdvisoryLock")
        try execute("SELECT pg_advisory_xact_lock($1::bigint)", [key.value])
    }

    /// The session holding advisory lock `key` in this database, nil when it is free.
    ///
    /// `pg_stat_activity` hides `backend_start` and `client_addr` of other roles' sessions
    /// unless this role has `pg_read_all_stats`; those fields are then nil.
    public func advisoryLockHolder(_ key: AdvisoryLockKey) throws(PostgresError) -> AdvisoryLockHolder? {
        let ids = key.lockTableIDs
        let row = try queryFirst(
            """
            SELECT l.pid, coalesce(a.application_name, '') AS application_name, a.backend_start,
                   host(a.client_addr) AS client_addr, a.usename::text AS usename
            FROM pg_locks l
            LEFT JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
              AND l.classid = $1::oid AND l.objid = $2::oid
              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
            ORDER BY l.pid
            LIMIT 1
            """,
            [Int64(ids.classID), Int64(ids.objectID)])
        guard let row else { return nil }
        return AdvisoryLockHolder(
            pid: try row.decode("pid"), applicationName: try row.decode("application_name"),
            backendStart: try row.decode("backend_start"), clientAddress: try row.decode("client_addr"),
            userName: try row.decode("usename"))
    }

    private func requireTransaction(_ function: String) throws(PostgresError) {
        guard transactionIsOpen else {
            throw PostgresError.misuse(
                "\(function) needs an open transaction { }: a transaction-level lock outside one is released at once")
        }
    }
}
