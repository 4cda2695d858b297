import CLibPQ
import Foundation

/// One blocking connection to PostgreSQL: the only owner of a libpq `PGconn*`.
///
/// Statements use the extended protocol with `$n` parameters (`PQexecParams`); values are never
/// spliced into SQL text. Server notices are captured into `notices`, never printed.
/// Not thread-safe: use one connection from one task at a time.
public final class Connection {
    /// The URL this connection was opened with (its description has no password).
    public let url: DatabaseURL
    /// The settings applied at connect time.
    public let configuration: ConnectionConfiguration

    private var handle: OpaquePointer?
    private let noticeBuffer: NoticeBuffer
    private let redactor: SecretRedactor
    /// Set while `transaction { }` runs its body.
    var transactionIsOpen = false

    /// Connects to `url` and applies `configuration` (application name, statement timeout,
    /// client_min_messages, UTC time zone, ISO date style).
    ///
    /// - Throws: `PostgresError` with kind `.connectionRefused`, `.hostNotFound`,
    ///   `.authenticationFailed`, `.databaseMissing`, `.connectTimeout`, `.unavailable` or
    ///   `.connectionFailed`; the message names host, port, database and user, never the password.
    public init(url: DatabaseURL, configuration: ConnectionConfiguration = ConnectionConfiguration())
        throws(PostgresError)
    {
        self.url = url
        self.configuration = configuration
        let environmentPassword = ProcessInfo.processInfo.environment["PGPASSWORD"]
        self.redactor = SecretRedactor(
            secrets: [url.connectionParameters.last { $0.0 == "password" }?.1, environmentPassword].compactMap { $0 })
        self.noticeBuffer = NoticeBuffer(limit: configuration.noticeLimit, redactor: redactor)

        var parameters = url.connectionParameters.filter {
            $0.0 != "application_name" && $0.0 != "connect_timeout"
        }
        parameters.append(("application_name", configuration.applicationName))
        parameters.append(("connect_timeout", String(configuration.connectTimeoutSeconds)))
        let connection = Self.connect(parameters)
        guard let connection else {
            throw PostgresError(
                kind: .connectionFailed, message: "libpq could not allocate a connection (out of memory)")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let libpqMessage = String(cString: PQerrorMessage(connection))
            PQfinish(connection)
            throw Self.connectError(libpqMessage: redactor.redact(libpqMessage), url: url, configuration: configuration)
        }
        handle = connection
        PQsetNoticeReceiver(connection, noticeReceiver, Unmanaged.passUnretained(noticeBuffer).toOpaque())
        do {
            try configureSession()
        } catch {
            close()
            throw error
        }
    }

    /// Parses `databaseURL` and connects (see `init(url:configuration:)`).
    public convenience init(databaseURL: String, configuration: ConnectionConfiguration = ConnectionConfiguration())
        throws(PostgresError)
    {
        try self.init(url: DatabaseURL(parsing: databaseURL), configuration: configuration)
    }

    deinit { close() }

    /// Closes the connection; later calls throw `.misuse`. Closing twice is harmless.
    public func close() {
        if let handle {
            PQfinish(handle)
            self.handle = nil
        }
    }

    /// Whether the connection is open and libpq still considers it usable.
    public var isConnected: Bool {
        guard let handle else { return false }
        return PQstatus(handle) == CONNECTION_OK
    }

    /// The server process id serving this connection (`pg_backend_pid()`), 0 when closed.
    public var backendPID: Int32 {
        guard let handle else { return 0 }
        return PQbackendPID(handle)
    }

    /// The server's version number, e.g. 150018 for 15.18.
    public var serverVersion: Int {
        guard let handle else { return 0 }
        return Int(PQserverVersion(handle))
    }

    /// Statements sent on this connection (each `execute`, script, COPY and transaction
    /// command counts once), for the run's figures.
    public private(set) var statementsExecuted = 0

    /// Wall time spent in `execute` (sending, the server's work, reading the rows), summed over
    /// the connection's statements, for the run's figures. Two clock reads per statement.
    public private(set) var timeInStatements: Duration = .zero

    /// Notices the server sent since the connection opened (or since `drainNotices()`).
    public var notices: [Notice] { noticeBuffer.notices }

