/// The `--help` texts of the tool and of each subcommand.
enum HelpText {
    static let tool = """
        credit-reconciler — keeps the prepaid-credit ledger honest against PortOne V2

        USAGE
          credit-reconciler <command> [options]

        COMMANDS
          run             reconcile a window of payments now (the nightly job)
          daemon          run on the configured schedule and follow PortOne's journal between runs
          report          render a past run's report again (md, csv, json, html)
          discrepancies   list open discrepancies, or resolve one after review
          plan            review, approve and apply the repairs a dry run or a run over its limits planned
          migrate         apply the reconciler's own database migrations
          check-config    check the configuration, the database and the PortOne secret
          status          the last runs and the open discrepancies at a glance
          demo            a throwaway database and PortOne simulator, one run, the report
          console         the web console for finance (runs, reports, discrepancies) behind a proxy

        OPTIONS
          -h, --help      show this help, or a command's help: credit-reconciler run --help
          -V, --version   show the version

        CONFIGURATION
          PORTONE_API_SECRET, PORTONE_STORE_ID, DATABASE_URL (each secret also as NAME_FILE or a
          systemd credential), PORTONE_API_BASE_URL, RECONCILER_CONFIG (default
          /etc/credit-reconciler/config.json), SMTP_URL for the report e-mail (a secret like the
          others), SMTP_CA_FILE for a mail server under a private CA.

        EXIT STATUS
          0 done · 1 run failed · 64 usage error · 69 PortOne or PostgreSQL unavailable
          75 another run holds the lock · 78 configuration error
        """

