import Foundation
import ReconcilerCore

/// Writes the web app's ledger that matches a data set, as PostgreSQL COPY text files
/// (`User.copy`, `Credit.copy`, `CreditTransaction.copy`), with the configured mistakes, and
/// `expected.json` listing every mistake and natural discrepancy by payment and user.
///
/// What each payment should have produced comes from the simulator's own rules
/// (``OracleRules``, through ``OracleFacts``), never from ReconcilerCore's: the expected
/// findings are an independent oracle for the reconciler.
///
/// The app grants credits from the `Transaction.Paid` webhook (PURCHASE, about a second after
/// `paidAt`), never for test-channel payments, unresolvable payments or amounts that do not
/// match the package; users spend credits (USAGE) and some got a sign-up BONUS. Load with
/// `COPY "User" (id, email, name, "createdAt") FROM '.../User.copy'` and likewise.
public struct LedgerWriter: Sendable {
    /// The mistakes to inject.
    public var options: LedgerOptions
    /// Seed for which rows get mistakes.
    public var seed: UInt64
    /// Users known from the generator (also those who never bought); others are derived.
    public var knownUsers: [GeneratedUser]

    /// Creates a writer.
    public init(options: LedgerOptions, seed: UInt64, knownUsers: [GeneratedUser]) {
        self.options = options
        self.seed = seed
        self.knownUsers = knownUsers
    }

    /// One expected finding.
    public struct Mistake: Sendable, Hashable {
        /// ARCHITECTURE §5.3 kind, e.g. `MISSED_GRANT`.
        public var kind: String
        /// The payment, when there is one.
        public var paymentId: String?
        /// The user.
        public var userId: String?
        /// Credits involved (to grant, deduct, or the wrong amount).
        public var credits: Int64?
        /// Whether it was injected into the ledger (false: it follows from the PortOne data).
        public var injected: Bool
        /// A sentence for humans.
        public var detail: String
    }

    /// One `CreditTransaction` row being written.
    struct Row {
        /// The id.
        var id: String
        /// The user.
        var userId: String
        /// Signed credits.
        var amount: Int64
        /// Row type.
        var type: CreditTransactionType
        /// Free text.
        var description: String?
        /// The payment, if any.
        var paymentId: String?
        /// Time in nanoseconds.
        var at: Int64
    }

