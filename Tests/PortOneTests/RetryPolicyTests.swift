import PortOne
import ReconcilerCore
import Testing
import WireFormat

@Suite struct RetryPolicyTests {
    static let policy = RetryPolicy(
        maximumAttempts: 5, maximumElapsed: .seconds(60), baseDelay: .milliseconds(100), maximumDelay: .seconds(2),
        maximumRetryAfter: .seconds(30))

    @Test(arguments: [
        (1, Duration.milliseconds(100)), (2, .milliseconds(200)), (3, .milliseconds(400)), (4, .milliseconds(800)),
        (5, .milliseconds(1600)), (6, .seconds(2)), (40, .seconds(2)),
    ])
    func backoffCapDoublesUpToTheMaximum(attempt: Int, cap: Duration) {
        #expect(Self.policy.backoffCap(afterAttempt: attempt) == cap)
    }

    static let decisions: [(String, Int, RequestOutcome, Duration, Duration?, Double, RetryPolicy.Decision?)] = [
        ("429 waits at least Retry-After", 1, .rateLimited, .zero, .seconds(3), 0.5, .retry(after: .seconds(3))),
        (
            "jitter above Retry-After wins", 4, .rateLimited, .zero, .milliseconds(10), 0.5,
            .retry(after: .milliseconds(400))
        ),
        ("5xx full jitter, low", 1, .serverError, .zero, nil, 0.0, .retry(after: .zero)),
        ("5xx full jitter, high", 3, .serverError, .zero, nil, 0.5, .retry(after: .milliseconds(200))),
        ("timeout retried", 2, .timeout, .seconds(1), nil, 1.0, .retry(after: .milliseconds(200))),
        ("connection error retried", 1, .connectionError, .zero, nil, 0.25, .retry(after: .milliseconds(25))),
        ("invalid body retried", 1, .invalidResponse, .zero, nil, 0.5, .retry(after: .milliseconds(50))),
        ("attempts exhausted", 5, .serverError, .seconds(1), nil, 0.5, nil),
        ("time budget exhausted", 2, .serverError, .seconds(59), .seconds(2), 0.5, nil),
        ("Retry-After too long", 1, .rateLimited, .zero, .seconds(31), 0.5, nil),
        ("client error final", 1, .clientError, .zero, nil, 0.5, nil),
        ("not found final", 1, .notFound, .zero, nil, 0.5, nil),
        ("ok final", 1, .ok, .zero, nil, 0.5, nil),
    ]

    @Test(arguments: decisions)
    func decides(
        _ name: String, attempt: Int, outcome: RequestOutcome, elapsed: Duration, retryAfter: Duration?, random: Double,
        expected: RetryPolicy.Decision?
    ) {
        let decision = Self.policy.decide(
            attempt: attempt, outcome: outcome, elapsed: elapsed, retryAfter: retryAfter, random: random)
        if let expected {
            #expect(decision == expected, "\(name)")
        } else {
            guard case .giveUp(let reason) = decision else {
                Issue.record("\(name): expected to give up, got \(decision)")
                return
            }
            #expect(!reason.isEmpty)
        }
    }

    @Test func jitterStaysWithinTheCap() {
        for attempt in 1...4 {
            for step in 0..<100 {
                let random = Double(step) / 100
                guard
                    case .retry(let wait) = Self.policy.decide(
                        attempt: attempt, outcome: .serverError, elapsed: .zero, retryAfter: nil, random: random)
                else {
                    Issue.record("gave up at attempt \(attempt)")
                    return
                }
                #expect(wait >= .zero && wait <= Self.policy.backoffCap(afterAttempt: attempt))
            }
        }
    }

    static let now = try! RFC3339.parse("2015-10-21T07:28:00Z")

    @Test(arguments: [
        ("120", Duration?.some(.seconds(120))),
        (" 0 ", .some(.zero)),
        ("Wed, 21 Oct 2015 07:28:30 GMT", .some(.seconds(30))),
        ("Wednesday, 21-Oct-15 07:29:00 GMT", .some(.seconds(60))),
        ("Wed Oct 21 07:28:05 2015", .some(.seconds(5))),
        ("Wed, 21 Oct 2015 07:00:00 GMT", .some(.zero)),
        ("soon", nil),
        ("-5", nil),
        ("1.5", nil),
        ("Wed, 32 Oct 2015 07:28:30 GMT", nil),
        ("", nil),
    ])
    func parsesRetryAfter(header: String, expected: Duration?) {
        #expect(RetryAfter.parse(header, now: Self.now) == expected)
    }

    @Test func absentRetryAfterIsNil() {
        #expect(RetryAfter.parse(nil, now: Self.now) == nil)
    }

    @Test(arguments: RequestOutcome.allCases)
    func onlyTransientOutcomesAreRetryable(outcome: RequestOutcome) {
        let retryable: Set<RequestOutcome> = [.rateLimited, .serverError, .timeout, .connectionError, .invalidResponse]
        #expect(outcome.isRetryable == retryable.contains(outcome))
    }

    @Test func countersAreThreadSafe() async {
        let counters = RequestCounters()
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<8 {
                group.addTask {
                    for _ in 0..<1000 { counters.record(index % 2 == 0 ? .ok : .rateLimited) }
                }
            }
        }
        #expect(counters.count(.ok) == 4000)
        #expect(counters.count(.rateLimited) == 4000)
        #expect(counters.total == 8000)
        #expect(counters.snapshot().map(\.outcome) == RequestOutcome.allCases)
    }
}
