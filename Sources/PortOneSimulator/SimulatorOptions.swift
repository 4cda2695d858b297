import Foundation

/// Everything `portone-simulator` was asked to do, parsed from its arguments.
public struct SimulatorOptions: Sendable {
    /// Loopback address to bind.
    public var host = "127.0.0.1"
    /// Port (0: pick a free one).
    public var port = 0
    /// Our store id.
    public var storeId = GeneratorOptions.defaultStoreId
    /// Payments to generate (nil: none unless `dataFile`).
    public var generate: Int?
    /// Generator seed.
    public var seed: UInt64 = 1
    /// Generator window start.
    public var from: Timestamp?
    /// Generator window end.
    public var until: Timestamp?
    /// Number of buyers.
    public var users: Int?
    /// Generator shares, by flag name without `--` (e.g. `failed-rate`).
    public var shares: [String: Double] = [:]
    /// A saved data set to load.
    public var dataFile: String?
    /// Where to save the data set.
    public var saveFile: String?
    /// Where to write the web-app ledger.
    public var ledgerDirectory: String?
    /// Ledger mistakes to inject.
    public var ledger = LedgerOptions()
    /// Initial faults.
    public var faults = FaultConfiguration()
    /// Live traffic (its seed is `--live-seed`, else `--seed`; its webhook secret comes from
    /// the environment, never from a flag).
    public var live = LiveTrafficConfiguration()
    /// Whether `--live-seed` was given.
    public var liveSeedGiven = false
    /// Largest accepted request body.
    public var maxBodyBytes = 64 * 1024 * 1024
    /// Log each request to stderr.
    public var logRequests = false
    /// Exit after writing the data set and ledger, without serving.
    public var noServe = false
    /// Show help.
    public var help = false

    /// The generator shares: flag name and the `GeneratorOptions` property it sets.
    public static var shareFlags: [(String, WritableKeyPath<GeneratorOptions, Double>, String)] {
        [
            ("failed-rate", \.failedRate, "share of FAILED payments (default 0.06)"),
            ("ready-rate", \.readyRate, "share of READY (abandoned) payments (default 0.04)"),
            ("pay-pending-rate", \.payPendingRate, "share of PAY_PENDING payments (default 0.005)"),
            ("virtual-account-rate", \.virtualAccountRate, "share of VIRTUAL_ACCOUNT_ISSUED payments (default 0.005)"),
            ("cancel-rate", \.cancelRate, "share of paid payments fully cancelled (default 0.04)"),
            (
                "partial-cancel-rate", \.partialCancelRate,
                "share of paid payments partially cancelled 1-3 times (default 0.03)"
            ),
            (
                "pending-cancellation-rate", \.pendingCancellationRate,
                "share of paid payments with a REQUESTED/FAILED cancellation (default 0.01)"
            ),
            ("test-rate", \.testRate, "share of test-channel payments (default 0.02)"),
            ("v1-rate", \.v1Rate, "share of V1 payments (default 0.005)"),
            (
                "amount-mismatch-rate", \.amountMismatchRate,
                "share of payments whose amount differs from the package price (default 0.003)"
            ),
            (
                "missing-custom-data-rate", \.missingCustomDataRate,
                "share of payments without customData (default 0.05)"
            ),
        ]
    }

    /// Creates default options.
    public init() {}

