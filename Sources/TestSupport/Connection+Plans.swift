import Postgres

extension Connection {
    /// Makes PostgreSQL send the plan of every later statement on this connection back as a
    /// NOTICE (`auto_explain`, text format), and drops the notices received so far: the plan
    /// tests read them with `drainNotices()`, so the SQL checked is the SQL shipped.
    public func sendPlansAsNotices() throws {
        try executeScript(
            """
            LOAD 'auto_explain';
            SET auto_explain.log_min_duration = 0;
            SET auto_explain.log_level = 'notice';
            SET auto_explain.log_format = 'text';
            """)
        _ = drainNotices()
    }
}
