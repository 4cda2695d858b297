/// Small text helpers for discrepancy details and repair descriptions.
enum Wording {
    /// `50000, "KRW"` → `50,000 KRW`.
    static func money(_ amount: Int64, _ currency: String) -> String {
        "\(grouped(amount)) \(currency)"
    }

    /// `1300` → `1,300 credits`, `1` → `1 credit`.
    static func credits(_ count: Int64) -> String {
        "\(grouped(count)) \(count == 1 || count == -1 ? "credit" : "credits")"
    }

    /// `3` → `3 rows`, `1` → `1 row`.
    static func rows(_ count: Int, _ type: CreditTransactionType) -> String {
        "\(count) \(type.rawValue) \(count == 1 ? "row" : "rows")"
    }

    /// A verb agreeing with a count: `("grant", 1)` → `grants`, `("grant", 2)` → `grant`.
    static func verb(_ verb: String, _ count: Int) -> String {
        count == 1 ? verb + "s" : verb
    }

    /// Digits grouped by thousands with commas, as Korean invoices write them.
    static func grouped(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return value < 0 ? "-" + result : result
    }

}