    /// Returns the captured notices and forgets them.
    public func drainNotices() -> [Notice] {
        defer { noticeBuffer.notices.removeAll() }
        return noticeBuffer.notices
    }

    /// Runs one statement with `$1...$n` bound to `parameters` and returns its rows and tag.
    ///
    /// - Throws: `.unavailable` when the connection went away,
    ///   `.statementTimeout` on `statement_timeout`, `.server` with the SQLSTATE otherwise.
    ///   Parameter values quoted by the server are replaced by `<parameter $n>`.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [any PostgresBindable] = []) throws(PostgresError)
        -> QueryResult
    {
        let clock = ContinuousClock()
        let started = clock.now
        defer { timeInStatements += clock.now - started }
        let texts = parameters.map { $0.postgresText }
        statementsExecuted += 1
        let handle = try liveHandle()
        let result = withParameterPointers(texts) { pointers in
            PQexecParams(handle, sql, Int32(texts.count), nil, pointers, nil, nil, 0)
        }
        defer { PQclear(result) }
        try check(result, parameters: texts, accepting: [PGRES_COMMAND_OK, PGRES_TUPLES_OK])
        return Self.read(result!)
    }

    /// Runs one statement and returns its rows (see `execute`).
    public func query(_ sql: String, _ parameters: [any PostgresBindable] = []) throws(PostgresError) -> [Row] {
        try execute(sql, parameters).rows
    }

    /// Runs one statement and returns its first row, nil when it returns none.
    public func queryFirst(_ sql: String, _ parameters: [any PostgresBindable] = []) throws(PostgresError) -> Row? {
        try execute(sql, parameters).rows.first
    }

    /// Runs a script of several `;`-separated statements without parameters (simple query
    /// protocol), e.g. a migration file. Statements run in order and stop at the first error.
    ///
    /// Outside `transaction { }` the whole script runs as one implicit transaction unless it
    /// contains its own `BEGIN`/`COMMIT`.
    public func executeScript(_ sql: String) throws(PostgresError) {
        statementsExecuted += 1
        let result = PQexec(try liveHandle(), sql)
        defer { PQclear(result) }
        try check(result, parameters: [], accepting: [PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY])
    }

    /// Quotes an identifier for SQL text: `CreditTransaction` → `"CreditTransaction"`.
    public static func quoteIdentifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    // MARK: - Internals shared by the extensions

    func liveHandle() throws(PostgresError) -> OpaquePointer {
        guard let handle else {
            throw PostgresError.misuse(
                "the PostgreSQL connection is closed", hint: "open a new Connection; a closed one cannot be reused")
        }
        return handle
    }

    /// Throws the error a failed result carries (or the connection's error when it is nil).
    func check(_ result: OpaquePointer?, parameters: [String?], accepting accepted: [ExecStatusType])
        throws(PostgresError)
    {
        let handle = try liveHandle()
        if let result, accepted.contains(PQresultStatus(result)) { return }
        if let result, PQresultStatus(result) == PGRES_COPY_IN || PQresultStatus(result) == PGRES_COPY_OUT {
            abandonCopy(handle, status: PQresultStatus(result))
            throw PostgresError.misuse(
                "COPY ... FROM STDIN / TO STDOUT cannot run through execute or executeScript; it was cancelled",
                hint: "use copyIn(table:columns:_:) for bulk loads")
        }
        throw makeError(result: result, handle: handle, parameters: parameters)
    }

