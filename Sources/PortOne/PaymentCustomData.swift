import WireFormat

/// The web app's `customData` JSON (`{"userId": "...", "packageId": "..."}`), read from the
/// payment's `customData` string. Browser-supplied: never trusted for amounts or credits.
public struct PaymentCustomData: Sendable, Hashable {
    /// The app's user id.
    public var userId: String?
    /// The catalog package id.
    public var packageId: String?

    /// Creates a record.
    public init(userId: String?, packageId: String?) {
        self.userId = userId
        self.packageId = packageId
    }

    /// Reads `customData`; nil when it is not a JSON object or carries neither field as a
    /// string (numbers are accepted and turned into text).
    public init?(parsing text: String) {
        var text = text
        let fields = text.withUTF8 { buffer -> (String?, String?)? in
            var scanner = JSONScanner(buffer)
            var userId: String?
            var packageId: String?
            do throws(JSONScanner.Failure) {
                try scanner.object {
                    (scanner: inout JSONScanner, key: UnsafeBufferPointer<UInt8>) throws(JSONScanner.Failure) in
                    if key.equals("userId") {
                        userId = try scanner.scalarText()
                    } else if key.equals("packageId") {
                        packageId = try scanner.scalarText()
                    } else {
                        try scanner.skipValue()
                    }
                }
                scanner.skipWhitespace()
                return scanner.isAtEnd ? (userId, packageId) : nil
            } catch {
                return nil
            }
        }
        guard let fields, fields.0 != nil || fields.1 != nil else { return nil }
        userId = fields.0
        packageId = fields.1
    }

    /// Why a present `customData` cannot be trusted to name the user and package, or nil when
    /// it can (absent, empty, or a JSON object whose `userId` and `packageId` are strings,
    /// numbers, null or absent). The reason names the field, never its value, so it is safe
    /// in reports whatever the browser sent.
    public static func problem(in text: String?) -> String? {
        guard var text, text.contains(where: { !$0.isWhitespace }) else { return nil }
        return text.withUTF8 { buffer -> String? in
            var scanner = JSONScanner(buffer)
            var problem: String?
            do throws(JSONScanner.Failure) {
                scanner.skipWhitespace()
                guard try scanner.peek() == UInt8(ascii: "{") else { return "customData is not a JSON object" }
                try scanner.object {
                    (scanner: inout JSONScanner, key: UnsafeBufferPointer<UInt8>) throws(JSONScanner.Failure) in
                    let name: String? =
                        key.equals("userId") ? "userId" : key.equals("packageId") ? "packageId" : nil
                    if let name, problem == nil {
                        switch try scanner.peek() {
                        case UInt8(ascii: "\""), UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                            UInt8(ascii: "n"):
                            break
                        default:
                            problem = "customData.\(name) is not a string"
                        }
                    }
                    try scanner.skipValue()
                }
                scanner.skipWhitespace()
                guard scanner.isAtEnd else { return "customData is not a JSON object (text follows it)" }
                return problem
            } catch {
                return "customData is not a JSON object"
            }
        }
    }
}
