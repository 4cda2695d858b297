import Foundation

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
        guard text.drop(while: \.isWhitespace).first == "{" else { return nil }
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            return nil
        }
        func string(_ key: String) -> String? {
            switch object[key] {
            case let value as String: return value
            case let value as NSNumber: return value.stringValue
            default: return nil
            }
        }
        userId = string("userId")
        packageId = string("packageId")
        if userId == nil && packageId == nil { return nil }
    }
}
