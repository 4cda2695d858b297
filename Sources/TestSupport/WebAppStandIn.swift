import Foundation
import PortOne
import PortOneSimulator
import Postgres
import ReconcilerCore
import Synchronization
import WireFormat

/// The web app's PortOne webhook endpoint, for tests: a loopback HTTP receiver of the
/// simulator's live webhooks that grants credits in PostgreSQL the way the app does.
///
/// For a configurable share of `Transaction.Paid` webhooks, after a random delay, it fetches the
/// payment from PortOne (the docs' advice: a webhook is only a trigger), and when the payment is
/// PAID, priced as its package and names a user and a package, grants in one transaction: lock
/// the user's `"Credit"` row (`SELECT … FOR UPDATE`), insert the PURCHASE `"CreditTransaction"`
/// row carrying the payment id, raise the balance. The unique PURCHASE index (migration 0002)
/// refuses a second grant: that counts as already granted, as a real app would take it. It never
/// deducts refunds (the app never does). It answers every webhook 200 at once (401 for a bad
/// signature), so the simulator's delivery thread never waits for the database.
///
/// ```swift
/// let app = WebAppStandIn(databaseURL: database.url, portOne: try simulator.client(),
///                         options: .init(grantShare: 0.9, maxDelay: .seconds(3), webhookSecret: secret))
/// let url = try app.start()          // pass to --webhook-url or PUT /_simulator/live
/// defer { app.stop() }
/// ...
/// try await Poll.until("grants") { app.counters.granted >= 10 }
/// ```
public final class WebAppStandIn: Sendable {
    /// How the stand-in behaves.
    public struct Options: Sendable {
        /// Share of `Transaction.Paid` webhooks it acts on (the rest: the app "crashed").
        public var grantShare: Double
        /// Longest delay before granting (uniform in 0...maxDelay).
        public var maxDelay: Duration
        /// Seeds which webhooks are acted on and their delays.
        public var seed: UInt64
        /// The webhook secret to verify signatures with; nil accepts any signature.
        public var webhookSecret: String?
        /// The catalog (package credits and prices).
        public var catalog: [CreditPackage]

        /// Options: by default it grants every paid webhook at once, checking no signature.
        public init(
            grantShare: Double = 1, maxDelay: Duration = .zero, seed: UInt64 = 1, webhookSecret: String? = nil,
            catalog: [CreditPackage] = GeneratorOptions.defaultCatalog
        ) {
            self.grantShare = grantShare
            self.maxDelay = maxDelay
            self.seed = seed
            self.webhookSecret = webhookSecret
            self.catalog = catalog
        }
    }

    /// What the stand-in did.
    public struct Counters: Sendable, Hashable {
        /// Webhooks received (signature checked or not).
        public var received = 0
        /// Webhooks refused for a missing or wrong signature (answered 401).
        public var rejected = 0
        /// `Transaction.Paid` webhooks it chose not to act on (`grantShare`).
        public var skipped = 0
        /// Webhooks of other types (cancellations: the app does not deduct).
        public var ignored = 0
        /// Grants committed.
        public var granted = 0
        /// Grants the unique PURCHASE index refused: the payment was granted already.
        public var alreadyGranted = 0
        /// Payments it would not grant (not PAID any more, unknown user or package, wrong price).
        public var refused = 0
        /// Grants that failed (PortOne or database error).
        public var failed = 0
        /// Grants still waiting for their delay or running.
        public var inFlight = 0
    }

    private struct State {
        var counters = Counters()
        var random: SeededRandom
        var server: HTTPServer?
        /// When each payment was granted by the stand-in.
        var grantedAt: [String: Date] = [:]
        /// The last failure, for test messages.
        var lastFailure: String?
    }

    private let portOne: PortOneClient
    private let options: Options
    private let signer: WebhookSigner?
    private let writer: GrantWriter
    private let state: Mutex<State>

    /// A stand-in granting into the database at `databaseURL`, checking payments with `portOne`.
    public init(databaseURL: DatabaseURL, portOne: PortOneClient, options: Options = Options()) {
        self.portOne = portOne
        self.options = options
        self.signer = options.webhookSecret.flatMap { WebhookSigner(secret: $0) }
        self.writer = GrantWriter(url: databaseURL)
        self.state = Mutex(State(random: SeededRandom(seed: options.seed, stream: 21, index: 0)))
    }

    /// Starts listening on loopback; returns the webhook URL to give the simulator.
    @discardableResult
    public func start() throws -> String {
        let server = HTTPServer { [self] request in receive(request) }
        try server.start(host: "127.0.0.1", port: 0)
        state.withLock { $0.server = server }
        return "http://127.0.0.1:\(server.port)/api/webhooks/portone"
    }

    /// Stops listening (grants in flight still finish).
    public func stop() {
        state.withLock { $0.server }?.stop()
    }

    /// The counters so far.
    public var counters: Counters { state.withLock { $0.counters } }

    /// When the stand-in granted `paymentId` (nil: it did not).
    public func grantedAt(_ paymentId: String) -> Date? { state.withLock { $0.grantedAt[paymentId] } }

    /// The last grant failure, if any (for test messages).
    public var lastFailure: String? { state.withLock { $0.lastFailure } }

