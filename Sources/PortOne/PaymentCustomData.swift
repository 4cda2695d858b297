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
}
