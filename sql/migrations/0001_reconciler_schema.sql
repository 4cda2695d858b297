-- 0001: the reconciler's own schema. Touches none of the web app's tables.
--
-- Timestamps here are timestamptz (the app's tables use Prisma's timestamp(3) holding UTC).
-- reconciler.schema_migration is created by the migrator itself before any migration runs.

CREATE SCHEMA IF NOT EXISTS reconciler;

-- One row per run. A run inserts its row as 'running' after taking the run advisory lock and
-- after marking any stale 'running' row (a crashed run) 'abandoned': at most one row may be
-- 'running' at a time.
CREATE TABLE reconciler.run (
    id            bigserial PRIMARY KEY,
    trigger       text NOT NULL CHECK (trigger IN ('timer', 'manual', 'daemon')),
    mode          text NOT NULL CHECK (mode IN ('apply', 'dry-run')),
    full_sweep    boolean NOT NULL DEFAULT false,
    payment_ids   text[],                           -- explicit --payment-id selection, if any
    window_from   timestamptz,                      -- inclusive
    window_until  timestamptz,                      -- exclusive
    started_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz,
    status        text NOT NULL DEFAULT 'running'
                  CHECK (status IN ('running', 'succeeded', 'failed', 'aborted', 'abandoned')),
    totals        jsonb NOT NULL DEFAULT '{}'::jsonb,  -- report totals (paymentsScanned, fixesApplied, ...)
    error         text,
    host          text NOT NULL,
    pid           integer NOT NULL,
    version       text NOT NULL,
    CONSTRAINT run_window_order CHECK (window_from IS NULL OR window_until IS NULL OR window_from <= window_until),
    CONSTRAINT run_finished_when_done CHECK ((status = 'running') = (finished_at IS NULL))
);

CREATE UNIQUE INDEX run_one_running ON reconciler.run ((true)) WHERE status = 'running';
CREATE INDEX run_started_at ON reconciler.run (started_at DESC);

-- Findings for review. An open discrepancy is unique per kind and subject (the payment, else
-- the user, else the run level), so later runs bump last_seen/occurrences instead of adding
-- rows: INSERT ... ON CONFLICT (kind, subject) WHERE status = 'open' DO UPDATE ...
CREATE TABLE reconciler.discrepancy (
    id                 bigserial PRIMARY KEY,
    kind               text NOT NULL CHECK (kind ~ '^[A-Z][A-Z_]*$'),
    severity           text NOT NULL CHECK (severity IN ('critical', 'warning', 'info')),
    payment_id         text,
    user_id            text,
    subject            text GENERATED ALWAYS AS
                       (coalesce('payment:' || payment_id, 'user:' || user_id, 'run')) STORED,
    expected           jsonb,
    actual             jsonb,
    evidence           jsonb,                       -- the PortOne payment as the run saw it
    detail             text NOT NULL DEFAULT '',
    first_seen_run_id  bigint NOT NULL REFERENCES reconciler.run (id),
    last_seen_run_id   bigint NOT NULL REFERENCES reconciler.run (id),
    first_seen_at      timestamptz NOT NULL DEFAULT now(),
    last_seen_at       timestamptz NOT NULL DEFAULT now(),
    occurrences        integer NOT NULL DEFAULT 1 CHECK (occurrences >= 1),
    status             text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'fixed', 'resolved', 'ignored')),
    closed_run_id      bigint REFERENCES reconciler.run (id),  -- the run that saw it gone ('fixed')
    resolution_note    text,
    resolved_by        text,
    resolved_at        timestamptz,
    CONSTRAINT discrepancy_resolution_complete
        CHECK (status NOT IN ('resolved', 'ignored') OR (resolution_note IS NOT NULL AND resolved_at IS NOT NULL))
);

CREATE UNIQUE INDEX discrepancy_open_subject ON reconciler.discrepancy (kind, subject) WHERE status = 'open';
CREATE INDEX discrepancy_status_kind ON reconciler.discrepancy (status, kind);
CREATE INDEX discrepancy_payment_id ON reconciler.discrepancy (payment_id) WHERE payment_id IS NOT NULL;
CREATE INDEX discrepancy_user_id ON reconciler.discrepancy (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX discrepancy_last_seen_run ON reconciler.discrepancy (last_seen_run_id);

-- Every repair, committed in the same transaction as its "CreditTransaction" row and balance
-- change. The unique indexes make recording the same repair twice impossible.
CREATE TABLE reconciler.fix (
    id                     bigserial PRIMARY KEY,
    run_id                 bigint NOT NULL REFERENCES reconciler.run (id),
    kind                   text NOT NULL CHECK (kind IN ('MISSED_GRANT', 'MISSED_REFUND')),
    payment_id             text NOT NULL,
    cancellation_id        text,                    -- newest PortOne cancellation a refund fix covers
    credits                bigint NOT NULL CHECK (credits > 0),  -- magnitude moved (granted or deducted)
    credit_transaction_id  text NOT NULL,           -- the "CreditTransaction".id the fix wrote
    user_id                text NOT NULL,
    balance_before         bigint NOT NULL,
    balance_after          bigint NOT NULL,
    created_at             timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT fix_cancellation_only_for_refunds CHECK (kind = 'MISSED_REFUND' OR cancellation_id IS NULL)
);

CREATE UNIQUE INDEX fix_credit_transaction ON reconciler.fix (credit_transaction_id);
CREATE UNIQUE INDEX fix_one_grant_per_payment ON reconciler.fix (payment_id) WHERE kind = 'MISSED_GRANT';
CREATE UNIQUE INDEX fix_one_refund_per_cancellation ON reconciler.fix (payment_id, cancellation_id)
    WHERE kind = 'MISSED_REFUND' AND cancellation_id IS NOT NULL;
CREATE INDEX fix_run ON reconciler.fix (run_id);
CREATE INDEX fix_user ON reconciler.fix (user_id);

-- Named progress markers, e.g. 'scan' = the end of the last successful apply-mode window.
CREATE TABLE reconciler.checkpoint (
    name        text PRIMARY KEY,
    value       timestamptz NOT NULL,
    run_id      bigint REFERENCES reconciler.run (id),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
