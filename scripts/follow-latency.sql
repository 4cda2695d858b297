-- How quickly the follow loop repaired the simulator's live payments: psql with the variable
-- `content` holding `GET /_simulator/live/log` (scripts/benchmark-follow, scripts/demo).
-- Seconds from each PAID event to its granted credits (reconciler.fix of kind MISSED_GRANT) and
-- from each cancellation to the first deduction after it; payments never repaired count as such.
CREATE TEMP TABLE live AS
    SELECT p->>'paymentId' AS payment_id, (p->>'paidAt')::timestamptz AS paid_at, p->'cancellations' AS cancellations
    FROM jsonb_array_elements((:'content')::jsonb->'payments') AS p;
CREATE TEMP TABLE grant_latency AS
    SELECT l.payment_id, extract(epoch FROM min(f.created_at) - l.paid_at) AS seconds
    FROM live l LEFT JOIN reconciler.fix f ON f.payment_id = l.payment_id AND f.kind = 'MISSED_GRANT'
    GROUP BY l.payment_id, l.paid_at;
CREATE TEMP TABLE refund_latency AS
    SELECT c.payment_id, extract(epoch FROM (
        SELECT min(f.created_at) FROM reconciler.fix f
        WHERE f.payment_id = c.payment_id AND f.kind = 'MISSED_REFUND' AND f.created_at >= c.at) - c.at) AS seconds
    FROM (SELECT l.payment_id, (x->>'at')::timestamptz AS at FROM live l, jsonb_array_elements(l.cancellations) x) c;
SELECT format('grants: %s paid, %s granted, p50=%ss p99=%ss max=%ss',
              count(*), count(seconds), round(percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds)::numeric, 1),
              round(percentile_cont(0.99) WITHIN GROUP (ORDER BY seconds)::numeric, 1), round(max(seconds)::numeric, 1))
FROM grant_latency;
SELECT format('deductions: %s cancellations, %s deducted, p50=%ss p99=%ss max=%ss',
              count(*), count(seconds), round(percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds)::numeric, 1),
              round(percentile_cont(0.99) WITHIN GROUP (ORDER BY seconds)::numeric, 1), round(max(seconds)::numeric, 1))
FROM refund_latency;
SELECT format('purchases granted twice: %s', count(*)) FROM (
    SELECT "paymentId" FROM "CreditTransaction" WHERE type = 'PURCHASE' GROUP BY 1 HAVING count(*) > 1) AS d;
