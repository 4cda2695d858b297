/// The `CreditTransaction.description` of the rows repairs write: the line the shop's customer
/// reads in their credit history, in the shop's language and the web app's own style
/// (config `ledger.descriptions`, DESIGN §6).
///
/// A template is text with placeholders: `{packageName}` (the catalog name, `프로`),
/// `{credits}` (the credits moved, `600`) and, for `MISSED_REFUND`, `{refundKind}` (`부분 환불` /
/// `전액 환불`, or `partial refund` / `full refund`). Nothing internal goes in: no product name,
/// no repair kind, no payment id (that has its own column).
public struct LedgerDescriptions: Sendable, Equatable {
    /// The templates configured, by repair kind; a kind not configured uses the locale's default.
    public var templates: [RepairKind: String]
    /// `ko` or `en` (`reports.locale`): the language of the defaults and of `{refundKind}`.
    public var locale: String

    /// Templates for `locale`, overriding its defaults with `templates`.
    public init(templates: [RepairKind: String] = [:], locale: String = "ko") {
        self.templates = templates
        self.locale = locale
    }

    /// The placeholders a template of `kind` may use.
    public static func placeholders(for kind: RepairKind) -> [String] {
        switch kind {
        case .missedGrant: ["packageName", "credits"]
        case .missedRefund: ["packageName", "credits", "refundKind"]
        }
    }

    /// The default template of `kind` in `locale` (`ko`; anything else is English).
    public static func defaultTemplate(_ kind: RepairKind, locale: String) -> String {
        switch (kind, locale == "ko") {
        case (.missedGrant, true): "크레딧 구매 ({packageName}) · 결제 확인 후 지급"
        case (.missedRefund, true): "환불 차감 ({packageName}, {refundKind})"
        case (.missedGrant, false): "Credit purchase ({packageName}) · granted after payment check"
        case (.missedRefund, false): "Refund deduction ({packageName}, {refundKind})"
        }
    }

    /// The template in force for `kind`.
    public func template(_ kind: RepairKind) -> String {
        templates[kind] ?? Self.defaultTemplate(kind, locale: locale)
    }

    /// The description of a repair of `kind` for `package`, moving `credits`; `fullRefund` says
    /// whether the payment is cancelled in full (for `{refundKind}`).
    public func text(_ kind: RepairKind, package: CreditPackage, credits: Int64, fullRefund: Bool) -> String {
        let korean = locale == "ko"
        let refundKind =
            switch (fullRefund, korean) {
            case (true, true): "전액 환불"
            case (false, true): "부분 환불"
            case (true, false): "full refund"
            case (false, false): "partial refund"
            }
        let values = ["packageName": package.name, "credits": Wording.grouped(credits), "refundKind": refundKind]
        return Self.fill(template(kind)) { values[$0] }
    }

    /// The placeholders `template` uses, in order (`{name}`; a `{` without its `}` is text).
    public static func placeholdersUsed(in template: String) -> [String] {
        var used: [String] = []
        _ = fill(template) { name in
            used.append(name)
            return ""
        }
        return used
    }

    /// `template` with each `{name}` replaced by `value(name)` (kept as written when nil).
    static func fill(_ template: String, _ value: (String) -> String?) -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            let after = rest[rest.index(after: open)...]
            guard let close = after.firstIndex(of: "}") else {
                out += rest[open...]
                return out
            }
            let name = String(after[..<close])
            out += value(name) ?? "{\(name)}"
            rest = after[after.index(after: close)...]
        }
        return out + rest
    }
}
