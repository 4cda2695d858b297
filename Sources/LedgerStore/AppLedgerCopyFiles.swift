import Foundation
import Postgres

/// Loads a web-app ledger written as PostgreSQL COPY text files (the simulator's
/// `--ledger-out DIR`) into the app's tables: for the demo and tests, never production.
///
/// Files and columns (tab-separated COPY text format, `\N` for NULL):
/// - `User.copy`: id, email, name, createdAt
/// - `Credit.copy`: id, userId, balance, createdAt, updatedAt
/// - `CreditTransaction.copy`: id, userId, amount, type, description, paymentId, createdAt
public enum AppLedgerCopyFiles {
    /// One file: its name, target table and column order.
    public struct File: Sendable, Hashable {
        /// The file name in the directory, e.g. `User.copy`.
        public let fileName: String
        /// The app table it loads.
        public let table: String
        /// The columns, in the file's field order.
        public let columns: [String]
    }

    /// The files in load order (users before what references them).
    public static let files: [File] = [
        File(fileName: "User.copy", table: "User", columns: ["id", "email", "name", "createdAt"]),
        File(fileName: "Credit.copy", table: "Credit", columns: ["id", "userId", "balance", "createdAt", "updatedAt"]),
        File(
            fileName: "CreditTransaction.copy", table: "CreditTransaction",
            columns: ["id", "userId", "amount", "type", "description", "paymentId", "createdAt"]),
    ]

    /// Loads every file of `directory` in one transaction; returns rows loaded per table.
    ///
    /// - Throws: `.ledgerFiles` naming the missing file, or the database error of the COPY that
    ///   failed (nothing is loaded then).
    @discardableResult
    public static func load(from directory: URL, into connection: Connection) throws(LedgerStoreError) -> [String: Int]
    {
        var contents: [(File, Data)] = []
        for file in files {
            let url = directory.appendingPathComponent(file.fileName)
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw .ledgerFiles(
                    LedgerLoadError(
                        message:
                            "cannot read \(url.path): the ledger directory needs \(files.map(\.fileName).joined(separator: ", "))"
                    ))
            }
            contents.append((file, data))
        }
        return try connection.transaction { (connection) throws(LedgerStoreError) in
            var counts: [String: Int] = [:]
            for (file, data) in contents {
                counts[file.table] = try connection.copyIn(table: file.table, columns: file.columns) {
                    (writer) throws(LedgerStoreError) in
                    try storing(try writer.write(copyText: data))
                }
            }
            return counts
        }
    }
}
