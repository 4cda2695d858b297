import Foundation
import Postgres
import ReconcilerCore

/// One `reconciler.run` row, for `report` and `status`.
public struct RunRecord: Sendable, Hashable {
    /// The run id.
    public var id: Int64
    /// What started it.
    public var trigger: RunTrigger
    /// Apply or dry run.
    public var mode: RunMode
    /// `run --full`.
    public var fullSweep: Bool
    /// `--payment-id` selection, if any.
    public var paymentIds: [String]?
    /// Window start (inclusive).
    public var windowFrom: Date?
    /// Window end (exclusive).
    public var windowUntil: Date?
    /// When it began.
    public var startedAt: Date
    /// When it ended (nil while running).
    public var finishedAt: Date?
    /// Its state.
    public var status: RunStatus
    /// The report totals as JSON text (`{}` until finished).
    public var totalsJSON: String
    /// Why it failed or was abandoned.
    public var error: String?
    /// The host it ran on.
    public var host: String
    /// Its process id.
    public var pid: Int32
    /// The credit-reconciler version that ran it.
    public var version: String

    /// The select list `init(row:)` reads from `reconciler.run`.
    static let selectColumns = """
        id, trigger, mode, full_sweep, payment_ids::text AS payment_ids, window_from, window_until, started_at,
        finished_at, status, totals::text AS totals, error, host, pid, version
        """

    /// Reads a row selected with `selectColumns`.
    init(row: Row) throws(LedgerStoreError) {
        func enumValue<T: RawRepresentable<String>>(_ column: String) throws(LedgerStoreError) -> T {
            let text: String = try row.value(column)
            guard let value = T(rawValue: text) else {
                throw LedgerStoreError.refused(
                    "reconciler.run.\(column) holds \"\(text)\", which this build does not know: upgrade credit-reconciler"
                )
            }
            return value
        }
        id = try row.value("id")
        trigger = try enumValue("trigger")
        mode = try enumValue("mode")
        fullSweep = try row.value("full_sweep")
        if let text = try row.value("payment_ids", as: String?.self) {
            paymentIds = try TextArray.parse(text).compactMap { $0 }
        } else {
            paymentIds = nil
        }
        windowFrom = try row.value("window_from")
        windowUntil = try row.value("window_until")
        startedAt = try row.value("started_at")
        finishedAt = try row.value("finished_at")
        status = try enumValue("status")
        totalsJSON = try row.value("totals")
        error = try row.value("error")
        host = try row.value("host")
        pid = try row.value("pid")
        version = try row.value("version")
    }
}