    static func text(for subcommand: Subcommand) -> String {
        switch subcommand {
        case .run:
            return """
                USAGE
                  credit-reconciler run [--since T] [--until T] [--payment-id ID]... [--full]
                                        [--dry-run] [--trigger timer|manual|daemon] [--max-fixes N]

                Compares what PortOne reports with the CreditTransaction ledger, grants missed
                credits and deducts refunded ones as policy.autoFix allows, and records every
                other discrepancy for review. By default the window runs from the last
                checkpoint minus policy.overlap to now minus policy.settleDelay.

                On a terminal, progress (pages, payments per second, repairs) is shown on standard
                error. SIGTERM or Ctrl-C finishes the repair in progress, records the run as
                aborted (the checkpoint stays) and exits 0; a second one stops at once.

                A dry run, and a run over policy.maxFixesPerRun or policy.maxCreditsPerFix (which
                applies nothing and exits 1), stores its repairs as a plan to review, approve and
                apply: see credit-reconciler plan --help.

                OPTIONS
                  --since T          start of the window (RFC 3339, or a date in the configured zone)
                  --until T          end of the window (exclusive)
                  --payment-id ID    reconcile only this payment; repeat for several
                  --full             sweep every payment created in the long period
                  --dry-run          plan only: write nothing to the app's tables, keep the checkpoint
                  --trigger KIND     what started the run: timer, manual (default) or daemon
                  --max-fixes N      allow up to N repairs this run (overrides policy.maxFixesPerRun)

                EXAMPLES
                  credit-reconciler run --dry-run
                  credit-reconciler run --since 2026-11-20 --until 2026-11-24
                  credit-reconciler run --payment-id order-20261124-0001 --payment-id order-20261124-0002
                  credit-reconciler run --max-fixes 2000
                """
        case .daemon:
            return """
                USAGE
                  credit-reconciler daemon

                Runs reconciliations on the configured schedule: daily at schedule.at in
                schedule.timeZone (default 03:00 Asia/Seoul, daylight saving time handled), or every
                schedule.every. Made for systemd Type=notify (credit-reconcilerd.service): it sends
                READY=1 after its start-up checks, STATUS= with the next run and the last result,
                WATCHDOG=1 at half of WatchdogSec, and STOPPING=1, to $NOTIFY_SOCKET.

                Between runs it follows PortOne's journal of payment events (follow.enabled,
                default on): every follow.interval (10s) it decides the payments with new events,
                leaving PAID events younger than follow.grace (45s) to the web app's webhook, at
                most follow.maxFixesPerTick (100) per tick. Ticks and runs never overlap. STATUS=
                and credit-reconciler status show how far behind the journal it is.

                SIGNALS
                  SIGUSR1          run now (ignored while a run is in progress)
                  SIGHUP           reload the configuration file and credentials; a bad new
                                   configuration is logged and the running one kept
                  SIGTERM, SIGINT  stop: a run in progress finishes the repair in progress, is
                                   recorded as aborted (the checkpoint stays), then exit 0

                A failed run is logged and the schedule goes on; a run that finds another run
                holding the lock is tried again a minute later. Exits 78 at start-up when the
                configuration, a credential or the database schema is wrong.

                EXAMPLES
                  systemctl start credit-reconcilerd
                  systemctl kill -s SIGUSR1 credit-reconcilerd     # run now
                  systemctl reload credit-reconcilerd              # after editing config.json
                """
        case .report:
            return """
                USAGE
                  credit-reconciler report [--run ID|latest] [--format md|csv|json|html] [--output FILE]

                Renders a past run from the database, identical to the files written at the time.

                OPTIONS
                  --run ID|latest    which run (default: latest)
                  --format F         md (default), csv, json or html
                  --output FILE      write to FILE instead of standard output

                EXAMPLES
                  credit-reconciler report
                  credit-reconciler report --run 42 --format csv --output run-42.csv
                """
        case .discrepancies:
            return """
                USAGE
                  credit-reconciler discrepancies list [--status open|fixed|resolved|ignored|all] [--kind K]
                  credit-reconciler discrepancies resolve ID --note TEXT [--by NAME] [--ignore]

                Discrepancies are never repaired automatically. After review, close one with a note
                for the audit trail; --ignore closes it as not to be acted on.

                EXAMPLES
                  credit-reconciler discrepancies list --kind AMOUNT_MISMATCH
                  credit-reconciler discrepancies resolve 17 --note "refunded by hand in the console" --by kim
                """
        case .plan:
            return """
                USAGE
                  credit-reconciler plan list
                  credit-reconciler plan show ID|latest [--format md|csv|json|html] [--output FILE]
                  credit-reconciler plan approve ID --by NAME --note TEXT
                  credit-reconciler plan apply ID

                Every dry run, and every run over policy.maxFixesPerRun or policy.maxCreditsPerFix,
                stores the repairs it would have applied as a plan: each repair with the facts it was
                decided on, and a SHA-256 of the whole plan. A newer plan supersedes older plans not
                yet applied (proposed or approved); a plan expires approval.planTtl (default 24h)
                after it was made. An approver reads it (--format html is made for that) and
                approves it by name with a note. plan apply writes exactly the plan's repairs: each
                payment is fetched and decided again, and written only when the fresh decision equals
                the plan; the others are listed as changed since the plan. A plan is applied once. An
                apply that was interrupted (kill, crash) is finished by running plan apply again;
                SIGTERM or Ctrl-C stops it after the repair in progress (exit 1: run it again).

                EXIT STATUS
                  0 done · 1 refused (unknown plan, not approved, already approved or applied,
                  expired, superseded: the message says what to do) or the apply failed
                  64 usage error · 69 PortOne or PostgreSQL unavailable · 75 a run holds the lock
                  78 configuration error

                EXAMPLES
                  credit-reconciler run --dry-run
                  credit-reconciler plan show latest --format html --output plan.html
                  credit-reconciler plan approve 12 --by kim --note "checked against the PG settlement"
                  credit-reconciler plan apply 12
                """
        case .migrate:
            return """
                USAGE
                  credit-reconciler migrate

                Applies the reconciler's own migrations (schema "reconciler" and the unique index on
                PURCHASE "paymentId") to the web app's database named by DATABASE_URL. The app's
                tables must already exist; they are never created, altered or dropped. Running it
                again is a no-op.

                EXAMPLES
                  DATABASE_URL=postgresql://reconciler@db.internal/app credit-reconciler migrate
                """
        case .checkConfig:
            return """
                USAGE
                  credit-reconciler check-config

                Checks what a run needs and prints one ✔ or ✘ line per check: the configuration
                file and environment (every problem named), PostgreSQL (reachable, migrations
                applied, the role's privileges) and PortOne (one GET /payments of one payment with
                the secret: a wrong or expired secret, or a store the secret does not belong to,
                is named). Nothing is written anywhere.

                EXIT STATUS
                  0 every check passed · 78 a configuration, credential, schema or privilege
                  problem · 69 PostgreSQL or PortOne cannot be reached

                EXAMPLES
                  credit-reconciler check-config
                  sudo systemd-run --pipe -p LoadCredential=PORTONE_API_SECRET:/etc/credit-reconciler/portone-api-secret \\
                      -p LoadCredential=DATABASE_URL:/etc/credit-reconciler/database-url \\
                      -p EnvironmentFile=/etc/credit-reconciler/environment /usr/local/bin/credit-reconciler check-config
                """
        case .console:
            return """
                USAGE
                  credit-reconciler console [--listen ADDR]

                Serves the finance console: the runs and their reports, the discrepancies (filter,
                resolve, ignore). ADDR is a loopback HOST:PORT (default console.listen,
                127.0.0.1:8470) or unix:/path. Put it behind the company's reverse proxy, which
                signs people in and names them in console.userHeader (X-Forwarded-User); requests
                without it are refused. console.editors may resolve and ignore. Needs DATABASE_URL
                and the configuration file only. Stops on SIGTERM.
                """
        case .status:
            return """
                USAGE
                  credit-reconciler status

                Shows the last runs, the checkpoint and the open discrepancies by kind.
                """
        case .demo:
            return """
                USAGE
                  credit-reconciler demo

                Starts a throwaway PostgreSQL and the PortOne simulator with a realistic data set,
                runs one reconciliation and prints the report. Nothing outside a temporary folder
                is touched.
                """
        }
    }
}
