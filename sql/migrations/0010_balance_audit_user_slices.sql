-- 0010: the rotating balance audit (policy.balanceAuditRuns) audits one slice of every user per
-- run. A user's slice comes from the first 32 bits of the MD5 of its id (stable across
-- PostgreSQL versions): slice k of N holds the users whose number h satisfies
-- k = floor(h * N / 2^32). This index on that number lets a run read its slice as a range
-- instead of hashing every "User" row, so the audit reads what its window and one slice hold.
-- An index of the web app's own is never touched. Building it locks out user sign-ups for the
-- build (well under a second per million users).

CREATE INDEX IF NOT EXISTS "reconciler_User_audit_slice_idx"
    ON "User" ((('x' || substr(md5(id), 1, 8))::bit(32)::bigint));
