import Foundation
import ReconcilerCore
import Testing
import WireFormat

/// The decisions' evidence as JSON: what the ledger's jsonb columns and the reports receive.
@Suite struct DiscrepancyJSONTests {
    @Test func everyDiscrepancyOfTheTablesSerializesAndParsesBack() throws {
        let outcome = Fixture.decide(
            Fixture.payment(status: .cancelled, cancellations: [Fixture.cancellation("c1", 10_000)]),
            ledger: [Fixture.purchase(100)], users: Fixture.users(balance: 30))
        #expect(!outcome.discrepancies.isEmpty)
        for discrepancy in outcome.discrepancies {
            #expect(try JSONValue.parse(Data(discrepancy.expected.serialized().utf8)) == discrepancy.expected)
            #expect(try JSONValue.parse(Data(discrepancy.actual.serialized().utf8)) == discrepancy.actual)
        }
    }
}
