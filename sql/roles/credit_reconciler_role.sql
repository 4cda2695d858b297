-- Least-privilege login role for credit-reconciler's runtime (run, daemon, report, status...).
--
-- Run it as the owner of the web app's tables (or a superuser), AFTER `credit-reconciler
-- migrate` created the reconciler schema. Idempotent: rerunning it resets the role's grants
-- to exactly the list below. Plain SQL (no psql meta-commands), so any client can run it.
--
-- Role name: the setting credit_reconciler.role_name (default credit_reconciler).
-- Password:  set it separately, so it never sits in a file, argv or the shell history:
--              psql "$DATABASE_URL" -c '\password credit_reconciler'
--            (or SET credit_reconciler.role_password before running this script).
--
--   psql "$DATABASE_URL" -v ON_ERROR_STOP=1 \
--        -c "SET credit_reconciler.role_name = 'credit_reconciler'" \
--        -f sql/roles/credit_reconciler_role.sql
--
-- Grants:
--   "User"               SELECT
--   "CreditTransaction"  SELECT, INSERT
--   "Credit"             SELECT, INSERT, UPDATE (balance, "updatedAt")   (UPDATE also allows FOR UPDATE)
--   schema reconciler    USAGE, CREATE; its tables SELECT, INSERT, UPDATE; its sequences USAGE, SELECT
--                        (also for tables later migrations create, through default privileges);
--                        except reconciler.fix: SELECT, INSERT (repairs are never edited) and
--                        reconciler.schema_migration: SELECT (only migrate records migrations)
--   DELETE and TRUNCATE: nowhere. Migrations are run by the owner, not by this role.

DO $role$
DECLARE
    role_name text := coalesce(nullif(current_setting('credit_reconciler.role_name', true), ''), 'credit_reconciler');
    role_password text := nullif(current_setting('credit_reconciler.role_password', true), '');
BEGIN
    IF to_regclass('reconciler.run') IS NULL THEN
        RAISE EXCEPTION 'schema "reconciler" is missing in database %', current_database()
            USING HINT = 'run credit-reconciler migrate first, then this script';
    END IF;

    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = role_name) THEN
        EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT', role_name);
    ELSE
        EXECUTE format('ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT', role_name);
    END IF;
    IF role_password IS NOT NULL THEN
        EXECUTE format('ALTER ROLE %I PASSWORD %L', role_name, role_password);
    END IF;

    EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), role_name);
    EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', role_name);

    -- The web app's tables: reset, then exactly what the reconciler needs.
    EXECUTE format('REVOKE ALL ON "User", "Credit", "CreditTransaction" FROM %I', role_name);
    IF to_regclass('"Subscription"') IS NOT NULL THEN
        EXECUTE format('REVOKE ALL ON "Subscription" FROM %I', role_name);
    END IF;
    EXECUTE format('GRANT SELECT ON "User" TO %I', role_name);
    EXECUTE format('GRANT SELECT, INSERT ON "CreditTransaction" TO %I', role_name);
    EXECUTE format('GRANT SELECT, INSERT ON "Credit" TO %I', role_name);
    EXECUTE format('GRANT UPDATE (balance, "updatedAt") ON "Credit" TO %I', role_name);

    -- The reconciler's own schema: everything but DELETE/TRUNCATE.
    EXECUTE format('GRANT USAGE, CREATE ON SCHEMA reconciler TO %I', role_name);
    EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA reconciler FROM %I', role_name);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA reconciler TO %I', role_name);
    EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA reconciler TO %I', role_name);
    -- Audit records stay as written: repairs are never edited, migrations are recorded by migrate.
    EXECUTE format('REVOKE UPDATE ON reconciler.fix FROM %I', role_name);
    EXECUTE format('REVOKE INSERT, UPDATE ON reconciler.schema_migration FROM %I', role_name);
    -- The repair queue is a run's working copy (migration 0006): a run empties its own.
    IF to_regclass('reconciler.run_repair') IS NOT NULL THEN
        EXECUTE format('GRANT DELETE ON reconciler.run_repair TO %I', role_name);
    END IF;
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA reconciler GRANT SELECT, INSERT, UPDATE ON TABLES TO %I', role_name);
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA reconciler GRANT USAGE, SELECT ON SEQUENCES TO %I', role_name);
END
$role$;
