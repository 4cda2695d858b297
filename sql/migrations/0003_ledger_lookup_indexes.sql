-- 0003: indexes the reconciler's queries need on the web app's "CreditTransaction".
--
--   ("paymentId")  every row of a payment, any type (PURCHASE and REFUND sums per payment)
--   ("userId")     a user's rows, for BALANCE_DRIFT (sum of transactions vs "Credit".balance)
--   ("createdAt")  ledger rows in a run's window whose payment the PortOne scan did not return
--
-- Named with a reconciler_ prefix so they can never collide with an index Prisma creates.
-- Each is skipped when the table already has an index leading with that column.

DO $migration$
DECLARE
    wanted record;
BEGIN
    FOR wanted IN
        SELECT * FROM (VALUES
            ('paymentId', 'reconciler_CreditTransaction_paymentId_idx'),
            ('userId', 'reconciler_CreditTransaction_userId_idx'),
            ('createdAt', 'reconciler_CreditTransaction_createdAt_idx')
        ) AS v (column_name, index_name)
    LOOP
        IF NOT EXISTS (
            SELECT 1
            FROM pg_index i
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
            WHERE i.indrelid = '"CreditTransaction"'::regclass
              AND a.attname = wanted.column_name
              AND i.indpred IS NULL
        ) THEN
            EXECUTE format('CREATE INDEX %I ON "CreditTransaction" (%I)', wanted.index_name, wanted.column_name);
        END IF;
    END LOOP;
END
$migration$;
