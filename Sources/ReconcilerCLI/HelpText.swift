/// The `--help` texts of the tool and of each subcommand.
enum HelpText {
    static let tool = """
        credit-reconciler — keeps the prepaid-credit ledger honest against PortOne V2

        USAGE
          credit-reconciler <command> [options]

        COMMANDS
          run             reconcile a window of payments now (the nightly job)
          daemon          run on the configured schedule, for systemd Type=notify
          report          render a past run's report again (md, csv, json, html)
          discrepancies   list open discrepancies, or resolve one after review
          migrate         apply the reconciler's own database migrations
          check-config    check the configuration, the database and the PortOne secret
          status          the last runs and the open discrepancies at a glance
          demo            a throwaway database and PortOne simulator, one run, the report

        OPTIONS
          -h, --help      show this help, or a command's help: credit-reconciler run --help
          -V, --version   show the version

        CONFIGURATION
          PORTONE_API_SECRET, PORTONE_STORE_ID, DATABASE_URL (each secret also as NAME_FILE or a
          systemd credential), PORTONE_API_BASE_URL, RECONCILER_CONFIG (default
          /etc/credit-reconciler/config.json).

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

                Runs reconciliations on the configured schedule (default daily at 03:00
                Asia/Seoul), notifying systemd. SIGUSR1 runs at once, SIGHUP reloads the
                configuration, SIGTERM finishes the repair in progress and stops.

                EXAMPLES
                  systemctl start credit-reconcilerd
                  kill -USR1 $(systemctl show -p MainPID --value credit-reconcilerd)
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

                Validates the configuration file and environment, connects to PostgreSQL (pending
                migrations, privileges) and calls PortOne once with the secret; prints a verdict per
                check and exits 0 only when every check passes.
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
