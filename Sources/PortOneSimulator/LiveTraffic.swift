import Dispatch
import Foundation
import ReconcilerCore
import Synchronization
import WireFormat

/// Money moving while the simulator serves: new PAID payments at a set rate, some of them
/// cancelled (fully, or partially one to three times) seconds later, each change written into
/// the ``PaymentStore`` like any payment (journal events, status-change lists, cursor lists,
/// `GET /payments/{id}`), and announced by a signed webhook when a URL is set.
///
/// Contract (the tests and the daemon's tests rely on it):
/// - Payments are V2 KakaoPay payments of the catalog's packages by the given users, with
///   `customData` `{"userId":…,"packageId":…}` and `customer.id` = the user, priced right.
///   Payment k of a seed is always the same (ids, user, package, fate); times are the real clock.
/// - Payments are spaced evenly (1/rate s); after a stall of more than a second the schedule
///   restarts from now rather than bursting. Rate 0, or reaching `limit` payments in all, stops
///   new payments; cancellations already scheduled still happen (`scheduledCancellations`
///   counts them). `settled` (``isSettled``) says nothing will change any more.
/// - A webhook per change, POSTed from one delivery thread (never from a request's thread).
///   Lost webhooks (`webhookLossRate`) are never sent and are recorded in the payment's
///   `webhooks[]` as `FAILED_UNEXPECTED_ERROR`, as PortOne records a delivery that never
///   reached the receiver; sent ones as `SUCCEEDED` (2xx), `FAILED_NOT_OK_RESPONSE` (another
///   status) or `FAILED_UNEXPECTED_ERROR` (no answer). The simulator tries once:
///   `currentExecutionCount` = `maxExecutionCount` = 1.
public final class LiveTraffic: Sendable {
    /// Counters of what live traffic did.
    public struct Counters: Sendable, Hashable {
        /// Payments made PAID.
        public var paid = 0
        /// Partial cancellations made.
        public var partialCancellations = 0
        /// Full cancellations made.
        public var cancellations = 0
        /// Cancellations scheduled and not yet made.
        public var scheduledCancellations = 0
        /// Webhooks POSTed (answered or not).
        public var webhooksSent = 0
        /// Webhooks answered 2xx.
        public var webhooksSucceeded = 0
        /// Webhooks POSTed that failed (non-2xx or no answer).
        public var webhooksFailed = 0
        /// Webhooks never sent (the loss rate).
        public var webhooksLost = 0
        /// Webhooks queued and not yet decided.
        public var webhooksPending = 0
    }

    /// A cancellation waiting for its time.
    private struct Scheduled: Sendable {
        /// Monotonic due time (nanoseconds of `DispatchTime`).
        var due: UInt64
        /// The payment.
        var paymentId: String
        /// What to do.
        var cancellation: LivePlan.Cancellation
    }

    /// One webhook to deliver.
    private struct Delivery: Sendable {
        var paymentId: String
        var transactionId: String
        var type: String
        var paymentStatus: String
        var cancellationId: String?
        var webhookId: String
        var at: Timestamp
        var url: String
        var secret: String
        var lost: Bool
    }

    private struct State {
        var configuration: LiveTrafficConfiguration
        /// The next payment's number in the seed's sequence.
        var sequence: UInt64 = 0
        /// When the next payment is due (monotonic nanoseconds); nil when stopped.
        var nextDue: UInt64?
        /// Cancellations to make, ordered by due time.
        var scheduled: [Scheduled] = []
        /// The ground truth, in the order payments were made.
        var records: [LivePaymentRecord] = []
        /// Record position by payment id.
        var recordIndex: [String: Int] = [:]
        var counters = Counters()
        /// Webhooks queued so far (numbers their ids).
        var webhookNumber: UInt64 = 0
        /// The driver thread runs.
        var running = false
        /// The driver is making a change (taken from the schedule, not yet recorded).
        var busy = false
        var stopped = false
    }

    private let store: PaymentStore
    private let storeId: String
    private let merchantId: String
    private let users: [GeneratedUser]
    private let catalog: [CreditPackage]
    private let state: Mutex<State>
    private let wake = DispatchSemaphore(value: 0)
    private let deliveries = DispatchQueue(label: "portone-simulator.webhooks")

    /// Live traffic over `store` for `users` (who must not be empty) buying `catalog`'s packages.
    public init(
        store: PaymentStore, storeId: String, merchantId: String = GeneratorOptions.defaultMerchantId,
        users: [GeneratedUser], catalog: [CreditPackage] = GeneratorOptions.defaultCatalog,
        configuration: LiveTrafficConfiguration = LiveTrafficConfiguration()
    ) {
        precondition(!users.isEmpty && !catalog.isEmpty, "live traffic needs users and a catalog")
        self.store = store
        self.storeId = storeId
        self.merchantId = merchantId
        self.users = users
        self.catalog = catalog
        self.state = Mutex(State(configuration: configuration))
    }

