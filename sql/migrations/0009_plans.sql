-- 0009: plans of repairs, reviewed and approved before they are applied (DESIGN §4.6).
--
-- Every dry run, and every run that trips a limit, stores the repairs it would have applied as
-- a plan: each repair with the facts it was decided on, and the SHA-256 of the plan's canonical
-- serialization (ReconcilerCore.RepairPlan). A plan is proposed, approved by a named person,
-- then applied once; or it expires (approval.planTtl) or a newer plan supersedes it.
CREATE TABLE reconciler.plan (
    id                bigserial PRIMARY KEY,
    hash              text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
    run_id            bigint NOT NULL REFERENCES reconciler.run (id),   -- the run that made it
    reason            text NOT NULL CHECK (reason IN ('dry-run', 'limit')),
    created_at        timestamptz NOT NULL DEFAULT now(),
    expires_at        timestamptz NOT NULL,
    status            text NOT NULL DEFAULT 'proposed'
                      CHECK (status IN ('proposed', 'approved', 'applying', 'applied', 'expired', 'superseded')),
    repairs           integer NOT NULL CHECK (repairs >= 0),
    payments          integer NOT NULL CHECK (payments >= 0),
    credits_granted   bigint NOT NULL CHECK (credits_granted >= 0),
    credits_deducted  bigint NOT NULL CHECK (credits_deducted >= 0),
    approved_by       text,
    approved_note     text,
    approved_at       timestamptz,
    superseded_by     bigint REFERENCES reconciler.plan (id),
    applied_at        timestamptz,
    CONSTRAINT plan_approval_named CHECK (
        status IN ('proposed', 'expired', 'superseded')
        OR (approved_by IS NOT NULL AND approved_note IS NOT NULL AND approved_at IS NOT NULL))
);
CREATE INDEX plan_status ON reconciler.plan (status) WHERE status IN ('proposed', 'approved', 'applying');

-- The plan's repairs in canonical order; `repair` is PlannedRepair.storedJSON (the canonical
-- fields, the facts, and the description and explanation shown to the approver). The outcome
-- is written once the plan's apply decided the repair: applied, or changed since the plan.
CREATE TABLE reconciler.plan_repair (
    plan_id          bigint NOT NULL REFERENCES reconciler.plan (id),
    seq              integer NOT NULL CHECK (seq >= 0),
    payment_id       text NOT NULL,
    kind             text NOT NULL CHECK (kind IN ('MISSED_GRANT', 'MISSED_REFUND')),
    credits          bigint NOT NULL CHECK (credits > 0),
    repair           jsonb NOT NULL,
    outcome          text CHECK (outcome IN ('applied', 'changed')),
    outcome_run_id   bigint REFERENCES reconciler.run (id),
    PRIMARY KEY (plan_id, seq)
);
CREATE INDEX plan_repair_payment ON reconciler.plan_repair (plan_id, payment_id);

-- Each run that applied (part of) a plan: an apply killed halfway is resumed by the next
-- `plan apply`, which counts the fixes of these runs as the plan's own.
CREATE TABLE reconciler.plan_apply (
    plan_id  bigint NOT NULL REFERENCES reconciler.plan (id),
    run_id   bigint NOT NULL REFERENCES reconciler.run (id),
    PRIMARY KEY (plan_id, run_id)
);

-- Every role that may record runs may keep plans (the default privileges of
-- sql/roles/credit_reconciler_role.sql cover it when the same owner migrates; this covers the
-- rest). Still no DELETE: plans are an audit record.
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
        EXECUTE format('GRANT SELECT, INSERT, UPDATE ON reconciler.plan, reconciler.plan_repair TO %I', grantee);
        EXECUTE format('GRANT SELECT, INSERT ON reconciler.plan_apply TO %I', grantee);
        EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE reconciler.plan_id_seq TO %I', grantee);
    END LOOP;
END
$grant$;
