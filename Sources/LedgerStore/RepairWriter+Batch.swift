import Postgres
import ReconcilerCore

extension RepairWriter {
    /// Applies many repair units in one transaction, for large backlogs: the same guarantees as
    /// `apply(userId:paymentId:decide:)` with a few statements per batch instead of five per unit.
    ///
    /// The users' `"Credit"` rows are locked in one statement (in `"userId"` order, so two
    /// writers cannot deadlock), the payments' ledger rows are read after that, `decide` runs
    /// per unit in order (units of the same user see the balance the earlier units leave), and
    /// every row is written in one statement. When anything fails except a lost connection, the
    /// batch rolls back and each unit is applied on its own instead, so a concurrent webhook
    /// grant affects its unit only (`.nothingToDo` or `.alreadyGranted`), and an error stops at the unit
    /// that raised it with the units before it committed. `decide` must therefore be a pure
    /// function of its snapshot: it may be called twice for a unit.
    ///
    /// Units whose user has no `"Credit"` row (or does not exist) are applied on their own
    /// after the batch commits.
    ///
    /// - Returns: one outcome per unit, in `units` order.
    /// - Throws: `.refused` when a payment appears twice in `units`; otherwise as
    ///   `apply(userId:paymentId:decide:)`.
    public func apply(
        units: [RepairUnit], decide: (RepairSnapshot) throws(LedgerStoreError) -> [LedgerWrite]
    ) throws(LedgerStoreError) -> [RepairOutcome] {
        var payments = Set<String>()
        for unit in units where !payments.insert(unit.paymentId).inserted {
            throw .refused(
                "payment \(unit.paymentId) appears twice in one batch of repairs: give each payment one unit")
        }
        guard !units.isEmpty else { return [] }
        var outcomes = [RepairOutcome?](repeating: nil, count: units.count)
        var alone: [Int] = []
        do {
            try connection.transaction { (connection) throws(LedgerStoreError) in
                let users = Array(Set(units.map(\.userId))).sorted()
                var balances: [String: Int64] = [:]
                for row in try connection.rows(
                    #"""
                    SELECT "userId", balance FROM "Credit" WHERE "userId" = ANY($1::text[])
                    ORDER BY "userId" FOR UPDATE
                    """#, [TextArray(users)])
                {
                    balances[try row.value("userId")] = try row.value("balance")
                }
                // A statement of its own, after the locks (see apply(userId:paymentId:decide:)).
                let ledger = try LedgerReader(connection: connection).entries(
                    forPaymentIds: units.filter { balances[$0.userId] != nil }.map(\.paymentId))
                var planned: [PlannedWrite] = []
                var ranges: [(index: Int, range: Range<Int>)] = []
                for (index, unit) in units.enumerated() {
                    guard let balance = balances[unit.userId] else {
                        alone.append(index)
                        continue
                    }
                    let snapshot = RepairSnapshot(
                        userId: unit.userId, paymentId: unit.paymentId, lockedBalance: balance,
                        creditRowCreated: false, freshLedger: ledger[unit.paymentId] ?? [])
                    let writes = try decide(snapshot)
                    guard !writes.isEmpty else {
                        outcomes[index] = .nothingToDo
                        continue
                    }
                    let unitPlan = try Self.plan(writes, snapshot: snapshot)
                    balances[unit.userId] = unitPlan.last!.after
                    ranges.append((index, planned.count..<planned.count + unitPlan.count))
                    planned += unitPlan
                }
                guard !planned.isEmpty else { return }
                let fixes = try insert(planned, on: connection)
                for (index, range) in ranges { outcomes[index] = .applied(Array(fixes[range])) }
            }
        } catch {
            if case .unavailable = error { throw error }
            var outcomes: [RepairOutcome] = []
            for unit in units {
                outcomes.append(try apply(userId: unit.userId, paymentId: unit.paymentId, decide: decide))
            }
            return outcomes
        }
        for index in alone {
            outcomes[index] = try apply(userId: units[index].userId, paymentId: units[index].paymentId, decide: decide)
        }
        return outcomes.map { $0! }
    }
}