    func makeError(result: OpaquePointer?, handle: OpaquePointer, parameters: [String?]) -> PostgresError {
        let parameterRedactor = ParameterRedactor(parameters: parameters)
        func clean(_ text: String?) -> String? {
            guard let text else { return nil }
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed.isEmpty ? nil : parameterRedactor.redact(redactor.redact(trimmed))
        }
        func field(_ code: Character) -> String? {
            guard let result, let value = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
            return String(cString: value)
        }
        let sqlState = field("C")
        var message = clean(field("M"))
        if message == nil {
            message = clean(result.flatMap { PQresultErrorMessage($0) }.map { String(cString: $0) })
        }
        if message == nil { message = clean(String(cString: PQerrorMessage(handle))) }
        let text = message ?? "the statement failed without a message"
        let connectionLost = PQstatus(handle) != CONNECTION_OK || (sqlState == nil && !Self.stillConnected(handle))
        if connectionLost || Self.isUnavailableState(sqlState) {
            return PostgresError(
                kind: .unavailable, sqlState: sqlState,
                message:
                    "lost the connection to PostgreSQL at \(url.endpoint) (database \"\(url.database ?? "")\"): \(text)",
                detail: clean(field("D")),
                hint: "the server stopped, restarted or ended this session; check that it is running, then run again")
        }
        if sqlState == "57014" {
            let limit = configuration.statementTimeout.map { "\($0.postgresMilliseconds) ms" } ?? "the server's limit"
            return PostgresError(
                kind: .statementTimeout, sqlState: sqlState,
                message: "a statement ran longer than statement_timeout (\(limit)) and was cancelled: \(text)",
                detail: clean(field("D")),
                hint: "look for locks held by other sessions (pg_stat_activity), or raise the statement timeout")
        }
        return PostgresError(
            kind: .server, sqlState: sqlState, message: text, detail: clean(field("D")), hint: clean(field("H")))
    }

    /// Ends a COPY the caller did not expect, leaving the connection ready for statements.
    private func abandonCopy(_ handle: OpaquePointer, status: ExecStatusType) {
        if status == PGRES_COPY_IN {
            _ = PQputCopyEnd(handle, "COPY started through execute: use copyIn")
        } else {
            var buffer: UnsafeMutablePointer<CChar>?
            while PQgetCopyData(handle, &buffer, 0) > 0 {
                PQfreemem(buffer)
                buffer = nil
            }
        }
        while let result = PQgetResult(handle) { PQclear(result) }
    }

    /// Whether the server is still at the other end of `handle`, for an error libpq raised itself
    /// (no SQLSTATE). A server that closed the connection (an immediate shutdown, a crash) can
    /// leave libpq reporting "server closed the connection unexpectedly" with its status still
    /// `CONNECTION_OK`; reading what is left on the socket finds the end and sets it bad.
    private static func stillConnected(_ handle: OpaquePointer) -> Bool {
        PQconsumeInput(handle) != 0 && PQstatus(handle) == CONNECTION_OK
    }

    static func isUnavailableState(_ sqlState: String?) -> Bool {
        guard let sqlState else { return false }
        return sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03", "53300"].contains(sqlState)
    }

    /// Copies a tuples result into Swift values.
    static func read(_ result: OpaquePointer) -> QueryResult {
        let columnCount = Int(PQnfields(result))
        let rowCount = Int(PQntuples(result))
        var names: [String] = []
        var types: [PostgresType] = []
        for column in 0..<columnCount {
            names.append(String(cString: PQfname(result, Int32(column))))
            types.append(PostgresType(oid: PQftype(result, Int32(column))))
        }
        let layout = ColumnLayout(names: names, types: types)
        var rows: [Row] = []
        rows.reserveCapacity(rowCount)
        for row in 0..<rowCount {
            var values: [String?] = []
            values.reserveCapacity(columnCount)
            for column in 0..<columnCount {
                if PQgetisnull(result, Int32(row), Int32(column)) != 0 {
                    values.append(nil)
                } else {
                    values.append(String(cString: PQgetvalue(result, Int32(row), Int32(column))))
                }
            }
            rows.append(Row(layout: layout, values: values))
        }
        let tag = String(cString: PQcmdStatus(result))
        let affected = Int(String(cString: PQcmdTuples(result))) ?? 0
        return QueryResult(rows: rows, commandTag: tag, affectedRows: affected, columnNames: names)
    }

    /// Calls `body` with C pointers to `texts`, borrowing each string's own UTF-8 storage (no
    /// copy: a run's report can be tens of megabytes and libpq copies it once more anyway).
    private func withParameterPointers<T>(
        _ texts: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> T
    ) -> T {
        var pointers: [UnsafePointer<CChar>?] = Array(repeating: nil, count: texts.count)
        func borrow(from index: Int) -> T {
            guard index < texts.count else {
                return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
            }
            guard let text = texts[index] else { return borrow(from: index + 1) }
            return text.withCString { pointer in
                pointers[index] = pointer
                return borrow(from: index + 1)
            }
        }
        return borrow(from: 0)
    }

