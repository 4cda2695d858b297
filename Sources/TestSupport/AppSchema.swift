import Foundation
import LedgerStore
import Postgres
import ReconcilerCore

/// The web app's tables in a test database: create them and seed rows.
public enum AppSchema {
    /// Applies `sql/app-reference/schema.sql` (the copy embedded in LedgerStore, which a unit
    /// test keeps identical to the file).
    public static func apply(to connection: Connection) throws(LedgerStoreError) {
        try AppReferenceSchema.apply(to: connection)
    }

    /// Inserts a `"User"` row and, when `balance` is given, its `"Credit"` row.
    public static func insertUser(
        _ connection: Connection, id: String, email: String? = nil, name: String? = nil, balance: Int64? = 0,
        createdAt: Date = Date()
    ) throws(PostgresError) {
        try connection.execute(
            #"INSERT INTO "User" (id, email, name, "createdAt") VALUES ($1, $2, $3, $4)"#,
            [id, email ?? "\(id)@example.com", name, createdAt])
        if let balance {
            try connection.execute(
                #"INSERT INTO "Credit" (id, "userId", balance, "createdAt", "updatedAt") VALUES ($1, $2, $3, $4, $4)"#,
                ["credit_\(id)", id, balance, createdAt])
        }
    }

    /// Inserts a `"CreditTransaction"` row (does not touch the balance).
    public static func insert(_ entry: LedgerEntry, into connection: Connection) throws(PostgresError) {
        try connection.execute(
            #"""
            INSERT INTO "CreditTransaction" (id, "userId", amount, type, description, "paymentId", "createdAt")
            VALUES ($1, $2, $3, $4::"CreditTransactionType", $5, $6, $7)
            """#,
            [
                entry.id, entry.userId, entry.amount, entry.type.rawValue, entry.description, entry.paymentId,
                entry.createdAt,
            ])
    }
}
