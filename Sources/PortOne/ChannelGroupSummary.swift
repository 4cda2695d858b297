/// The channel group a payment used.
public struct ChannelGroupSummary: Codable, Sendable, Hashable {
    /// Group id.
    public var id: String
    /// Group name.
    public var name: String
    /// True for a test channel group.
    public var isForTest: Bool

    /// Creates a channel group record.
    public init(id: String, name: String, isForTest: Bool) {
        self.id = id
        self.name = name
        self.isForTest = isForTest
    }
}
