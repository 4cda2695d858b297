import Postgres
import ReconcilerCore

extension LedgerEntry {
    /// The select list `init(row:)` reads, for `"CreditTransaction"` (alias-free).
    public static let selectColumns =
        #"id, "userId", amount, type::text AS type, description, "paymentId", "createdAt""#

    /// Reads a `"CreditTransaction"` row selected with `selectColumns`.
    ///
    /// - Throws: `.database` with a PostgreSQL error of kind `.decoding` for a missing column or
    ///   an unknown type.
    public init(row: Row) throws(LedgerStoreError) {
        let typeText: String = try row.value("type")
        guard let type = CreditTransactionType(rawValue: typeText) else {
            throw .database(
                PostgresError(
                    kind: .decoding, message: "CreditTransaction has an unknown type \"\(typeText)\"",
                    hint:
                        "the web app added a CreditTransactionType value this build does not know: upgrade credit-reconciler"
                ))
        }
        self.init(
            id: try row.value("id"), userId: try row.value("userId"), amount: try row.value("amount"), type: type,
            description: try row.value("description"), paymentId: try row.value("paymentId"),
            createdAt: try row.value("createdAt"))
    }
}
