-- 0007: following PortOne's journal between runs (DESIGN §4.4a).
--
-- The daemon's ticks are recorded as runs like any other (trigger 'follow'), so their repairs,
-- discrepancies and reports live where finance already looks; 'follow' joins the triggers.
ALTER TABLE reconciler.run DROP CONSTRAINT IF EXISTS run_trigger_check;
ALTER TABLE reconciler.run ADD CONSTRAINT run_trigger_check
    CHECK (trigger IN ('timer', 'manual', 'daemon', 'follow'));

-- Where the follow loop is in the journal: one row per journal followed ('payment-events').
-- The cursor moves only past events whose payments were decided and recorded, in the same
-- transaction as nothing else: a tick that dies before moving it is replayed by the next one,
-- and deciding a payment again is harmless (decisions go by difference).
CREATE TABLE reconciler.follow_cursor (
    name               text PRIMARY KEY,
    cursor             text,                    -- PortOne's cursor after the last decided event
    from_time          timestamptz NOT NULL,    -- the lower bound the journal is read from
    last_event_at      timestamptz,             -- createdAt of the last event the cursor passed
    caught_up_to       timestamptz,             -- every event created before this is decided
    feed               text NOT NULL DEFAULT 'read' CHECK (feed IN ('read', 'unavailable')),
    feed_reason        text,                    -- why the journal could not be read (no secrets)
    last_tick_at       timestamptz,
    last_tick_run_id   bigint REFERENCES reconciler.run (id),
    last_tick_result   text,                    -- one line: what the last tick did or why it stopped
    events_read        bigint NOT NULL DEFAULT 0 CHECK (events_read >= 0),
    payments_decided   bigint NOT NULL DEFAULT 0 CHECK (payments_decided >= 0),
    fixes_applied      bigint NOT NULL DEFAULT 0 CHECK (fixes_applied >= 0),
    updated_at         timestamptz NOT NULL DEFAULT now()
);

-- Every role that may record runs may keep the cursor (the default privileges of
-- sql/roles/credit_reconciler_role.sql cover it when the same owner migrates; this covers the rest).
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
        EXECUTE format('GRANT SELECT, INSERT, UPDATE ON reconciler.follow_cursor TO %I', grantee);
    END LOOP;
END
$grant$;
