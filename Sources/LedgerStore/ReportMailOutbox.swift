import Foundation
import Postgres

/// The report e-mail's outbox (`reconciler.report_mail`, migration 0008): a run writes its
/// message here, then sends every pending one; a message the mail server did not take stays
/// pending for the next run, so a mail server that is down never fails a run nor loses a report.
public final class ReportMailOutbox {
    /// The connection the outbox is read and written on.
    public let connection: Connection

    /// Creates an outbox on `connection`.
    public init(connection: Connection) {
        self.connection = connection
    }

    /// Keeps run `runId`'s message for sending; returns its id.
    @discardableResult
    public func enqueue(runId: Int64, sender: String, recipients: [String], subject: String, message: String)
        throws(LedgerStoreError) -> Int64
    {
        guard
            let row = try connection.firstRow(
                """
                INSERT INTO reconciler.report_mail (run_id, sender, recipients, subject, message)
                VALUES ($1, $2, $3::text[], $4, $5) RETURNING id
                """, [runId, sender, TextArray(recipients), subject, message])
        else { throw .refused("the report e-mail could not be kept in reconciler.report_mail") }
        return try storing(try row.decode("id"))
    }

    /// The messages not sent yet, oldest first (at most `limit`).
    public func pending(limit: Int = 50) throws(LedgerStoreError) -> [PendingReportMail] {
        try connection.rows(
            """
            SELECT id, run_id, sender, array_to_string(recipients, ',') AS recipients, subject, message, attempts,
                   created_at
            FROM reconciler.report_mail WHERE sent_at IS NULL ORDER BY id LIMIT $1
            """, [Int64(limit)]
        ).map { (row) throws(LedgerStoreError) in
            try storing(
                PendingReportMail(
                    id: try row.decode("id"), runId: try row.decode("run_id"), sender: try row.decode("sender"),
                    recipients: (try row.decode("recipients") as String).split(separator: ",").map(String.init),
                    subject: try row.decode("subject"), message: try row.decode("message"),
                    attempts: try row.decode("attempts"), createdAt: try row.decode("created_at")))
        }
    }

    /// Records that message `id` was taken by the mail server.
    public func markSent(id: Int64) throws(LedgerStoreError) {
        try connection.perform(
            """
            UPDATE reconciler.report_mail
            SET sent_at = now(), attempts = attempts + 1, last_attempt_at = now(), last_error = NULL
            WHERE id = $1
            """, [id])
    }

    /// Records a failed attempt at message `id` and why (a message with no secret in it).
    public func markFailed(id: Int64, error: String) throws(LedgerStoreError) {
        try connection.perform(
            """
            UPDATE reconciler.report_mail
            SET attempts = attempts + 1, last_attempt_at = now(), last_error = left($2, 500)
            WHERE id = $1
            """, [id, error])
    }
}

/// The outbox is confined to one thread at a time, like its connection.
@available(*, unavailable)
extension ReportMailOutbox: Sendable {}

/// A report e-mail waiting in the outbox.
public struct PendingReportMail: Sendable, Equatable {
    /// Its row.
    public var id: Int64
    /// The run it reports on.
    public var runId: Int64
    /// The envelope sender.
    public var sender: String
    /// The envelope recipients.
    public var recipients: [String]
    /// Its subject, for the log.
    public var subject: String
    /// The whole MIME message.
    public var message: String
    /// Attempts so far.
    public var attempts: Int64
    /// When the run wrote it.
    public var createdAt: Date

    /// Creates a pending mail.
    public init(
        id: Int64, runId: Int64, sender: String, recipients: [String], subject: String, message: String,
        attempts: Int64, createdAt: Date
    ) {
        self.id = id
        self.runId = runId
        self.sender = sender
        self.recipients = recipients
        self.subject = subject
        self.message = message
        self.attempts = attempts
        self.createdAt = createdAt
    }
}
