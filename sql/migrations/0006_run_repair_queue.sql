-- 0006: the repairs a run found while scanning wait here, not in the process's memory, until
-- they are applied (DESIGN §4.5: every repair is counted against the limits before any is
-- written). A run of a million payments can queue tens of thousands of them.
--
-- UNLOGGED: the rows are a working copy, rebuilt by the next run's scan; a server crash
-- empties the table, which is fine because it also ends the run. A run deletes its rows when
-- it ends and the rows of earlier runs when it starts (a killed run leaves its rows behind).
CREATE UNLOGGED TABLE reconciler.run_repair (
    run_id      bigint NOT NULL,
    seq         integer NOT NULL,            -- order the scan queued the payment in
    phase       smallint NOT NULL,           -- 0: has a grant (applied first), 1: deductions only
    payment_id  text NOT NULL,
    user_id     text NOT NULL,
    unit        text NOT NULL,               -- the scan's plan for the payment (the reconciler's JSON)
    report      text                         -- the payment and e-mail as the report shows them
);

-- The order repairs are applied in: grants first, then by payment id (byte order), then queue order.
CREATE INDEX run_repair_apply_order ON reconciler.run_repair (run_id, phase, payment_id COLLATE "C", seq);
-- By payment: a payment's rows (the report's look-ups compare with COLLATE "C" to use it), and
-- the planned repairs of a run over its limits, listed by payment id.
CREATE INDEX run_repair_payment ON reconciler.run_repair (run_id, payment_id COLLATE "C", seq);

-- A runtime role set up by sql/roles/credit_reconciler_role.sql before this migration got
-- SELECT, INSERT, UPDATE here through its default privileges, but no DELETE (it has none
-- elsewhere): every role that may record runs may also empty the queue, so upgrading needs no
-- second step.
DO $grant$
DECLARE
    grantee text;
BEGIN
    FOR grantee IN
        SELECT DISTINCT r.rolname::text
        FROM pg_class c, aclexplode(c.relacl) AS a
        JOIN pg_roles r ON r.oid = a.grantee
        WHERE c.oid = 'reconciler.run'::regclass AND a.privilege_type = 'INSERT' AND r.rolname <> current_user
    LOOP
        EXECUTE format('GRANT DELETE ON reconciler.run_repair TO %I', grantee);
    END LOOP;
END
$grant$;
