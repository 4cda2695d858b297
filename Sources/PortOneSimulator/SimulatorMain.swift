import Foundation

/// The `portone-simulator` command: parse, build the data, write outputs, serve until a signal.
public enum SimulatorMain {
    /// Runs the command and returns its exit code (serving never returns: it exits on a signal).
    public static func run(arguments: [String], environment: [String: String]) -> Int32 {
        do {
            var options = try SimulatorOptions.parse(arguments)
            if options.help {
                FileHandle.standardOutput.write(Data(SimulatorOptions.helpText.utf8))
                return 0
            }
            guard let secret = environment["PORTONE_API_SECRET"], !secret.isEmpty else {
                throw SimulatorFailure.usage("PORTONE_API_SECRET is not set; export the API secret clients will send")
            }
            options.live.webhookSecret = environment["PORTONE_WEBHOOK_SECRET"].flatMap { $0.isEmpty ? nil : $0 }
            if let problem = options.live.problem() {
                throw SimulatorFailure.usage(problem.replacingOccurrences(of: "webhookUrl", with: "--webhook-url"))
            }
            let server = try prepare(options, secret: secret)
            if options.noServe { return 0 }
            try serve(server, options: options)
        } catch let failure as SimulatorFailure {
            FileHandle.standardError.write(Data("portone-simulator: \(failure.description)\n".utf8))
            return failure.exitCode
        } catch {
            FileHandle.standardError.write(Data("portone-simulator: \(error)\n".utf8))
            return 70
        }
    }

    /// Builds the data set, writes `--save` and `--ledger-out`, and returns the simulator.
    public static func prepare(_ options: SimulatorOptions, secret: String) throws(SimulatorFailure) -> SimulatorServer
    {
        let started = Date()
        let wantFacts = options.ledgerDirectory != nil
        let extract: @Sendable (SimulatedPayment) -> OracleFacts? = { wantFacts ? OracleFacts($0) : nil }
        let store: PaymentStore
        var facts: [OracleFacts?] = []
        var users: [GeneratedUser] = []
        if let generatorOptions = options.generatorOptions() {
            let generator = DataSetGenerator(options: generatorOptions)
            timing("prepared generator")
            do {
                (store, facts) = try PaymentStore.build(
                    count: generator.count, make: { generator.payment(at: $0) }, extract: extract)
            } catch {
                throw SimulatorFailure("generation failed: \(error)", exitCode: 70)
            }
            users = generator.users
        } else if let file = options.dataFile {
            (store, facts) = try DataSetFile.load(file, extract: extract)
        } else {
            store = PaymentStore()
        }
        let source =
            options.dataFile.map { "loaded from \($0)" } ?? options.generate.map { _ in
                "generated with seed \(options.seed)"
            } ?? "empty data set"
        FileHandle.standardError.write(
            Data(
                String(
                    format: "portone-simulator: %d payments, %@, in %.1f s\n", store.count, source,
                    Date().timeIntervalSince(started)
                ).utf8))
        if let save = options.saveFile { try DataSetFile.save(store, to: save) }
        if let directory = options.ledgerDirectory {
            let writer = LedgerWriter(options: options.ledger, seed: options.seed, knownUsers: users)
            users = try writer.write(facts: facts.compactMap { $0 }, to: directory)
        }
        let log: (@Sendable (String) -> Void)? =
            options.logRequests ? { @Sendable line in FileHandle.standardError.write(Data((line + "\n").utf8)) } : nil
        let live = LiveTraffic(
            store: store, storeId: options.storeId,
            users: users.isEmpty ? LiveTraffic.standInUsers(seed: options.live.seed) : users,
            configuration: options.live)
        return SimulatorServer(
            store: store, secret: secret, storeId: options.storeId, faults: options.faults, seed: options.seed,
            log: log,
            live: live)
    }

    private static func serve(_ server: SimulatorServer, options: SimulatorOptions) throws(SimulatorFailure) -> Never {
        // Block SIGTERM/SIGINT before any server thread exists: threads inherit the mask, so the
        // signals can only reach the dispatch sources below, never a thread that would drop them.
        var blocked = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGTERM)
        sigaddset(&blocked, SIGINT)
        pthread_sigmask(SIG_BLOCK, &blocked, nil)
        let port: Int
        do {
            port = try server.start(host: options.host, port: options.port, maxBodyBytes: options.maxBodyBytes)
        } catch {
            throw SimulatorFailure("\(error)", exitCode: 69)
        }
        signal(SIGTERM, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        signal(SIGPIPE, SIG_IGN)
        let sources = [SIGTERM, SIGINT].map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .main)
            source.setEventHandler {
                server.stop()
                exit(0)
            }
            source.resume()
            return source
        }
        FileHandle.standardOutput.write(Data("portone-simulator listening on http://\(options.host):\(port)\n".utf8))
        withExtendedLifetime(sources) { dispatchMain() }
    }
}
