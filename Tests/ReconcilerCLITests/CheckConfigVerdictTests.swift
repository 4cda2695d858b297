import ReconcilerEngine
import Testing

@testable import ReconcilerCLI

@Suite struct CheckConfigVerdictTests {
    typealias Verdict = CheckConfigCommand.Verdict

    @Test(arguments: [
        ([Verdict.pass("a", "ok"), .pass("b", "ok")], ReconcilerCLI.ExitStatus.success),
        ([.pass("a", "ok"), .fail("b", "down", .unavailable)], .unavailable),
        ([.fail("a", "bad"), .fail("b", "down", .unavailable)], .configuration),
        ([.fail("a", "bad")], .configuration),
    ])
    func exitStatusOfTheVerdicts(verdicts: [Verdict], status: ReconcilerCLI.ExitStatus) {
        #expect(CheckConfigCommand.exitStatus(verdicts) == status)
    }

    @Test func linesMarkEachVerdict() {
        #expect(Verdict.pass("PortOne", "works").line == "✔ PortOne        works")
        #expect(Verdict.fail("privileges", "one\ntwo").line == "✘ privileges     one\n                 two")
    }

    @Test func progressLineCountsPagesPaymentsAndRepairs() {
        let line = ProgressDisplay.render(
            RunProgress(
                phase: .scanning, pagesScanned: 12, paymentsScanned: 12_000, repairsApplied: 3, repairsQueued: 40),
            elapsed: .seconds(4))
        #expect(line == "scanning: 12 pages, 12000 payments (3000/s), 3 of 40 repairs applied")
    }
}