    /// The configuration in force. Setting it applies at once (the caller validates it with
    /// ``LiveTrafficConfiguration/problem()``).
    public var configuration: LiveTrafficConfiguration {
        get { state.withLock { $0.configuration } }
        set {
            state.withLock { s in
                if newValue.rate != s.configuration.rate { s.nextDue = nil }
                s.configuration = newValue
            }
            wake.signal()
        }
    }

    /// The counters so far.
    public var counters: Counters { state.withLock { $0.counters } }

    /// Whether nothing will change any more: rate 0, no cancellation scheduled, no change being
    /// made, no webhook waiting. The live log is final while it holds.
    public var isSettled: Bool { state.withLock { Self.settled($0) } }

    private static func settled(_ s: State) -> Bool {
        (s.configuration.rate == 0 || s.sequence >= UInt64(s.configuration.limit ?? Int.max)) && s.scheduled.isEmpty
            && !s.busy && s.counters.webhooksPending == 0
    }

    /// The records of payments with a sequence number above `after` (all when nil).
    public func records(after: UInt64? = nil) -> [LivePaymentRecord] {
        state.withLock { s in
            guard let after else { return s.records }
            return s.records.filter { $0.sequence > after }
        }
    }

    /// Starts the driver thread (idempotent).
    public func start() {
        let start = state.withLock { s -> Bool in
            guard !s.running, !s.stopped else { return false }
            s.running = true
            return true
        }
        guard start else { return }
        let thread = Thread { [self] in run() }
        thread.name = "simulator-live"
        thread.start()
    }

    /// Stops making changes for good (webhooks already queued are still delivered).
    public func stop() {
        state.withLock { $0.stopped = true }
        wake.signal()
    }

    // MARK: Driver

    private enum Work {
        case pay(sequence: UInt64, seed: UInt64, configuration: LiveTrafficConfiguration)
        case cancel(Scheduled)
    }

    /// Takes one change at a time under the lock, so a new configuration or `stop()` takes
    /// effect before the next change, however far behind a loaded machine left the schedule.
    private func run() {
        while true {
            let next = state.withLock { s -> (work: Work?, stop: Bool) in
                if s.stopped { return (nil, true) }
                let now = DispatchTime.now().uptimeNanoseconds
                s.busy = false
                if let first = s.scheduled.first, first.due <= now {
                    s.scheduled.removeFirst()
                    s.busy = true
                    return (.cancel(first), false)
                }
                let c = s.configuration
                guard c.rate > 0, s.sequence < UInt64(c.limit ?? Int.max) else {
                    s.nextDue = nil
                    return (nil, false)
                }
                var due = s.nextDue ?? now
                if due + 1_000_000_000 < now { due = now }
                s.nextDue = due
                guard due <= now else { return (nil, false) }
                s.nextDue = due + UInt64(max(1, 1e9 / c.rate))
                s.sequence += 1
                s.busy = true
                return (.pay(sequence: s.sequence - 1, seed: c.seed, configuration: c), false)
            }
            if next.stop { return }
            switch next.work {
            case .pay(let sequence, let seed, let configuration):
                pay(sequence: sequence, seed: seed, configuration: configuration)
                continue
            case .cancel(let scheduled):
                cancel(scheduled)
                continue
            case nil:
                break
            }
            let wait = state.withLock { s -> UInt64 in
                let now = DispatchTime.now().uptimeNanoseconds
                var next = now + 1_000_000_000
                if let due = s.nextDue { next = min(next, due) }
                if let first = s.scheduled.first { next = min(next, first.due) }
                return next > now ? next - now : 0
            }
            if wait > 0 { _ = wake.wait(timeout: .now() + .nanoseconds(Int(wait))) }
        }
    }