    private func receive(_ request: HTTPRequest) -> HTTPResponse {
        state.withLock { $0.counters.received += 1 }
        guard request.method == "POST" else { return .text(405, "POST only\n") }
        if let signer {
            guard let id = request.header("webhook-id"),
                let timestamp = request.header("webhook-timestamp").flatMap({ Int64($0) }),
                let signature = request.header("webhook-signature"),
                abs(Int64(Date().timeIntervalSince1970) - timestamp) <= 300,
                signer.verify(webhookId: id, timestamp: timestamp, body: request.body, header: signature)
            else {
                state.withLock { $0.counters.rejected += 1 }
                return .text(401, "bad signature\n")
            }
        }
        guard let body = try? JSONValue.parse(Data(request.body)), let type = body["type"].stringValue else {
            return .text(400, "not a webhook\n")
        }
        guard type == "Transaction.Paid", let paymentId = body["data"]["paymentId"].stringValue else {
            state.withLock { $0.counters.ignored += 1 }
            return .text(200, "ok\n")
        }
        let delay = state.withLock { s -> Duration? in
            guard s.random.chance(options.grantShare) else {
                s.counters.skipped += 1
                return nil
            }
            s.counters.inFlight += 1
            let nanos =
                options.maxDelay.components.seconds * 1_000_000_000 + options.maxDelay.components.attoseconds
                / 1_000_000_000
            return .nanoseconds(nanos > 0 ? s.random.int(0...nanos) : 0)
        }
        if let delay {
            Task { [self] in
                if delay > .zero { try? await Task.sleep(for: delay) }
                await grant(paymentId)
            }
        }
        return .text(200, "ok\n")
    }

    private func grant(_ paymentId: String) async {
        enum Result {
            case granted, already
            case refused(String)
            case failed(String)
        }
        let result: Result
        do {
            switch try await portOne.getPayment(id: paymentId) {
            case .found(let payment):
                if let grant = grant(for: payment) {
                    result = try await writer.grant(grant) ? .granted : .already
                } else {
                    result = .refused("\(paymentId) is \(payment.status) or not resolvable")
                }
            case .notFound: result = .refused("\(paymentId) is not known to PortOne")
            case .undecodable(let failure): result = .failed("\(paymentId) undecodable: \(failure)")
            }
        } catch {
            result = .failed("\(paymentId): \(error)")
        }
        state.withLock { s in
            s.counters.inFlight -= 1
            switch result {
            case .granted:
                s.counters.granted += 1
                s.grantedAt[paymentId] = Date()
            case .already: s.counters.alreadyGranted += 1
            case .refused(let why):
                s.counters.refused += 1
                s.lastFailure = why
            case .failed(let why):
                s.counters.failed += 1
                s.lastFailure = why
            }
        }
    }

    /// What the app grants for `payment`: nil unless PAID, resolvable and priced as its package.
    private func grant(for payment: Payment) -> GrantWriter.Grant? {
        guard payment.status == .paid, let fields = payment.customDataFields,
            let userId = fields.userId ?? payment.customer.id,
            let package = options.catalog.first(where: { $0.id == fields.packageId }),
            payment.amount.total == package.price, payment.currency.rawValue == package.currency
        else { return nil }
        return GrantWriter.Grant(
            paymentId: payment.id, userId: userId, credits: package.credits,
            description: "크레딧 구매: \(package.name) (\(package.credits))")
    }
}

/// The app's database writes, one grant at a time on a connection of its own.
private actor GrantWriter {
    /// One grant.
    struct Grant: Sendable {
        var paymentId: String
        var userId: String
        var credits: Int64
        var description: String
    }

    let url: DatabaseURL
    private var connection: Connection?

    init(url: DatabaseURL) { self.url = url }

    /// Grants in one transaction; false when the payment was granted already (unique
    /// violation). Deadlocks and serialization failures are retried.
    func grant(_ grant: Grant) throws -> Bool {
        if connection == nil {
            connection = try Connection(url: url, configuration: ConnectionConfiguration(applicationName: "web-app"))
        }
        guard let connection else { return false }
        while true {
            do {
                try connection.transaction { (c) throws(PostgresError) in
                    let locked = try c.queryFirst(
                        #"SELECT balance FROM "Credit" WHERE "userId" = $1 FOR UPDATE"#, [grant.userId])
                    if locked == nil {
                        try c.execute(
                            #"""
                            INSERT INTO "Credit" (id, "userId", balance, "createdAt", "updatedAt")
                            VALUES ($1, $2, 0, (now() AT TIME ZONE 'UTC')::timestamp(3), (now() AT TIME ZONE 'UTC')::timestamp(3))
                            """#, ["credit_" + grant.userId, grant.userId])
                        _ = try c.queryFirst(
                            #"SELECT balance FROM "Credit" WHERE "userId" = $1 FOR UPDATE"#, [grant.userId])
                    }
                    try c.execute(
                        #"""
                        INSERT INTO "CreditTransaction" (id, "userId", amount, type, description, "paymentId", "createdAt")
                        VALUES ($1, $2, $3, 'PURCHASE', $4, $5, (now() AT TIME ZONE 'UTC')::timestamp(3))
                        """#,
                        ["webapp_" + grant.paymentId, grant.userId, grant.credits, grant.description, grant.paymentId])
                    try c.execute(
                        #"""
                        UPDATE "Credit" SET balance = balance + $2, "updatedAt" = (now() AT TIME ZONE 'UTC')::timestamp(3)
                        WHERE "userId" = $1
                        """#, [grant.userId, grant.credits])
                }
                return true
            } catch {
                if error.isUniqueViolation { return false }
                if error.isTransient { continue }
                throw error
            }
        }
    }
}
