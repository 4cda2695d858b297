import Foundation
import PortOne
import PortOneSimulator
import ReconcilerCore
import Testing
import WireFormat

/// The simulator's oracle (`OracleRules` through `OracleFacts`) against the reconciler's rules
/// (`PackageResolution`, and `MoneyRules` through `Reconciler.decide`) over generated worlds:
/// for every payment, both must name the same user and package and expect the same grant and
/// deduction.
///
/// The two are written apart on purpose (the simulator's expected findings are the truth the
/// reconciler is judged by), so this is where a defect in either shows: a disagreement names
/// the payment. The core sees each payment as the product does, through PortOne's decoder of
/// the JSON the simulator serves. Every user exists with a large balance and the ledger is
/// empty, so the comparison is of the rules, not of the ledger's state.
@Suite struct OracleAgreementTests {
    /// One generated world: a seed and the catalog the shop sold from.
    struct World: Sendable, CustomTestStringConvertible {
        var name: String
        var seed: UInt64
        var catalog: [CreditPackage]

        var testDescription: String { "\(name), seed \(seed)" }
    }

    static let until = Timestamp.parse("2026-11-25T00:00:00Z")!

    /// An instant of the generated window (which starts 30 days before `until`).
    static func day(_ text: String) -> Date {
        Date(timeIntervalSince1970: Double(Timestamp.parse(text)!.nanoseconds / 1_000_000_000))
    }

    /// A catalog whose validity windows matter inside the window: a price change (`pro`, the
    /// same id and name at a new price), a launch (`business`, on sale only from mid-window) and
    /// a package withdrawn mid-window (`lite`). The generator picks packages without looking at
    /// windows, so payments name packages not on sale when they were requested, at prices no
    /// longer in force: exactly where the oracle must apply windows as the core does.
    static let windowedCatalog: [CreditPackage] = [
        CreditPackage(id: "starter", name: "스타터", price: 10_000, currency: "KRW", credits: 100),
        CreditPackage(id: "basic", name: "베이직", price: 30_000, currency: "KRW", credits: 330),
        CreditPackage(
            id: "pro", name: "프로", price: 50_000, currency: "KRW", credits: 600,
            validUntil: day("2026-11-09T15:00:00Z")),
        CreditPackage(
            id: "pro", name: "프로", price: 55_000, currency: "KRW", credits: 650,
            validFrom: day("2026-11-09T15:00:00Z")),
        CreditPackage(
            id: "business", name: "비즈니스", price: 100_000, currency: "KRW", credits: 1300,
            validFrom: day("2026-11-15T00:00:00Z")),
        CreditPackage(
            id: "lite", name: "라이트", price: 5_000, currency: "KRW", credits: 40,
            validUntil: day("2026-11-01T00:00:00Z")),
    ]

    static let worlds: [World] = [
        World(name: "the default catalog", seed: 1, catalog: GeneratorOptions.defaultCatalog),
        World(name: "the default catalog", seed: 2, catalog: GeneratorOptions.defaultCatalog),
        World(name: "the default catalog", seed: 3, catalog: GeneratorOptions.defaultCatalog),
        World(name: "a catalog with validity windows", seed: 4, catalog: windowedCatalog),
        World(name: "a catalog with validity windows", seed: 5, catalog: windowedCatalog),
    ]

    @Test(arguments: worlds)
    func oracleAndCoreAgreeOnEveryPayment(world: World) throws {
        var options = GeneratorOptions(count: 4000, seed: world.seed, until: Self.until, catalog: world.catalog)
        // More of what the rules turn on than the realistic defaults give.
        options.cancelRate = 0.1
        options.partialCancelRate = 0.2
        options.amountMismatchRate = 0.03
        options.missingCustomDataRate = 0.1
        options.testRate = 0.04
        options.v1Rate = 0.02
        let generator = DataSetGenerator(options: options)
        let configuration = Configuration(catalog: world.catalog)
        let now = RFC3339.Timestamp(secondsSinceEpoch: Self.until.nanoseconds / 1_000_000_000 + 86_400)
        let decoder = FastPortOneDecoder()
        var granted = 0
        var partlyDeducted = 0
        var fullyDeducted = 0
        var undecided = 0
        for index in 0..<generator.count {
            let simulated = generator.payment(at: index)
            let oracle = OracleFacts(simulated, catalog: world.catalog)
            let facts = try decoder.decodePayment(simulated.renderJSON()).get().facts
            let userId = Reconciler.userId(for: facts)
            let users = userId.map { [$0: UserAccount(id: $0, balance: 1_000_000)] } ?? [:]
            let outcome = Reconciler.decide(
                payment: facts, ledger: [], users: users, configuration: configuration,
                storeId: GeneratorOptions.defaultStoreId, now: now)
            // The whole entry, not only its id: both `pro` entries share one.
            let resolved: CreditPackage? =
                if case .found(let package, _) = PackageResolution.resolve(for: facts, in: world.catalog) {
                    package
                } else {
                    nil
                }
            let id = simulated.id
            #expect(oracle.userId == userId, "payment \(id): user")
            #expect(oracle.package == resolved, "payment \(id): package")
            #expect(oracle.expectedGrant == outcome.expectedGrant, "payment \(id): grant (\(outcome.classification))")
            #expect(
                oracle.expectedDeduction == outcome.expectedDeduction,
                "payment \(id): deduction (\(outcome.classification))")
            switch (outcome.expectedGrant, outcome.expectedDeduction) {
            case (nil, _): undecided += 1
            case (let grant?, let deduction?) where grant > 0:
                granted += 1
                if deduction == grant { fullyDeducted += 1 } else if deduction > 0 { partlyDeducted += 1 }
            default: break
            }
        }
        // The world exercised every rule the comparison claims to cover.
        #expect(granted > 1000)
        #expect(partlyDeducted > 50)
        #expect(fullyDeducted > 50)
        #expect(undecided > 20)
    }
}