    private func pay(sequence: UInt64, seed: UInt64, configuration: LiveTrafficConfiguration) {
        let paidAt = Timestamp.now(fractionDigits: 6)
        let plan = LivePlan.make(
            sequence: sequence, seed: seed, configuration: configuration, users: users, catalog: catalog,
            storeId: storeId, merchantId: merchantId, paidAt: paidAt)
        store.upsert([plan.payment])
        let monotonic = DispatchTime.now().uptimeNanoseconds
        let delivery = state.withLock { s -> Delivery? in
            var due = monotonic
            for cancellation in plan.cancellations {
                due += UInt64(cancellation.delaySeconds * 1e9)
                let item = Scheduled(due: due, paymentId: plan.payment.id, cancellation: cancellation)
                let position = s.scheduled.firstIndex { $0.due > due } ?? s.scheduled.count
                s.scheduled.insert(item, at: position)
            }
            s.counters.paid += 1
            s.counters.scheduledCancellations += plan.cancellations.count
            s.recordIndex[plan.payment.id] = s.records.count
            s.records.append(
                LivePaymentRecord(
                    sequence: sequence, paymentId: plan.payment.id, transactionId: plan.payment.transactionId,
                    userId: plan.userId, packageId: plan.package.id, credits: plan.package.credits,
                    amount: plan.payment.amount.total, currency: plan.payment.currency, paidAt: paidAt,
                    scheduledCancellations: plan.cancellations.count))
            return Self.queueWebhook(
                &s, paymentId: plan.payment.id, transactionId: plan.payment.transactionId, type: "Transaction.Paid",
                paymentStatus: "PAID", cancellationId: nil, at: paidAt)
        }
        if let delivery { deliver(delivery) }
    }

    private func cancel(_ scheduled: Scheduled) {
        let at = Timestamp.now(fractionDigits: 6)
        let c = scheduled.cancellation
        let updated = store.modify(id: scheduled.paymentId) { payment in
            let remaining = payment.amount.paid - payment.amount.cancelled
            guard remaining > 0 else { return nil }
            return payment.cancelledLive(id: c.id, amount: min(c.amount, remaining), at: at, quiet: c.quiet)
        }
        let delivery = state.withLock { s -> Delivery? in
            s.counters.scheduledCancellations -= 1
            guard let position = s.recordIndex[scheduled.paymentId] else { return nil }
            s.records[position].scheduledCancellations -= 1
            guard let updated else { return nil }
            let full = updated.status == .cancelled
            let amount = updated.succeededCancellations.last?.totalAmount ?? c.amount
            s.records[position].cancellations.append(
                LivePaymentRecord.Cancellation(id: c.id, amount: amount, at: at, full: full, quiet: c.quiet))
            if full { s.counters.cancellations += 1 } else { s.counters.partialCancellations += 1 }
            return Self.queueWebhook(
                &s, paymentId: updated.id, transactionId: updated.transactionId,
                type: full ? "Transaction.Cancelled" : "Transaction.PartialCancelled",
                paymentStatus: updated.status.rawValue, cancellationId: c.id, at: at)
        }
        if let delivery { deliver(delivery) }
    }

    /// Records a webhook for a change (under the lock) and returns it for delivery; nil when no
    /// URL is set.
    private static func queueWebhook(
        _ s: inout State, paymentId: String, transactionId: String, type: String, paymentStatus: String,
        cancellationId: String?, at: Timestamp
    ) -> Delivery? {
        let c = s.configuration
        guard let url = c.webhookURL, let secret = c.webhookSecret else { return nil }
        var rng = SeededRandom(seed: c.seed, stream: 13, index: s.webhookNumber)
        s.webhookNumber += 1
        let webhookId = "whk-" + rng.uuid()
        let lost = rng.chance(c.webhookLossRate)
        if let position = s.recordIndex[paymentId] {
            s.records[position].webhooks.append(
                LivePaymentRecord.Webhook(
                    id: webhookId, type: type, cancellationId: cancellationId, outcome: "PENDING", statusCode: nil,
                    at: at))
        }
        s.counters.webhooksPending += 1
        return Delivery(
            paymentId: paymentId, transactionId: transactionId, type: type, paymentStatus: paymentStatus,
            cancellationId: cancellationId, webhookId: webhookId, at: at, url: url, secret: secret, lost: lost)
    }

    // MARK: Webhooks

