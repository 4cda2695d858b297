/// An error type that can stand for a `PostgresError`: what the body of `transaction { }`,
/// `savepoint { }` or `copyIn { }` throws, with the connection's own failures (BEGIN, COMMIT,
/// a COPY the server refused, misuse) converted into it, so a caller with its own typed error
/// (the ledger store's) keeps one error type through the whole unit of work.
public protocol PostgresErrorRepresentable: Error {
    /// Wraps a failure of the PostgreSQL layer.
    init(_ error: PostgresError)
}

extension PostgresError: PostgresErrorRepresentable {
    /// The error itself.
    public init(_ error: PostgresError) {
        self = error
    }
}

extension PostgresErrorRepresentable {
    /// Evaluates a call into the PostgreSQL layer with its failure wrapped in this type: inside
    /// a `transaction { }` body that throws its own error type, `try Failure.wrapping(try ...)`.
    @discardableResult
    public static func wrapping<T>(_ call: @autoclosure () throws(PostgresError) -> T) throws(Self) -> T {
        do {
            return try call()
        } catch {
            throw Self(error)
        }
    }
}
