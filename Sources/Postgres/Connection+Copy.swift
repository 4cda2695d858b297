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
    ///
    /// The body throws `PostgresError` or a caller's error type that wraps it (see
    /// ``PostgresErrorRepresentable``); name it in the closure.
    @discardableResult
    public func copyIn<Failure: PostgresErrorRepresentable>(
        table: String, schema: String? = nil, columns: [String], _ body: (CopyWriter) throws(Failure) -> Void
    ) throws(Failure) -> Int {
        let target = (schema.map { Self.quoteIdentifier($0) + "." } ?? "") + Self.quoteIdentifier(table)
        let columnList = columns.map(Self.quoteIdentifier).joined(separator: ", ")
        return try copyIn(
            sql: "COPY \(target) (\(columnList)) FROM STDIN (FORMAT text)", columnCount: columns.count, body)
    }

    /// Runs a `COPY ... FROM STDIN` statement of your own (text format) and streams `body`'s rows.
    @discardableResult
    public func copyIn<Failure: PostgresErrorRepresentable>(
        sql: String, columnCount: Int, _ body: (CopyWriter) throws(Failure) -> Void
    ) throws(Failure) -> Int {
        let handle: OpaquePointer
        do {
            handle = try liveHandle()
            let start = PQexec(handle, sql)
            defer { PQclear(start) }
            try check(start, parameters: [], accepting: [PGRES_COPY_IN])
        } catch {
            throw Failure(error)
        }
        let writer = CopyWriter(handle: handle, connection: self, columnCount: columnCount)
        defer { writer.close() }
        do {
            try body(writer)
        } catch {
            abortCopy(handle)
            throw error
        }
        do {
            try writer.flush()
        } catch {
            abortCopy(handle)
            throw Failure(error)
        }
        guard PQputCopyEnd(handle, nil) == 1 else {
            throw Failure(makeError(result: nil, handle: handle, parameters: []))
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
        if let firstError { throw Failure(firstError) }
        return count
    }

    /// Ends a COPY whose rows failed: the server discards every row sent.
    private func abortCopy(_ handle: OpaquePointer) {
        if PQstatus(handle) == CONNECTION_OK {
            _ = PQputCopyEnd(handle, "COPY aborted by credit-reconciler: the row source failed")
            drainResults(handle)
        }
    }

    private func drainResults(_ handle: OpaquePointer) {
        while let result = PQgetResult(handle) { PQclear(result) }
    }
}