    private func deliver(_ delivery: Delivery) {
        deliveries.async { [self] in
            let outcome: String
            var statusCode: Int?
            if delivery.lost {
                outcome = "LOST"
            } else {
                let body = Self.webhookBody(delivery, storeId: storeId)
                let timestamp = Int64(Date().timeIntervalSince1970)
                let signer = WebhookSigner(secret: delivery.secret)
                let signature = signer?.signature(webhookId: delivery.webhookId, timestamp: timestamp, body: body) ?? ""
                let answer =
                    LoopbackPost(url: delivery.url)?.send(
                        headers: [
                            ("Content-Type", "application/json"), ("User-Agent", "portone-simulator-webhooks"),
                            ("webhook-id", delivery.webhookId), ("webhook-timestamp", "\(timestamp)"),
                            ("webhook-signature", signature),
                        ], body: body) ?? .failed("bad URL")
                switch answer {
                case .answered(let status):
                    statusCode = status
                    outcome = (200...299).contains(status) ? "SUCCEEDED" : "FAILED_NOT_OK_RESPONSE"
                case .failed:
                    outcome = "FAILED_UNEXPECTED_ERROR"
                }
            }
            let recorded = outcome == "LOST" ? "FAILED_UNEXPECTED_ERROR" : outcome
            store.modify(id: delivery.paymentId) { payment in
                var p = payment
                p.webhooks =
                    (p.webhooks ?? []) + [
                        SimulatedPayment.Webhook(
                            paymentStatus: delivery.paymentStatus, id: delivery.webhookId, status: recorded,
                            url: delivery.url, isAsync: true, currentExecutionCount: 1, maxExecutionCount: 1,
                            trigger: nil, triggeredAt: delivery.at)
                    ]
                return p
            }
            state.withLock { s in
                s.counters.webhooksPending -= 1
                switch outcome {
                case "LOST": s.counters.webhooksLost += 1
                case "SUCCEEDED":
                    s.counters.webhooksSent += 1
                    s.counters.webhooksSucceeded += 1
                default:
                    s.counters.webhooksSent += 1
                    s.counters.webhooksFailed += 1
                }
                guard let position = s.recordIndex[delivery.paymentId],
                    let k = s.records[position].webhooks.firstIndex(where: { $0.id == delivery.webhookId })
                else { return }
                s.records[position].webhooks[k].outcome = outcome
                s.records[position].webhooks[k].statusCode = statusCode
            }
        }
    }

    /// The 2024-04-25 webhook body: `{type, timestamp, data:{paymentId, storeId, transactionId, cancellationId?}}`.
    private static func webhookBody(_ d: Delivery, storeId: String) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.string("type", d.type)
        w.string(
            "timestamp", Timestamp(nanoseconds: d.at.nanoseconds / 1_000_000 * 1_000_000, fractionDigits: 3).description
        )
        w.beginObject("data")
        w.string("paymentId", d.paymentId)
        w.string("storeId", storeId)
        w.string("transactionId", d.transactionId)
        w.string("cancellationId", ifPresent: d.cancellationId)
        w.endObject()
        w.endObject()
        return w.bytes
    }

    // MARK: Control API

    /// Answers `GET|PUT /_simulator/live` and `GET /_simulator/live/log`; nil for other routes.
    public func control(_ request: HTTPRequest, route: String) -> HTTPResponse? {
        switch (request.method, route) {
        case ("GET", "/_simulator/live"):
            return .json(200, statusJSON())
        case ("PUT", "/_simulator/live"):
            do {
                configuration = try configuration.merging(request.body)
                return .json(200, statusJSON())
            } catch {
                return .json(error.statusCode, error.body)
            }
        case ("GET", "/_simulator/live/log"):
            var after: UInt64?
            if let text = request.query["after"] {
                guard let value = UInt64(text) else {
                    return .json(400, APIError.invalid("after must be a sequence number").body)
                }
                after = value
            }
            var w = JSONWriter()
            w.beginObject()
            w.beginArray("payments")
            for record in records(after: after) { record.write(to: &w) }
            w.endArray()
            w.endObject()
            return .json(200, w.bytes)
        default:
            return nil
        }
    }

    /// `GET /_simulator/live`: the configuration's members and `counters`.
    func statusJSON() -> [UInt8] {
        let (configuration, counters, settled) = state.withLock { ($0.configuration, $0.counters, Self.settled($0)) }
        var w = JSONWriter()
        w.beginObject()
        configuration.write(to: &w)
        w.bool("settled", settled)
        w.beginObject("counters")
        w.int("paid", Int64(counters.paid))
        w.int("partialCancellations", Int64(counters.partialCancellations))
        w.int("cancellations", Int64(counters.cancellations))
        w.int("scheduledCancellations", Int64(counters.scheduledCancellations))
        w.int("webhooksSent", Int64(counters.webhooksSent))
        w.int("webhooksSucceeded", Int64(counters.webhooksSucceeded))
        w.int("webhooksFailed", Int64(counters.webhooksFailed))
        w.int("webhooksLost", Int64(counters.webhooksLost))
        w.int("webhooksPending", Int64(counters.webhooksPending))
        w.endObject()
        w.endObject()
        return w.bytes
    }
}

extension LiveTraffic {
    /// A pool of 100 buyers for a simulator without a generated data set (seeded like the
    /// generator's users; no ledger holds them unless the caller inserts them).
    public static func standInUsers(seed: UInt64) -> [GeneratedUser] {
        let now = Timestamp.now(fractionDigits: 3)
        return (0..<100).map { GeneratedUser.make(seed: seed, index: $0, before: now) }
    }
}
