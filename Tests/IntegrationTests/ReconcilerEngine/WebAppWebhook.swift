import Foundation
import Postgres
import Synchronization

/// The web app's `Transaction.Paid` webhook handler, as it writes to the ledger: in one
/// transaction, insert the PURCHASE row, then raise `"Credit".balance` (creating the row if the
/// user has none). The unique PURCHASE index refuses a second grant of a payment; a deadlock
/// makes PortOne deliver the webhook again.
struct WebAppWebhook: Sendable {
    /// One webhook delivery: a paid payment and the package credits it grants.
    struct Grant: Sendable {
        var paymentId: String
        var userId: String
        var credits: Int64
    }

    /// What the deliveries did.
    struct Tally: Sendable {
        /// Grants the webhook committed.
        var won = 0
        /// Credits those grants gave.
        var creditsWon: Int64 = 0
        /// Grants the unique index refused: the payment was granted already.
        var refused = 0
        /// Deliveries repeated after the server broke a deadlock.
        var redelivered = 0
    }

    /// Tells a webhook to stop delivering (e.g. because the run it races failed).
    final class Stop: Sendable {
        private let flag = Atomic<Bool>(false)
        /// Asks the webhook to stop after the delivery in progress.
        func request() { flag.store(true, ordering: .relaxed) }
        /// Whether a stop was requested.
        var isRequested: Bool { flag.load(ordering: .relaxed) }
    }

    /// The run being raced stopped early; the webhook gave up.
    struct Stopped: Error, CustomStringConvertible {
        var description: String { "the webhook was stopped" }
    }

    let url: DatabaseURL
    let stop = Stop()
    let grants: [Grant]
    /// Shuffles the deliveries; nil delivers them in `grants` order.
    let seed: UInt64?
    /// When set, awaited before delivery number `index` (in delivery order): to pace the
    /// deliveries, or to verify the payment with PortOne first as a careful web app does.
    var beforeDelivery: (@Sendable (_ grant: Grant, _ index: Int) async throws -> Void)? = nil

    /// Delivers every grant once, in an order shuffled by `seed`, on a thread of its own and a
    /// connection of its own, starting when `start` (checked on that connection) says so.
    func deliver(startingWhen start: @escaping @Sendable (Connection) throws -> Bool) async throws -> Tally {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try deliverAll(startingWhen: start) })
            }
            thread.start()
        }
    }

    private func deliverAll(startingWhen start: (Connection) throws -> Bool) throws -> Tally {
        let connection = try Connection(url: url, configuration: ConnectionConfiguration(applicationName: "web-app"))
        defer { connection.close() }
        let deadline = Date().addingTimeInterval(120)
        while try !start(connection) {
            guard !stop.isRequested else { throw Stopped() }
            guard Date() < deadline else { throw PollTimeoutError() }
            usleep(2000)  // polling the database while the run gets to its repairs
        }
        var generator = SplitMix64(seed: seed ?? 0)
        var tally = Tally()
        for (index, grant) in (seed == nil ? grants : grants.shuffled(using: &generator)).enumerated() {
            guard !stop.isRequested else { throw Stopped() }
            if let beforeDelivery { try Self.wait { try await beforeDelivery(grant, index) } }
            while true {
                do {
                    try connection.transaction { (connection) throws(PostgresError) in
                        try connection.execute(
                            #"""
                            INSERT INTO "CreditTransaction" (id, "userId", amount, type, description, "paymentId", "createdAt")
                            VALUES ($1, $2, $3, 'PURCHASE', 'KakaoPay 결제 (webhook)', $4,
                                    (now() AT TIME ZONE 'UTC')::timestamp(3))
                            """#, ["webhook_" + grant.paymentId, grant.userId, grant.credits, grant.paymentId])
                        try connection.execute(
                            #"""
                            INSERT INTO "Credit" (id, "userId", balance, "createdAt", "updatedAt")
                            VALUES ($1, $2, $3, (now() AT TIME ZONE 'UTC')::timestamp(3),
                                    (now() AT TIME ZONE 'UTC')::timestamp(3))
                            ON CONFLICT ("userId") DO UPDATE
                            SET balance = "Credit".balance + EXCLUDED.balance, "updatedAt" = EXCLUDED."updatedAt"
                            """#, ["webhook_credit_" + grant.userId, grant.userId, grant.credits])
                    }
                    tally.won += 1
                    tally.creditsWon += grant.credits
                } catch {
                    guard error.isUniqueViolation || error.isTransient else { throw error }
                    if error.isTransient {
                        tally.redelivered += 1
                        continue
                    }
                    tally.refused += 1
                }
                break
            }
        }
        return tally
    }

    /// Runs `body` in a task and blocks this thread (never a task's) until it is done.
    private static func wait(_ body: @escaping @Sendable () async throws -> Void) throws {
        let failure = Mutex<(any Error)?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            do { try await body() } catch { failure.withLock { $0 = error } }
            done.signal()
        }
        done.wait()
        if let error = failure.withLock({ $0 }) { throw error }
    }

    /// The run never started repairing.
    struct PollTimeoutError: Error, CustomStringConvertible {
        var description: String { "the webhook waited two minutes for the run to start repairing" }
    }
}

/// A small seeded generator, so a failing delivery order can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
