import Foundation

/// PortOne's error body `{"type": "SCREAMING_SNAKE", "message"?: "..."}`.
public struct PortOneErrorBody: Decodable, Sendable, Hashable {
    /// The error type, e.g. `UNAUTHORIZED`, `PAYMENT_NOT_FOUND`.
    public var type: String
    /// PortOne's message, if any.
    public var message: String?

    /// Creates an error body.
    public init(type: String, message: String? = nil) {
        self.type = type
        self.message = message
    }

    /// Reads an error body; nil when the body is not one (e.g. an HTML error page).
    public static func parse(_ body: [UInt8]) -> PortOneErrorBody? {
        try? JSONDecoder().decode(PortOneErrorBody.self, from: Data(body))
    }
}
