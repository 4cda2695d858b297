import Postgres
import ReconcilerCore

extension LedgerEntry {
    /// The select list `init(row:)` reads, for `"CreditTransaction"` (alias-free).
    public static let selectColumns =
        #"id, "userId", amount, type::text AS type, description, "paymentId", "createdAt""#

    /// Reads a `"CreditTransaction"` row selected with `selectColumns`.
    ///
    /// - Throws: `PostgresError` of kind `.decoding` for a missing column or an unknown type.
    public init(row: Row) throws {
        let typeText: String = try row.decode("type")
        guard let type = CreditTransactionType(rawValue: typeText) else {
            throw PostgresError(
                kind: .decoding, message: "CreditTransaction has an unknown type \"\(typeText)\"",
                hint:
                    "the web app added a CreditTransactionType value this build does not know: upgrade credit-reconciler"
            )
        }
        self.init(
            id: try row.decode("id"), userId: try row.decode("userId"), amount: try row.decode("amount"), type: type,
            description: try row.decode("description"), paymentId: try row.decode("paymentId"),
            createdAt: try row.decode("createdAt"))
    }
}
