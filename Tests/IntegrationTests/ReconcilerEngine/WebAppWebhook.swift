import Foundation
import Postgres

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

    let url: DatabaseURL
    let grants: [Grant]
    let seed: UInt64

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
            guard Date() < deadline else { throw PollTimeoutError() }
            usleep(2000)  // polling the database while the run gets to its repairs
        }
        var generator = SplitMix64(seed: seed)
        var tally = Tally()
        for grant in grants.shuffled(using: &generator) {
            while true {
                do {
                    try connection.transaction { connection in
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
                } catch let error as PostgresError where error.isUniqueViolation {
                    tally.refused += 1
                } catch let error as PostgresError where error.isTransient {
                    tally.redelivered += 1
                    continue
                }
                break
            }
        }
        return tally
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
