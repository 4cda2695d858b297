import Postgres

extension Connection {
    /// `query`, throwing the store's error.
    func rows(_ sql: String, _ parameters: [any PostgresBindable] = []) throws(LedgerStoreError) -> [Row] {
        try storing(try query(sql, parameters))
    }

    /// `queryFirst`, throwing the store's error.
    func firstRow(_ sql: String, _ parameters: [any PostgresBindable] = []) throws(LedgerStoreError) -> Row? {
        try storing(try queryFirst(sql, parameters))
    }

    /// `execute`, throwing the store's error.
    @discardableResult
    func perform(_ sql: String, _ parameters: [any PostgresBindable] = []) throws(LedgerStoreError) -> QueryResult {
        try storing(try execute(sql, parameters))
    }

    /// `executeScript`, throwing the store's error.
    func performScript(_ sql: String) throws(LedgerStoreError) {
        try storing(try executeScript(sql))
    }
}

/// Evaluates a call into the PostgreSQL layer, sorting its failure into the store's error.
func storing<T>(_ call: @autoclosure () throws(PostgresError) -> T) throws(LedgerStoreError) -> T {
    try LedgerStoreError.wrapping(try call())
}
