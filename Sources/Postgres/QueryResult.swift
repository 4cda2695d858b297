/// The outcome of one statement: its rows (if it returns any) and its command tag.
public struct QueryResult: Sendable {
    /// The rows, in the order the server sent them.
    public let rows: [Row]
    /// The command tag, e.g. `INSERT 0 1`, `UPDATE 3`, `SELECT 2`.
    public let commandTag: String
    /// Rows inserted, updated, deleted, selected or copied (0 when the command has no count).
    public let affectedRows: Int
    /// The column names (empty for commands without a result set).
    public let columnNames: [String]

    /// The first row, if any.
    public var first: Row? { rows.first }
}
