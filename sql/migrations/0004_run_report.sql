-- 0004: each run keeps the report document it wrote (the JSON of the report contract), so
-- `credit-reconciler report --run ID` renders it again exactly as it was at the time, even after
-- discrepancies were resolved later.
ALTER TABLE reconciler.run ADD COLUMN report json;  -- json, not jsonb: kept byte for byte