    /// Parses the arguments (without the program name). Throws a usage failure (exit 64).
    public static func parse(_ arguments: [String]) throws(SimulatorFailure) -> SimulatorOptions {
        var o = SimulatorOptions()
        var i = 0
        func value(_ flag: String) throws(SimulatorFailure) -> String {
            guard i + 1 < arguments.count else { throw .usage("\(flag) needs a value") }
            i += 1
            return arguments[i]
        }
        func int(_ flag: String, _ range: ClosedRange<Int>) throws(SimulatorFailure) -> Int {
            let text = try value(flag)
            guard let v = Int(text), range.contains(v) else {
                throw .usage("\(flag) must be an integer in \(range.lowerBound)...\(range.upperBound), got \"\(text)\"")
            }
            return v
        }
        func rate(_ flag: String) throws(SimulatorFailure) -> Double {
            let text = try value(flag)
            guard let v = Double(text), v >= 0, v <= 1 else {
                throw .usage("\(flag) must be a number between 0 and 1, got \"\(text)\"")
            }
            return v
        }
        func time(_ flag: String) throws(SimulatorFailure) -> Timestamp {
            let text = try value(flag)
            if let t = Timestamp.parse(text) { return t }
            if let t = Timestamp.parse(text + "T00:00:00Z") { return t }
            throw .usage("\(flag) must be RFC 3339 (2026-11-24T00:00:00Z) or a UTC date (2026-11-24), got \"\(text)\"")
        }
        let big = 1_000_000_000
        while i < arguments.count {
            var arg = arguments[i]
            if arg.hasPrefix("--"), let eq = arg.firstIndex(of: "=") {
                let flag = String(arg[..<eq])
                let rest = String(arg[arg.index(after: eq)...])
                var copy = arguments
                copy[i] = flag
                copy.insert(rest, at: i + 1)
                return try parse(copy)
            }
            if arg == "-h" { arg = "--help" }
            switch arg {
            case "--help": o.help = true
            case "--host":
                o.host = try value(arg)
                guard o.host.hasPrefix("127.") || o.host == "localhost" else {
                    throw .usage("--host must be a loopback address (127.x.x.x), got \"\(o.host)\"")
                }
                if o.host == "localhost" { o.host = "127.0.0.1" }
            case "--port": o.port = try int(arg, 0...65535)
            case "--store-id":
                o.storeId = try value(arg)
                guard !o.storeId.isEmpty else { throw .usage("--store-id must not be empty") }
            case "--generate": o.generate = try int(arg, 0...50_000_000)
            case "--seed":
                let text = try value(arg)
                guard let s = UInt64(text) else {
                    throw .usage("--seed must be a non-negative integer, got \"\(text)\"")
                }
                o.seed = s
            case "--from": o.from = try time(arg)
            case "--until": o.until = try time(arg)
            case "--users": o.users = try int(arg, 1...50_000_000)
            case "--data": o.dataFile = try value(arg)
            case "--save": o.saveFile = try value(arg)
            case "--ledger-out": o.ledgerDirectory = try value(arg)
            case "--lost-grant-rate": o.ledger.lostGrantRate = try rate(arg)
            case "--duplicate-grant-rate": o.ledger.duplicateGrantRate = try rate(arg)
            case "--wrong-credits-rate": o.ledger.wrongCreditsRate = try rate(arg)
            case "--phantom-grant-rate": o.ledger.phantomGrantRate = try rate(arg)
            case "--balance-drift-rate": o.ledger.balanceDriftRate = try rate(arg)
            case "--deleted-user-rate": o.ledger.deletedUserRate = try rate(arg)
            case "--missed-refund":
                let text = try value(arg)
                switch text {
                case "all": o.ledger.missedRefundRate = 1
                case "none": o.ledger.missedRefundRate = 0
                default:
                    guard let v = Double(text), v >= 0, v <= 1 else {
                        throw .usage("--missed-refund must be all, none or a share between 0 and 1, got \"\(text)\"")
                    }
                    o.ledger.missedRefundRate = v
                }
            case "--latency-ms": o.faults.latencyMs = try int(arg, 0...600_000)
            case "--jitter-ms": o.faults.jitterMs = try int(arg, 0...600_000)
            case "--rate-limit-every": o.faults.rateLimitEvery = try int(arg, 0...big)
            case "--retry-after-seconds": o.faults.retryAfterSeconds = try int(arg, 0...86_400)
            case "--server-error-every": o.faults.serverErrorEvery = try int(arg, 0...big)
            case "--drop-connection-every": o.faults.dropConnectionEvery = try int(arg, 0...big)
            case "--truncate-every": o.faults.truncateEvery = try int(arg, 0...big)
            case "--malformed-every": o.faults.malformedEvery = try int(arg, 0...big)
            case "--html-error-every": o.faults.htmlErrorEvery = try int(arg, 0...big)
            case "--unknown-status-every": o.faults.unknownStatusEvery = try int(arg, 0...big)
            case "--mutate-every": o.faults.mutateEvery = try int(arg, 0...big)
            case "--empty-page-every": o.faults.emptyPageEvery = try int(arg, 0...big)
            case "--live-rate":
                let text = try value(arg)
                guard let v = Double(text), v >= 0, v <= 10_000 else {
                    throw .usage("--live-rate must be a number of payments per second in 0...10000, got \"\(text)\"")
                }
                o.live.rate = v
            case "--live-limit": o.live.limit = try int(arg, 0...Int(Int32.max))
            case "--live-seed":
                let text = try value(arg)
                guard let s = UInt64(text) else {
                    throw .usage("--live-seed must be a non-negative integer, got \"\(text)\"")
                }
                o.live.seed = s
                o.liveSeedGiven = true
            case "--live-cancel-rate": o.live.cancelRate = try rate(arg)
            case "--live-partial-cancel-rate": o.live.partialCancelRate = try rate(arg)
            case "--live-quiet-rate": o.live.quietPartialCancelRate = try rate(arg)
            case "--live-cancel-delay-min", "--live-cancel-delay-max":
                let text = try value(arg)
                guard let v = Double(text), v >= 0, v <= 86_400 else {
                    throw .usage("\(arg) must be a number of seconds in 0...86400, got \"\(text)\"")
                }
                if arg == "--live-cancel-delay-min" { o.live.cancelDelayMin = v } else { o.live.cancelDelayMax = v }
            case "--webhook-url":
                let text = try value(arg)
                guard LoopbackPost(url: text) != nil else {
                    throw .usage(
                        "--webhook-url must be a loopback http URL (http://127.0.0.1:PORT/path), got \"\(text)\"")
                }
                o.live.webhookURL = text
            case "--webhook-loss-rate": o.live.webhookLossRate = try rate(arg)
            case "--max-body-bytes": o.maxBodyBytes = try int(arg, 1024...1_073_741_824)
            case "--log-requests": o.logRequests = true
            case "--no-serve": o.noServe = true
            default:
                let name = String(arg.dropFirst(2))
                if arg.hasPrefix("--"), shareFlags.contains(where: { $0.0 == name }) {
                    o.shares[name] = try rate(arg)
                } else {
                    throw .usage("unknown argument \"\(arg)\"")
                }
            }
            i += 1
        }
        if o.help { return o }
        if o.generate != nil && o.dataFile != nil { throw .usage("use either --generate or --data, not both") }
        if o.generate == nil && (o.from != nil || o.until != nil || o.users != nil || !o.shares.isEmpty) {
            throw .usage("--from, --until, --users and the share flags only apply to --generate")
        }
        if let from = o.from, let until = o.until, from >= until {
            throw .usage("--from must be before --until")
        }
        if !o.liveSeedGiven { o.live.seed = o.seed }
        guard o.live.cancelRate + o.live.partialCancelRate <= 1 else {
            throw .usage("--live-cancel-rate plus --live-partial-cancel-rate must be at most 1")
        }
        guard o.live.cancelDelayMin <= o.live.cancelDelayMax else {
            throw .usage("--live-cancel-delay-min must not exceed --live-cancel-delay-max")
        }
        return o
    }