    /// Writes the four files into `directory` (created if needed); returns the users written
    /// to `User.copy` (the ones the app's ledger knows).
    @discardableResult
    public func write(facts: [OracleFacts], to directory: String) throws(SimulatorFailure) -> [GeneratedUser] {
        let (users, rows, balances, mistakes) = build(facts: facts)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            var userText = ""
            var creditText = ""
            for user in users {
                userText +=
                    [user.id, user.email, user.name, Self.copyTime(user.createdAt.nanoseconds)].map(Self.copyField)
                    .joined(separator: "\t") + "\n"
                let (balance, created, updated) =
                    balances[user.id] ?? (0, user.createdAt.nanoseconds, user.createdAt.nanoseconds)
                creditText +=
                    [
                        "cr" + Self.stableId(user.id), user.id, String(balance), Self.copyTime(created),
                        Self.copyTime(updated),
                    ].map(Self.copyField).joined(separator: "\t") + "\n"
            }
            var rowText = ""
            rowText.reserveCapacity(rows.count * 120)
            for row in rows {
                rowText +=
                    [
                        row.id, row.userId, String(row.amount), row.type.rawValue, row.description, row.paymentId,
                        Self.copyTime(row.at),
                    ].map(Self.copyField).joined(separator: "\t") + "\n"
            }
            try Data(userText.utf8).write(to: URL(fileURLWithPath: directory + "/User.copy"))
            try Data(creditText.utf8).write(to: URL(fileURLWithPath: directory + "/Credit.copy"))
            try Data(rowText.utf8).write(to: URL(fileURLWithPath: directory + "/CreditTransaction.copy"))
            try Data(expectedJSON(mistakes, users: users.count, rows: rows.count, payments: facts.count).utf8)
                .write(to: URL(fileURLWithPath: directory + "/expected.json"))
            return users
        } catch {
            throw SimulatorFailure(
                "cannot write the ledger to \(directory): \(error.localizedDescription)", exitCode: 73)
        }
    }

    /// Builds users, rows, balances (balance, createdAt, updatedAt) and the expected findings.
    func build(facts: [OracleFacts]) -> ([GeneratedUser], [Row], [String: (Int64, Int64, Int64)], [Mistake]) {
        var rng = SeededRandom(seed: seed, stream: 5, index: 0)
        var usersById: [String: GeneratedUser] = [:]
        var order: [String] = []
        var emails = Set<String>()
        func addUser(_ user: GeneratedUser) {
            guard usersById[user.id] == nil else { return }
            var u = user
            if emails.contains(u.email) { u.email = "\(u.id)@users.gureum-ai.kr" }
            emails.insert(u.email)
            usersById[u.id] = u
            order.append(u.id)
        }
        for user in knownUsers { addUser(user) }
        for fact in facts {
            guard let userId = fact.userId, usersById[userId] == nil else { continue }
            addUser(
                GeneratedUser(
                    id: userId, email: fact.email ?? "\(userId)@users.gureum-ai.kr", name: fact.name ?? "",
                    phone: "",
                    createdAt: Timestamp(
                        nanoseconds: fact.requestedAt.nanoseconds - 86_400_000_000_000, fractionDigits: 3)))
        }
        var rows: [Row] = []
        var mistakes: [Mistake] = []
        let catalog = GeneratorOptions.defaultCatalog
        func newId() -> String { "c" + rng.base36(24) }
        let second: Int64 = 1_000_000_000
        var lastTime: Int64 = 0
        for fact in facts {
            lastTime = max(lastTime, fact.requestedAt.nanoseconds)
            for refund in fact.refunds { lastTime = max(lastTime, refund.at.nanoseconds) }
        }
        // Users whose account the app deleted: their payments name a user the ledger lacks.
        var deleted = Set<String>()
        if options.deletedUserRate > 0 {
            for id in order where rng.chance(options.deletedUserRate) { deleted.insert(id) }
            order.removeAll { deleted.contains($0) }
        }
        // Sign-up bonuses.
        for id in order where rng.chance(0.6) {
            let user = usersById[id]!
            rows.append(
                Row(
                    id: newId(), userId: id, amount: 30, type: .bonus, description: "가입 축하 크레딧", paymentId: nil,
                    at: user.createdAt.nanoseconds + 2 * second))
        }
        var unpaidWithUser: [OracleFacts] = []
        for fact in facts {
            guard let paidAt = fact.paidAt else {
                if let userId = fact.userId, usersById[userId] != nil, !deleted.contains(userId), !fact.isTest,
                    !fact.isV1
                {
                    unpaidWithUser.append(fact)
                }
                continue
            }
            // Test-channel money is not real, and V1 payments never reach the V2 web app (nor
            // the reconciler, which only counts them): neither gets ledger rows.
            if fact.isTest || fact.isV1 { continue }
            if let userId = fact.userId, deleted.contains(userId) {
                mistakes.append(
                    Mistake(
                        kind: "UNKNOWN_USER", paymentId: fact.id, userId: userId, credits: fact.package?.credits,
                        injected: true,
                        detail: "paid by user \(userId), whose account the app no longer has"))
                continue
            }
            guard let userId = fact.userId, usersById[userId] != nil, let package = fact.package else {
                mistakes.append(
                    Mistake(
                        kind: "UNRESOLVED_PAYMENT", paymentId: fact.id, userId: fact.userId, credits: nil,
                        injected: false,
                        detail: "paid payment without a resolvable user or package; the app could not grant it"))
                continue
            }
            guard fact.amountMatches else {
                mistakes.append(
                    Mistake(
                        kind: "AMOUNT_MISMATCH", paymentId: fact.id, userId: userId, credits: package.credits,
                        injected: false,
                        detail:
                            "paid \(fact.total) for \(package.name) priced \(package.price); the app refused to grant"))
                continue
            }
            let grantAt = paidAt.nanoseconds + rng.int(300_000_000...3 * second)
            let lost = rng.chance(options.lostGrantRate)
            var granted: Int64 = 0
            if lost {
                mistakes.append(
                    Mistake(
                        kind: "MISSED_GRANT", paymentId: fact.id, userId: userId, credits: package.credits,
                        injected: true,
                        detail: "Transaction.Paid webhook lost: \(package.credits) credits never granted"))
            } else {
                var credits = package.credits
                if rng.chance(options.wrongCreditsRate) {
                    credits =
                        catalog.filter { $0.credits != package.credits }.map(\.credits).randomElement(using: &rng)
                        ?? credits + 10
                    mistakes.append(
                        Mistake(
                            kind: "CREDIT_MISMATCH", paymentId: fact.id, userId: userId, credits: credits,
                            injected: true,
                            detail: "granted \(credits) credits for \(package.name) which gives \(package.credits)"))
                }
                granted = credits
                rows.append(
                    Row(
                        id: newId(), userId: userId, amount: credits, type: .purchase,
                        description: "크레딧 구매: \(package.name) (\(package.credits))", paymentId: fact.id, at: grantAt))
                if rng.chance(options.duplicateGrantRate) {
                    rows.append(
                        Row(
                            id: newId(), userId: userId, amount: credits, type: .purchase,
                            description: "크레딧 구매: \(package.name) (\(package.credits))", paymentId: fact.id,
                            at: grantAt + rng.int(second...20 * second)))
                    mistakes.append(
                        Mistake(
                            kind: "DUPLICATE_GRANT", paymentId: fact.id, userId: userId, credits: credits,
                            injected: true,
                            detail: "webhook processed twice: a second PURCHASE of \(credits) credits"))
                }
                // Spending after the grant.
                var spendAt = grantAt
                var left = granted
                for _ in 0..<Int(rng.int(0...5)) where left > 10 {
                    spendAt += rng.int(10 * 60 * second...3 * 86_400 * second)
                    if spendAt >= lastTime { break }
                    let images = rng.int(1...12)
                    let spend = min(left * 2 / 5, images * 10)
                    guard spend > 0 else { break }
                    left -= spend
                    rows.append(
                        Row(
                            id: newId(), userId: userId, amount: -spend, type: .usage,
                            description: "이미지 생성 \(images)장", paymentId: nil, at: spendAt))
                }
            }
            if !fact.refunds.isEmpty {
                let cancelled = fact.refunds.reduce(Int64(0)) { $0 + $1.amount }
                let deduct = OracleRules.deduction(credits: package.credits, cancelled: cancelled, total: fact.total)
                if lost || rng.chance(options.missedRefundRate) {
                    if deduct > 0 {
                        mistakes.append(
                            Mistake(
                                kind: "MISSED_REFUND", paymentId: fact.id, userId: userId, credits: deduct,
                                injected: !lost,
                                detail:
                                    "\(fact.refunds.count) successful cancellation(s) of \(cancelled) KRW never deducted: \(deduct) credits"
                            ))
                    }
                } else {
                    var cumulative: Int64 = 0
                    var taken: Int64 = 0
                    for refund in fact.refunds {
                        cumulative += refund.amount
                        let target = OracleRules.deduction(
                            credits: package.credits, cancelled: cumulative, total: fact.total)
                        if target > taken {
                            rows.append(
                                Row(
                                    id: newId(), userId: userId, amount: -(target - taken), type: .refund,
                                    description: "환불 차감: \(package.name)", paymentId: fact.id,
                                    at: refund.at.nanoseconds + rng.int(second...5 * second)))
                            taken = target
                        }
                    }
                }
            }
        }
        // Phantom grants.
        let phantoms = Int((Double(facts.count) * options.phantomGrantRate).rounded())
        // Each unpaid payment gets at most one phantom PURCHASE: two would be a duplicate grant,
        // which the unique PURCHASE index (and so `migrate`) refuses.
        var phantomPaid = Set<String>()
        for k in 0..<phantoms where !order.isEmpty {
            let package = catalog[Int(rng.next() % UInt64(catalog.count))]
            let candidate =
                k % 2 == 1 && !unpaidWithUser.isEmpty
                ? unpaidWithUser[Int(rng.next() % UInt64(unpaidWithUser.count))] : nil
            if let fact = candidate, phantomPaid.insert(fact.id).inserted {
                rows.append(
                    Row(
                        id: newId(), userId: fact.userId!, amount: package.credits, type: .purchase,
                        description: "크레딧 구매: \(package.name) (\(package.credits))", paymentId: fact.id,
                        at: fact.requestedAt.nanoseconds + 30 * second))
                mistakes.append(
                    Mistake(
                        kind: "GRANT_WITHOUT_PAYMENT", paymentId: fact.id, userId: fact.userId,
                        credits: package.credits, injected: true,
                        detail: "PURCHASE for a payment PortOne reports as \(fact.status)"))
            } else {
                let userId = order[Int(rng.next() % UInt64(order.count))]
                let paymentId = "pay-" + rng.uuid()
                rows.append(
                    Row(
                        id: newId(), userId: userId, amount: package.credits, type: .purchase,
                        description: "크레딧 구매: \(package.name) (\(package.credits))", paymentId: paymentId,
                        at: max(usersById[userId]!.createdAt.nanoseconds, lastTime - rng.int(0...20 * 86_400 * second)))
                )
                mistakes.append(
                    Mistake(
                        kind: "ORPHAN_GRANT", paymentId: paymentId, userId: userId, credits: package.credits,
                        injected: true,
                        detail: "PURCHASE for a payment id PortOne does not know"))
            }
        }
        rows.sort { $0.at != $1.at ? $0.at < $1.at : $0.id < $1.id }
        var balances: [String: (Int64, Int64, Int64)] = [:]
        for row in rows {
            let current = balances[row.userId] ?? (0, usersById[row.userId]?.createdAt.nanoseconds ?? row.at, row.at)
            balances[row.userId] = (current.0 + row.amount, current.1, max(current.2, row.at))
        }
        for id in order where rng.chance(options.balanceDriftRate) {
            let current =
                balances[id] ?? (0, usersById[id]!.createdAt.nanoseconds, usersById[id]!.createdAt.nanoseconds)
            var delta = rng.int(10...500)
            if rng.chance(0.5) { delta = -delta }
            balances[id] = (current.0 + delta, current.1, current.2)
            mistakes.append(
                Mistake(
                    kind: "BALANCE_DRIFT", paymentId: nil, userId: id, credits: delta, injected: true,
                    detail: "Credit.balance is \(current.0 + delta) but the rows sum to \(current.0)"))
        }
        return (order.map { usersById[$0]! }, rows, balances, mistakes)
    }

    /// The `expected.json` text.
    func expectedJSON(_ mistakes: [Mistake], users: Int, rows: Int, payments: Int) -> String {
        var w = JSONWriter(capacity: 4096)
        w.beginObject()
        w.string("generator", "portone-simulator")
        w.int("seed", Int64(bitPattern: seed))
        w.beginObject("options")
        w.raw("lostGrantRate", Array("\(options.lostGrantRate)".utf8))
        w.raw("missedRefundRate", Array("\(options.missedRefundRate)".utf8))
        w.raw("duplicateGrantRate", Array("\(options.duplicateGrantRate)".utf8))
        w.raw("wrongCreditsRate", Array("\(options.wrongCreditsRate)".utf8))
        w.raw("phantomGrantRate", Array("\(options.phantomGrantRate)".utf8))
        w.raw("balanceDriftRate", Array("\(options.balanceDriftRate)".utf8))
        w.raw("deletedUserRate", Array("\(options.deletedUserRate)".utf8))
        w.endObject()
        w.beginObject("counts")
        w.int("payments", Int64(payments))
        w.int("users", Int64(users))
        w.int("creditTransactions", Int64(rows))
        var byKind: [String: Int] = [:]
        for m in mistakes { byKind[m.kind, default: 0] += 1 }
        w.beginObject("byKind")
        for (kind, n) in byKind.sorted(by: { $0.key < $1.key }) { w.int(kind, Int64(n)) }
        w.endObject()
        w.endObject()
        w.beginArray("notes")
        w.string(
            nil,
            "injected=false: the finding follows from the PortOne data or the app's behaviour, not from an injected ledger mistake"
        )
        w.string(
            nil,
            "MISSED_REFUND.credits is the full deduction round_up(K*C/T) capped at K; REFUND_SHORTFALL is not predicted (it depends on the balance when the repair runs)"
        )
        w.string(
            nil, "test-channel payments are never granted and are not listed; V1 payments are granted like V2 ones")
        w.endArray()
        w.beginArray("mistakes")
        for m in mistakes {
            w.beginObject()
            w.string("kind", m.kind)
            w.string("paymentId", ifPresent: m.paymentId)
            w.string("userId", ifPresent: m.userId)
            w.int("credits", ifPresent: m.credits)
            w.bool("injected", m.injected)
            w.string("detail", m.detail)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return String(decoding: w.bytes, as: UTF8.self) + "\n"
    }

    /// A COPY text field: `\N` for null, backslash escapes for `\`, tab, newline, CR.
    static func copyField(_ value: String?) -> String {
        guard let value else { return "\\N" }
        var out = ""
        for c in value.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// `YYYY-MM-DD HH:MM:SS.mmm` (UTC), the text form of `timestamp(3)`.
    static func copyTime(_ nanos: Int64) -> String {
        let text = Timestamp(nanoseconds: nanos, fractionDigits: 3).description
        return String(text.dropLast()).replacingOccurrences(of: "T", with: " ")
    }

    /// A deterministic cuid-like id derived from `text`.
    static func stableId(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 { hash = (hash ^ UInt64(b)) &* 0x100_0000_01b3 }
        var rng = SeededRandom(seed: hash)
        return rng.base36(23)
    }
}
