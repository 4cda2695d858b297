/// The kind of a `CreditTransaction` row, as the web app's Prisma enum `CreditTransactionType` spells it.
public enum CreditTransactionType: String, Sendable, Hashable, CaseIterable, Codable {
    /// Credits granted for a paid package (webhook or reconciler); amount > 0.
    case purchase = "PURCHASE"
    /// Credits spent on image generation; amount < 0.
    case usage = "USAGE"
    /// Credits taken back for a cancelled or refunded payment; amount < 0.
    case refund = "REFUND"
    /// Promotional credits.
    case bonus = "BONUS"
    /// Credits for a referral.
    case referral = "REFERRAL"
    /// A manual correction by staff.
    case adjustment = "ADJUSTMENT"
}
