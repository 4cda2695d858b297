import Testing
import WireFormat

/// The byte-level scanner on its own: strings, integers, skipping, and where it fails.
@Suite struct JSONScannerTests {
    private func scan<T>(_ text: String, _ read: (inout JSONScanner) throws(JSONScanner.Failure) -> T) -> Result<
        T, JSONScanner.Failure
    > {
        Array(text.utf8).withUnsafeBufferPointer { buffer in
            var scanner = JSONScanner(buffer)
            return Result { () throws(JSONScanner.Failure) in try read(&scanner) }
        }
    }

    @Test(arguments: [
        (#""abc""#, "abc"), (#" "a\nb" "#, "a\nb"), (#""\u00e9\ud83d\ude00""#, "é😀"), (#""\/""#, "/"),
    ])
    func readsStrings(json: String, text: String) {
        #expect(
            (try? scan(json) { (s: inout JSONScanner) throws(JSONScanner.Failure) in try s.string() }.get()) == text)
    }

    @Test(arguments: [
        (#""\u0000""#, JSONScanner.nulCharacter), (#""\ud800""#, JSONScanner.loneSurrogate),
        ("\"\u{01}\"", "control character in string"), (#""abc"#, "unterminated string"),
    ])
    func refusesStrings(json: String, reason: String) {
        let result = scan(json) { (s: inout JSONScanner) throws(JSONScanner.Failure) in try s.string() }
        if case .failure(let failure) = result { #expect(failure.reason == reason) } else { Issue.record("accepted") }
    }

    @Test func allowsNULWhenAsked() {
        let result = scan(#""a\u0000""#) { (s: inout JSONScanner) throws(JSONScanner.Failure) in
            try s.string(allowingNUL: true)
        }
        #expect((try? result.get()) == "a\u{0}")
    }

    @Test(arguments: [("0", Int64(0)), ("-42", -42), ("9223372036854775807", .max), ("-9223372036854775808", .min)])
    func readsIntegers(json: String, value: Int64) {
        #expect(
            (try? scan(json) { (s: inout JSONScanner) throws(JSONScanner.Failure) in try s.int64() }.get()) == value)
    }

    @Test(arguments: ["1.5", "1e3", "9223372036854775808", "\"1\"", "-"])
    func refusesNonIntegers(json: String) {
        #expect((try? scan(json) { (s: inout JSONScanner) throws(JSONScanner.Failure) in try s.int64() }.get()) == nil)
    }

    @Test func skipsUnknownMembersAndNamesThePath() {
        let json = #"{"skip":{"a":[1,true,null,"x"]},"items":[{"n":1},{"n":"two"}]}"#
        let result = scan(json) { (s: inout JSONScanner) throws(JSONScanner.Failure) in
            var numbers: [Int64] = []
            try s.members { (s: inout JSONScanner, key) throws(JSONScanner.Failure) in
                guard key.equals("items") else {
                    try s.skipValue()
                    return
                }
                try s.elements { (s: inout JSONScanner, _) throws(JSONScanner.Failure) in
                    if let number = try s.memberInt("n") { numbers.append(number) }
                }
            }
            return numbers
        }
        guard case .failure(let failure) = result else {
            Issue.record("accepted a string as a number")
            return
        }
        #expect(failure.path == ["items", "[1]", "n"])
    }
}

extension JSONScanner {
    /// One integer member of an object (others skipped), for the tests.
    fileprivate mutating func memberInt(_ name: StaticString) throws(Failure) -> Int64? {
        var value: Int64?
        try members { (s: inout JSONScanner, key) throws(Failure) in
            if key.equals(name) { value = try s.int64() } else { try s.skipValue() }
        }
        return value
    }
}
