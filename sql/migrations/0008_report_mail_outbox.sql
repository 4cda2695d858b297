-- 0008: the report e-mail's outbox (DESIGN §7).
--
-- A run writes its report e-mail here before sending it, and marks it sent once the mail server
-- took it: a mail the server did not take stays pending and the next run sends it again. The
-- message is the whole MIME text (7-bit: every body is base64); it never holds SMTP_URL.
CREATE TABLE reconciler.report_mail (
    id               bigserial PRIMARY KEY,
    run_id           bigint NOT NULL REFERENCES reconciler.run (id),
    created_at       timestamptz NOT NULL DEFAULT now(),
    sender           text NOT NULL,
    recipients       text[] NOT NULL CHECK (cardinality(recipients) > 0),
    subject          text NOT NULL,
    message          text NOT NULL,
    attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_attempt_at  timestamptz,
    last_error       text,                    -- why the last attempt failed (never a secret)
    sent_at          timestamptz
);

CREATE INDEX report_mail_pending ON reconciler.report_mail (id) WHERE sent_at IS NULL;

-- Every role that may record runs may keep the outbox (see 0007 for why both ways).
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
        EXECUTE format('GRANT SELECT, INSERT, UPDATE ON reconciler.report_mail TO %I', grantee);
        EXECUTE format('GRANT USAGE ON SEQUENCE reconciler.report_mail_id_seq TO %I', grantee);
    END LOOP;
END
$grant$;
