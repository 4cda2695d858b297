import Postgres

/// One open connection to the ledger database with the store objects that work through it:
/// what a command holds, or one of a run's connections (the run lock's, the work's, the
/// read-ahead's). Not thread-safe, like its connection: use it from one thread at a time.
public final class LedgerSession {
    /// The connection, for tests and tools; everything else goes through the store objects.
    public let connection: Connection

    /// A session on a connection opened elsewhere (tests, tools).
    public init(connection: Connection) {
        self.connection = connection
    }

    /// Runs and the checkpoint; on a run's lock session, the run lock.
    public private(set) lazy var recorder = RunRecorder(connection: connection)
    /// The web app's ledger.
    public private(set) lazy var reader = LedgerReader(connection: connection)
    /// The findings for review.
    public private(set) lazy var discrepancies = DiscrepancyStore(connection: connection)

    /// The follow loop's place in PortOne's journal.
    public var followCursor: FollowCursorStore { FollowCursorStore(connection: connection) }

    /// The report e-mail's outbox.
    public var reportMail: ReportMailOutbox { ReportMailOutbox(connection: connection) }
    /// The stored plans of repairs (DESIGN §4.6).
    public var plans: PlanStore { PlanStore(connection: connection) }

    /// The reconciler's migrations.
    public var migrator: Migrator { Migrator(connection: connection) }

    /// The repair queue of run `runId`.
    public func repairQueue(runId: Int64) -> RepairQueue {
        RepairQueue(connection: connection, runId: runId)
    }

    /// Writes run `runId`'s repairs (never on the run lock's session).
    public func repairWriter(runId: Int64) -> RepairWriter {
        RepairWriter(connection: connection, runId: runId)
    }

    /// Appends `items` to run `runId`'s repair queue, numbered from `firstSeq` on
    /// (`RepairQueue.append(_:on:runId:firstSeq:)`), e.g. from a session of another thread.
    public func appendToRepairQueue(_ items: [RepairQueue.Item], runId: Int64, firstSeq: Int32)
        throws(LedgerStoreError)
    {
        try RepairQueue.append(items, on: connection, runId: runId, firstSeq: firstSeq)
    }

    /// Statements sent on this session so far, for the run's figures.
    public var statementsExecuted: Int { connection.statementsExecuted }

    /// Wall time spent in statements on this session so far, for the run's figures.
    public var timeInStatements: Duration { connection.timeInStatements }

    /// Whether the connection is open and usable.
    public var isConnected: Bool { connection.isConnected }

    /// Closes the connection; closing twice is harmless.
    public func close() {
        connection.close()
    }
}

/// A session is confined to one thread at a time, like its connection.
@available(*, unavailable)
extension LedgerSession: Sendable {}
