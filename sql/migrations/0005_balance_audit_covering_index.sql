-- 0005: the run's balance audit (sum and count of every user's "CreditTransaction" rows, compared
-- with "Credit".balance) reads the ledger through an index instead of the table.
--
--   ("userId") INCLUDE (amount)   the audit's GROUP BY "userId" and the per-user sums become
--                                  index-only scans (no heap pages once the table is vacuumed)
--
-- It serves every lookup by "userId" too, so the plain reconciler_CreditTransaction_userId_idx of
-- 0003 (only ever created by the reconciler) is dropped: one index to maintain, not two.
-- An index of the web app's own is never touched. Building it locks out ledger writes for the
-- build (about a second per million rows): run `migrate` outside the web app's busy hours.

CREATE INDEX IF NOT EXISTS "reconciler_CreditTransaction_userId_amount_idx"
    ON "CreditTransaction" ("userId") INCLUDE (amount);

DROP INDEX IF EXISTS "reconciler_CreditTransaction_userId_idx";