    /// The generator options these arguments describe (nil when not generating).
    public func generatorOptions() -> GeneratorOptions? {
        guard let count = generate else { return nil }
        var g = GeneratorOptions(count: count, seed: seed, from: from, until: until, storeId: storeId)
        g.userCount = users
        for (name, keyPath, _) in Self.shareFlags {
            if let value = shares[name] { g[keyPath: keyPath] = value }
        }
        return g
    }

    /// The `--help` text.
    public static var helpText: String {
        var text = """
            portone-simulator — a local PortOne V2 REST API for demos, tests and benchmarks

            USAGE
              PORTONE_API_SECRET=... portone-simulator [options]

            Serves GET /payments, /payments-by-cursor, /payment-events-by-cursor and
            /payments/{paymentId} over HTTP/1.1 on loopback, plus the control API:
            GET /_simulator/stats, GET|PUT /_simulator/faults, POST /_simulator/payments,
            POST /_simulator/mutate, GET|PUT /_simulator/live, GET /_simulator/live/log
            (all need "Authorization: PortOne <secret>").
            When ready it prints one line: portone-simulator listening on http://127.0.0.1:<port>
            SIGTERM or SIGINT stops it (exit 0).

            ENVIRONMENT
              PORTONE_API_SECRET        the API secret clients must send (required, never printed)
              PORTONE_WEBHOOK_SECRET    the webhook secret (whsec_… or base64) that signs live
                                        webhooks; required with --webhook-url

            GENERAL
              -h, --help                show this help and exit

            SERVER
              --host ADDR               loopback address to bind (default 127.0.0.1)
              --port N                  port, 0 picks a free one (default 0)
              --store-id ID             our store (default \(GeneratorOptions.defaultStoreId))
              --max-body-bytes N        largest request body accepted (default 67108864)
              --log-requests            log each request to stderr
              --no-serve                write --save/--ledger-out output and exit without serving

            DATA
              --generate N              generate N payments (default: start empty)
              --seed S                  generator seed (default 1); same seed, same data
              --from T --until T        request-time window, RFC 3339 or UTC date
                                        (default: the 30 days ending now)
              --users N                 number of buyers (default N/4)
              --data FILE               load a saved data set (JSON lines, one Payment per line)
              --save FILE               save the data set as JSON lines

            """
        for (name, _, help) in shareFlags {
            let flag = "--\(name) R"
            text += "  \(flag.padding(toLength: max(flag.count + 2, 30), withPad: " ", startingAt: 0))\(help)\n"
        }
        text += """

            LEDGER (web-app tables as PostgreSQL COPY text files)
              --ledger-out DIR          write User.copy, Credit.copy, CreditTransaction.copy, expected.json
              --lost-grant-rate R       share of paid payments whose grant was lost (default 0.02)
              --missed-refund all|none|R  share of refunds the app never deducted (default all)
              --duplicate-grant-rate R  share of grants written twice (default 0.002)
              --wrong-credits-rate R    share of grants with the wrong credits (default 0.002)
              --phantom-grant-rate R    grants without a paid payment, per payment (default 0.001)
              --balance-drift-rate R    share of users whose balance ≠ sum of rows (default 0.005)
              --deleted-user-rate R     share of users missing from User (UNKNOWN_USER) (default 0.001)

            FAULTS (N = every Nth API request, 0 = off; also PUT /_simulator/faults)
              --latency-ms N            fixed delay per API request
              --jitter-ms N             extra random delay 0..N
              --rate-limit-every N      answer 429 with Retry-After
              --retry-after-seconds N   the Retry-After value (default 1)
              --server-error-every N    answer 500 (JSON) / 503 (text), alternately
              --drop-connection-every N close the connection without an answer
              --truncate-every N        send half the body, then close
              --malformed-every N       answer 200 with a body that is not JSON
              --html-error-every N      answer 502 with an HTML page
              --unknown-status-every N  first payment's status becomes PAY_SCHEDULED
              --mutate-every N          every Nth list request cancels a random PAID payment now
              --empty-page-every N      every Nth GET /payments page comes back with no items

            LIVE TRAFFIC (while serving; also PUT /_simulator/live, GET /_simulator/live/log)
              --live-rate N             new PAID payments per second, 0 = none (default 0)
              --live-limit N            stop after N live payments in all (default: no limit)
              --live-seed S             seed of the live sequence (default: --seed)
              --live-cancel-rate R      share later fully cancelled (default 0.05)
              --live-partial-cancel-rate R  share later partially cancelled 1-3 times (default 0.03)
              --live-quiet-rate R       share of 2nd/3rd partial cancellations that leave
                                        statusChangedAt unchanged (default 0.5)
              --live-cancel-delay-min S --live-cancel-delay-max S
                                        seconds before each cancellation (default 2 and 20)
              --webhook-url URL         POST a signed 2024-04-25 webhook for every live change
                                        to this loopback URL (http://127.0.0.1:PORT/path)
              --webhook-loss-rate R     share of webhooks never sent (default 0)
              Live payments are bought by the data set's users (those written to --ledger-out
              when given) with customData {"userId","packageId"}; same seed, same sequence.

            EXIT CODES
              0 stopped by SIGTERM/SIGINT or done; 64 usage error; 65 bad data file;
              66 data file missing; 69 cannot listen (port in use); 70 internal error;
              73 cannot write output

            """
        return text
    }
}