    private func configureSession() throws(PostgresError) {
        let timeout = configuration.statementTimeout.map { String($0.postgresMilliseconds) }
        try execute(
            """
            SELECT set_config('TimeZone', 'UTC', false), set_config('DateStyle', 'ISO, YMD', false),
                   set_config('IntervalStyle', 'postgres', false), set_config('client_min_messages', $1, false),
                   set_config('statement_timeout', coalesce($2, current_setting('statement_timeout')), false)
            """,
            [configuration.clientMinMessages.rawValue, timeout])
    }

    private static func connect(_ parameters: [(String, String)]) -> OpaquePointer? {
        let keywords: [UnsafeMutablePointer<CChar>?] = parameters.map { strdup($0.0) } + [nil]
        let values: [UnsafeMutablePointer<CChar>?] = parameters.map { strdup($0.1) } + [nil]
        defer {
            for keyword in keywords { free(keyword) }
            for value in values { free(value) }
        }
        let keywordPointers = keywords.map { $0.map { UnsafePointer($0) } }
        let valuePointers = values.map { $0.map { UnsafePointer($0) } }
        return keywordPointers.withUnsafeBufferPointer { keywordBuffer in
            valuePointers.withUnsafeBufferPointer { valueBuffer in
                PQconnectdbParams(keywordBuffer.baseAddress, valueBuffer.baseAddress, 0)
            }
        }
    }

    private static func connectError(libpqMessage: String, url: DatabaseURL, configuration: ConnectionConfiguration)
        -> PostgresError
    {
        let reason = libpqMessage.trimmingCharacters(in: .whitespacesAndNewlines)
            .replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\t", with: " ")
        let lowered = reason.lowercased()
        let target =
            "PostgreSQL at \(url.endpoint) (database \"\(url.database ?? "(user name)")\", user \"\(url.user ?? "(current user)")\")"
        let detail = "libpq: \(reason)"
        if lowered.contains("connection refused") || lowered.contains("no such file or directory") {
            return PostgresError(
                kind: .connectionRefused, message: "cannot connect to \(target): connection refused", detail: detail,
                hint: "check that the PostgreSQL server is running and listening on \(url.endpoint) (DATABASE_URL)")
        }
        if lowered.contains("could not translate host name") {
            return PostgresError(
                kind: .hostNotFound, message: "cannot connect to \(target): unknown host name", detail: detail,
                hint: "check the host name in DATABASE_URL")
        }
        if lowered.contains("timeout expired") {
            return PostgresError(
                kind: .connectTimeout,
                message: "cannot connect to \(target): no answer within \(configuration.connectTimeoutSeconds) s",
                detail: detail, hint: "check the host and port in DATABASE_URL, the network and any firewall")
        }
        if lowered.contains("password authentication failed") || lowered.contains("no password supplied")
            || lowered.contains("authentication failed") || lowered.contains("no pg_hba.conf entry")
            || (lowered.contains("role") && lowered.contains("does not exist"))
        {
            return PostgresError(
                kind: .authenticationFailed, message: "\(target) rejected the login", detail: detail,
                hint: "check the user and password in DATABASE_URL (and pg_hba.conf on the server)")
        }
        if lowered.contains("database") && lowered.contains("does not exist") {
            return PostgresError(
                kind: .databaseMissing,
                message: "database \"\(url.database ?? "(user name)")\" does not exist at \(url.endpoint)",
                detail: detail, hint: "check the database name in DATABASE_URL: it must name the web app's database")
        }
        if lowered.contains("starting up") || lowered.contains("shutting down") || lowered.contains("too many clients")
            || lowered.contains("recovery mode")
        {
            return PostgresError(
                kind: .unavailable, message: "\(target) is not accepting connections right now", detail: detail,
                hint: "the server is starting, stopping or full; try again shortly")
        }
        return PostgresError(
            kind: .connectionFailed, message: "cannot connect to \(target)", detail: detail,
            hint: "check DATABASE_URL and that the server is reachable")
    }
}

/// A connection is confined to one task at a time.
@available(*, unavailable)
extension Connection: Sendable {}
