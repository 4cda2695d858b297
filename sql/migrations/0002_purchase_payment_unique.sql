-- 0002: a payment can be granted once, whoever grants it (the web app's webhook or the
-- reconciler): a unique partial index on "CreditTransaction"("paymentId") for PURCHASE rows.
--
-- Existing duplicate PURCHASE rows would make CREATE UNIQUE INDEX fail with an obscure unique
-- violation, so they are looked for first and reported as DUPLICATE_GRANT, and the migration
-- stops (its transaction rolls back: nothing is half-applied).

DO $migration$
DECLARE
    duplicate_payments integer;
    listing text;
BEGIN
    SELECT count(*) INTO duplicate_payments
    FROM (
        SELECT "paymentId" FROM "CreditTransaction"
        WHERE type = 'PURCHASE' AND "paymentId" IS NOT NULL
        GROUP BY "paymentId" HAVING count(*) > 1
    ) AS duplicated;

    IF duplicate_payments > 0 THEN
        SELECT string_agg(line, E'\n' ORDER BY line) INTO listing
        FROM (
            SELECT format('DUPLICATE_GRANT paymentId=%s count=%s rows=[%s] users=[%s] credits=[%s]',
                          "paymentId", count(*),
                          string_agg(id, ', ' ORDER BY "createdAt", id),
                          string_agg(DISTINCT "userId", ', '),
                          string_agg(amount::text, ', ' ORDER BY "createdAt", id)) AS line
            FROM "CreditTransaction"
            WHERE type = 'PURCHASE' AND "paymentId" IS NOT NULL
            GROUP BY "paymentId" HAVING count(*) > 1
            ORDER BY "paymentId"
            LIMIT 200
        ) AS lines;

        RAISE EXCEPTION 'DUPLICATE_GRANT: % payment(s) have more than one PURCHASE row in "CreditTransaction"; the unique index on "CreditTransaction"("paymentId") WHERE type = ''PURCHASE'' cannot be created', duplicate_payments
            USING DETAIL = listing || CASE WHEN duplicate_payments > 200
                                           THEN format(E'\n... and %s more', duplicate_payments - 200)
                                           ELSE '' END,
                  HINT = 'Review and correct the duplicates (keep one PURCHASE row per payment and compensate the extra credits, e.g. with an ADJUSTMENT row), then rerun credit-reconciler migrate.';
    END IF;
END
$migration$;

CREATE UNIQUE INDEX IF NOT EXISTS "CreditTransaction_paymentId_purchase_key"
    ON "CreditTransaction" ("paymentId") WHERE type = 'PURCHASE';
