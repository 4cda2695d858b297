import Postgres

extension Row {
    /// `decode(_:as:)`, throwing the store's error.
    func value<T: PostgresDecodable>(_ name: String, as type: T.Type = T.self) throws(LedgerStoreError) -> T {
        try storing(try decode(name, as: type))
    }
}
