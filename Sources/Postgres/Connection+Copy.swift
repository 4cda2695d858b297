import CLibPQ

extension Connection {
    /// Bulk-loads rows with `COPY table (columns) FROM STDIN` in text format.
    ///
    /// `body` streams rows into the writer; when it returns, the COPY ends and the server's
    /// row count is returned. When it throws, the COPY is aborted (the server discards every
    /// row) and the error is rethrown. Inside `transaction { }` the rows commit with it.
    ///
    /// - Parameters:
    ///   - table: the table name, unquoted (it is quoted here: `CreditTransaction`).
    ///   - schema: the table's schema, unquoted; nil uses the search path.
    ///   - columns: the column names, unquoted, in the order rows give values.
    @discardableResult
    public func copyIn(
        table: String, schema: String? = nil, columns: [String], _ body: (CopyWriter) throws -> Void
    ) throws -> Int {
        let target = (schema.map { Self.quoteIdentifier($0) + "." } ?? "") + Self.quoteIdentifier(table)
        let columnList = columns.map(Self.quoteIdentifier).joined(separator: ", ")
        return try copyIn(
            sql: "COPY \(target) (\(columnList)) FROM STDIN (FORMAT text)", columnCount: columns.count, body)
    }

    /// Runs a `COPY ... FROM STDIN` statement of your own (text format) and streams `body`'s rows.
    @discardableResult
    public func copyIn(sql: String, columnCount: Int, _ body: (CopyWriter) throws -> Void) throws -> Int {
        let handle = try liveHandle()
        let start = PQexec(handle, sql)
        defer { PQclear(start) }
        try check(start, parameters: [], accepting: [PGRES_COPY_IN])
        let writer = CopyWriter(handle: handle, connection: self, columnCount: columnCount)
        defer { writer.close() }
        do {
            try body(writer)
            try writer.flush()
        } catch {
            if PQstatus(handle) == CONNECTION_OK {
                _ = PQputCopyEnd(handle, "COPY aborted by credit-reconciler: the row source failed")
                drainResults(handle)
            }
            throw error
        }
        guard PQputCopyEnd(handle, nil) == 1 else {
            throw makeError(result: nil, handle: handle, parameters: [])
        }
        var firstError: PostgresError?
        var count = 0
        while let result = PQgetResult(handle) {
            defer { PQclear(result) }
            if PQresultStatus(result) == PGRES_COMMAND_OK {
                count = Int(String(cString: PQcmdTuples(result))) ?? 0
            } else if firstError == nil {
                firstError = makeError(result: result, handle: handle, parameters: [])
            }
        }
        if let firstError { throw firstError }
        return count
    }

    private func drainResults(_ handle: OpaquePointer) {
        while let result = PQgetResult(handle) { PQclear(result) }
    }
}
