import LedgerStore
import PortOne
import Postgres
import ReconcilerCore
import Testing

@testable import ReconcilerEngine

/// How the engine sorts what stopped a run (and what stopped a command's database work) into
/// the failure the command line turns into its exit status: one exhaustive switch per error
/// type, no casts. No database: the errors are built by hand.
@Suite struct FailureMappingTests {
    static func postgres(_ kind: PostgresError.Kind) -> PostgresError {
        PostgresError(kind: kind, sqlState: kind == .server ? "42P01" : nil, message: "the \(kind) message")
    }

    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var error: RunError
        var failure: RunFailure
        var testDescription: String { name }
    }

    static let held = RunLockHeld(holder: nil, runningRun: nil)

    static let runRows: [Row] = [
        // PostgreSQL, through the store: 69, 78, 1.
        Row(
            name: "connection refused", error: .store(LedgerStoreError(postgres(.connectionRefused))),
            failure: .unavailable("PostgreSQL is unavailable: the connectionRefused message")),
        Row(
            name: "connection lost", error: .store(LedgerStoreError(postgres(.unavailable))),
            failure: .unavailable("PostgreSQL is unavailable: the unavailable message")),
        Row(
            name: "login rejected", error: .store(LedgerStoreError(postgres(.authenticationFailed))),
            failure: .configuration("the authenticationFailed message")),
        Row(
            name: "bad URL", error: .store(LedgerStoreError(postgres(.invalidURL))),
            failure: .configuration("the invalidURL message")),
        Row(
            name: "statement refused", error: .store(LedgerStoreError(postgres(.server))),
            failure: .failed("PostgreSQL error: the server message (SQLSTATE 42P01)")),
        Row(
            name: "statement timeout", error: .store(LedgerStoreError(postgres(.statementTimeout))),
            failure: .failed("PostgreSQL error: the statementTimeout message")),
        // The store's own refusals.
        Row(name: "run lock held", error: .store(.runLockHeld(held)), failure: .lockHeld(held.description)),
        Row(
            name: "migration status unreadable", error: .store(.migration(.database(postgres(.unavailable)))),
            failure: .failed("migrate could not complete: the unavailable message")),
        Row(name: "store refusal", error: .store(.refused("no such thing")), failure: .failed("no such thing")),
        // PortOne: 78, 69, 1.
        Row(
            name: "secret rejected", error: .portOne(.unauthorized(serverMessage: nil)),
            failure: .configuration(PortOneError.unauthorized(serverMessage: nil).description)),
        Row(
            name: "PortOne down",
            error: .portOne(.unavailable(attempts: 3, elapsed: .seconds(2), lastProblem: "HTTP 503")),
            failure: .unavailable(
                PortOneError.unavailable(attempts: 3, elapsed: .seconds(2), lastProblem: "HTTP 503").description)),
        Row(
            name: "PortOne answers nonsense",
            error: .portOne(.unexpectedStatus(status: 418, type: nil, serverMessage: nil)),
            failure: .failed(PortOneError.unexpectedStatus(status: 418, type: nil, serverMessage: nil).description)),
        // The run's own decisions pass through.
        Row(
            name: "fix limit", error: .failure(.fixLimitExceeded(runId: 7, "too many")),
            failure: .fixLimitExceeded(runId: 7, "too many")),
        Row(
            name: "untyped leftovers", error: .unexpected("CancellationError()"),
            failure: .failed("CancellationError()")),
    ]

    @Test(arguments: runRows)
    func runFailures(row: Row) {
        #expect(ReconciliationEngine.failure(row.error) == row.failure)
    }

    @Test(
        "errors from untyped APIs keep their type",
        arguments: [
            (LedgerStoreError.refused("x") as any Error, RunFailure.failed("x")),
            (PortOneError.cancelled as any Error, RunFailure.failed(PortOneError.cancelled.description)),
            (RunError.failure(.lockHeld("held")) as any Error, RunFailure.lockHeld("held")),
        ] as [(any Error, RunFailure)])
    func untypedErrors(error: any Error, failure: RunFailure) {
        #expect(ReconciliationEngine.failure(RunError(untyped: error)) == failure)
    }

    @Test(
        "a command's database failures: 69, 78 or 1, with the underlying message",
        arguments: [
            (
                LedgerStoreError(postgres(.connectTimeout)), false,
                ServiceFailure.unavailable("the connectTimeout message")
            ),
            (LedgerStoreError(postgres(.databaseMissing)), false, .configuration("the databaseMissing message")),
            (LedgerStoreError(postgres(.decoding)), false, .failed("the decoding message")),
            (.resolution(.emptyNote), false, .failed(DiscrepancyResolutionError.emptyNote.description)),
            // Outside migrate, a migration error is exit 1; migrate sorts it by its cause.
            (
                .migration(.database(postgres(.unavailable))), false,
                .failed("migrate could not complete: the unavailable message")
            ),
            (
                .migration(.database(postgres(.unavailable))), true,
                .unavailable("migrate could not complete: the unavailable message")
            ),
            (
                .migration(.appTableMissing(table: "User", database: "app")), true,
                .configuration(MigrationError.appTableMissing(table: "User", database: "app").description)
            ),
            (
                .migration(.migrationFailed(fileName: "0009_x.sql", underlying: postgres(.server))), true,
                .failed(
                    MigrationError.migrationFailed(fileName: "0009_x.sql", underlying: postgres(.server)).description)
            ),
        ] as [(LedgerStoreError, Bool, ServiceFailure)])
    func commandFailures(error: LedgerStoreError, migrating: Bool, failure: ServiceFailure) {
        #expect((migrating ? ServiceFailure(migrating: error) : ServiceFailure(error)) == failure)
    }
}
