import Foundation
import WireFormat

extension Configuration {
    /// Parses and checks the JSON configuration file. Every invalid field is named in the
    /// error, all at once; unknown keys are refused so a typo cannot fall back to a default.
    public static func parse(_ data: Data, source: String = "the configuration file") throws(ConfigurationError)
        -> Configuration
    {
        let document: JSONValue
        do {
            document = try JSONValue.parse(data)
        } catch {
            throw ConfigurationError("\(source) is not valid JSON: \(error.description)")
        }
        var problems = Problems()
        let configuration = read(document, &problems)
        guard problems.list.isEmpty, let configuration else { throw ConfigurationError(problems.list) }
        return configuration
    }

    private static func read(_ document: JSONValue, _ problems: inout Problems) -> Configuration? {
        guard case .object(let root) = document else {
            problems.add("the configuration must be a JSON object, not \(document.typeName)")
            return nil
        }
        problems.refuseUnknown(
            root,
            known: [
                "catalog", "policy", "schedule", "follow", "approval", "ledger", "reports", "console", "metrics",
                "notify",
            ],
            at: "")
        let catalog = readCatalog(root["catalog"], &problems)
        var configuration = Configuration(catalog: catalog)
        if let policy = problems.object(root["policy"], at: "policy") {
            configuration.policy = readPolicy(policy, &problems)
        }
        if let schedule = problems.object(root["schedule"], at: "schedule") {
            configuration.schedule = readSchedule(schedule, &problems)
        }
        if let follow = problems.object(root["follow"], at: "follow") {
            configuration.follow = readFollow(follow, &problems)
        }
        if let approval = problems.object(root["approval"], at: "approval") {
            problems.refuseUnknown(approval, known: ["planTtl"], at: "approval")
            if let ttl = problems.duration(approval["planTtl"], at: "approval.planTtl", minimum: 60) {
                configuration.approval.planTtl = ttl
            }
        }
        if let reports = problems.object(root["reports"], at: "reports") {
            configuration.reports = readReports(reports, &problems)
        }
        if let console = problems.object(root["console"], at: "console") {
            configuration.console = readConsole(console, &problems)
        }
        if let ledger = problems.object(root["ledger"], at: "ledger") {
            configuration.ledgerDescriptionTemplates = readLedger(ledger, &problems)
        }
        if let metrics = problems.object(root["metrics"], at: "metrics") {
            problems.refuseUnknown(metrics, known: ["textfile"], at: "metrics")
            configuration.metricsTextfile = problems.absolutePath(metrics["textfile"], at: "metrics.textfile")
        }
        if let notify = problems.object(root["notify"], at: "notify") {
            problems.refuseUnknown(notify, known: ["webhookUrl"], at: "notify")
            configuration.notifyWebhookURL = problems.webhookURL(notify["webhookUrl"], at: "notify.webhookUrl")
        }
        return configuration
    }

    private static func readCatalog(_ value: JSONValue?, _ problems: inout Problems) -> [CreditPackage] {
        guard let value else {
            problems.add("catalog is required: list the packages the shop sells (id, name, price, currency, credits)")
            return []
        }
        guard case .array(let entries) = value, !entries.isEmpty else {
            problems.add("catalog must be a non-empty array of packages, not \(value.typeName)")
            return []
        }
        var packages: [CreditPackage] = []
        for (index, entry) in entries.enumerated() {
            let path = "catalog[\(index)]"
            guard case .object(let fields) = entry else {
                problems.add("\(path) must be an object, not \(entry.typeName)")
                continue
            }
            problems.refuseUnknown(
                fields, known: ["id", "name", "price", "currency", "credits", "validFrom", "validUntil"], at: path)
            let id = problems.text(fields["id"], at: "\(path).id", required: true)
            let name = problems.text(fields["name"], at: "\(path).name", required: true)
            let price = problems.positiveInteger(fields["price"], at: "\(path).price", required: true)
            let credits = problems.positiveInteger(fields["credits"], at: "\(path).credits", required: true)
            let currency = problems.text(fields["currency"], at: "\(path).currency", required: true)
            if let currency, !(currency.utf8.count == 3 && currency.utf8.allSatisfy { $0 >= 65 && $0 <= 90 }) {
                problems.add("\(path).currency must be an ISO 4217 code such as KRW (got \"\(currency)\")")
            }
            let validFrom = problems.instant(fields["validFrom"], at: "\(path).validFrom")
            let validUntil = problems.instant(fields["validUntil"], at: "\(path).validUntil")
            if let validFrom, let validUntil, validFrom >= validUntil {
                problems.add("\(path).validFrom must be before \(path).validUntil")
            }
            if let id, let name, let price, let credits, let currency {
                packages.append(
                    CreditPackage(
                        id: id, name: name, price: price, currency: currency, credits: credits,
                        validFrom: validFrom, validUntil: validUntil))
            }
        }
        for (index, package) in packages.enumerated() {
            for other in packages[..<index] where other.id == package.id && overlaps(other, package) {
                problems.add(
                    "catalog has two entries for package \"\(package.id)\" in force at the same time: give them validFrom/validUntil periods that do not overlap"
                )
            }
        }
        return packages
    }

    private static func overlaps(_ a: CreditPackage, _ b: CreditPackage) -> Bool {
        let aStart = a.validFrom ?? .distantPast
        let aEnd = a.validUntil ?? .distantFuture
        let bStart = b.validFrom ?? .distantPast
        let bEnd = b.validUntil ?? .distantFuture
        return aStart < bEnd && bStart < aEnd
    }

    private static func readPolicy(_ fields: [String: JSONValue], _ problems: inout Problems) -> Policy {
        problems.refuseUnknown(
            fields,
            known: [
                "settleDelay", "overlap", "initialLookback", "autoFix", "partialRefundRounding", "refundShortfall",
                "maxFixesPerRun", "maxCreditsPerFix", "grantTestPayments", "balanceAuditRuns",
            ], at: "policy")
        var policy = Policy()
        if let value = problems.duration(fields["settleDelay"], at: "policy.settleDelay") { policy.settleDelay = value }
        if let value = problems.duration(fields["overlap"], at: "policy.overlap") { policy.overlap = value }
        if let value = problems.duration(fields["initialLookback"], at: "policy.initialLookback", minimum: 1) {
            policy.initialLookback = value
        }
        if let value = fields["autoFix"] {
            if case .array(let items) = value {
                var kinds: Set<RepairKind> = []
                for (index, item) in items.enumerated() {
                    guard case .string(let text) = item, let kind = RepairKind(rawValue: text) else {
                        problems.add("policy.autoFix[\(index)] must be MISSED_GRANT or MISSED_REFUND")
                        continue
                    }
                    kinds.insert(kind)
                }
                policy.autoFix = kinds
            } else {
                problems.add(
                    "policy.autoFix must be an array such as [\"MISSED_GRANT\", \"MISSED_REFUND\"], not \(value.typeName)"
                )
            }
        }
        if let value = problems.choice(
            fields["partialRefundRounding"], at: "policy.partialRefundRounding", among: Rounding.self)
        {
            policy.partialRefundRounding = value
        }
        if let value = problems.choice(
            fields["refundShortfall"], at: "policy.refundShortfall", among: RefundShortfall.self)
        {
            policy.refundShortfall = value
        }
        if let value = problems.positiveInteger(fields["maxFixesPerRun"], at: "policy.maxFixesPerRun", required: false)
        {
            if let count = Int(exactly: value), count <= 10_000_000 {
                policy.maxFixesPerRun = count
            } else {
                problems.add("policy.maxFixesPerRun must be at most 10000000")
            }
        }
        if let value = problems.positiveInteger(
            fields["maxCreditsPerFix"], at: "policy.maxCreditsPerFix", required: false)
        {
            policy.maxCreditsPerFix = value
        }
        if let value = fields["grantTestPayments"] {
            if case .bool(let flag) = value {
                policy.grantTestPayments = flag
            } else {
                problems.add("policy.grantTestPayments must be true or false, not \(value.typeName)")
            }
        }
        if let value = problems.positiveInteger(
            fields["balanceAuditRuns"], at: "policy.balanceAuditRuns", required: false)
        {
            if let runs = Int(exactly: value), runs <= Policy.maxBalanceAuditRuns {
                policy.balanceAuditRuns = runs
            } else {
                problems.add(
                    "policy.balanceAuditRuns must be at most \(Policy.maxBalanceAuditRuns) (runs within which every user's balance is audited)"
                )
            }
        }
        return policy
    }

    private static func readSchedule(_ fields: [String: JSONValue], _ problems: inout Problems) -> Schedule {
        problems.refuseUnknown(fields, known: ["at", "timeZone", "every"], at: "schedule")
        var schedule = Schedule()
        if let at = problems.text(fields["at"], at: "schedule.at", required: false) {
            let parts = at.split(separator: ":", omittingEmptySubsequences: false)
            if parts.count == 2, parts.allSatisfy({ $0.count == 2 }), let hour = Int(parts[0]),
                let minute = Int(parts[1]),
                (0..<24).contains(hour), (0..<60).contains(minute)
            {
                schedule.hour = hour
                schedule.minute = minute
            } else {
                problems.add("schedule.at must be a time of day HH:MM such as 03:00 (got \"\(at)\")")
            }
        }
        if let zone = problems.text(fields["timeZone"], at: "schedule.timeZone", required: false) {
            if TimeZone(identifier: zone) != nil && zone.contains("/") || zone == "UTC" {
                schedule.timeZone = zone
            } else {
                problems.add("schedule.timeZone must be an IANA time zone such as Asia/Seoul (got \"\(zone)\")")
            }
        }
        if let every = fields["every"], every != .null {
            schedule.every = problems.duration(every, at: "schedule.every", minimum: 60)
        }
        return schedule
    }

    private static func readFollow(_ fields: [String: JSONValue], _ problems: inout Problems) -> Follow {
        problems.refuseUnknown(fields, known: ["enabled", "interval", "grace", "maxFixesPerTick"], at: "follow")
        var follow = Follow()
        if let value = fields["enabled"] {
            if case .bool(let flag) = value {
                follow.enabled = flag
            } else {
                problems.add("follow.enabled must be true or false, not \(value.typeName)")
            }
        }
        if let value = problems.duration(fields["interval"], at: "follow.interval", minimum: 1) {
            if value > 3_600 {
                problems.add("follow.interval must be at most 1h (the journal is followed to act within a minute)")
            } else {
                follow.interval = value
            }
        }
        if let value = problems.duration(fields["grace"], at: "follow.grace") { follow.grace = value }
        if let value = problems.positiveInteger(
            fields["maxFixesPerTick"], at: "follow.maxFixesPerTick", required: false)
        {
            if value > 1_000 {
                problems.add("follow.maxFixesPerTick must be at most 1000 (larger repairs belong to a run)")
            } else {
                follow.maxFixesPerTick = Int(value)
            }
        }
        return follow
    }

    private static func readReports(_ fields: [String: JSONValue], _ problems: inout Problems) -> ReportSettings {
        problems.refuseUnknown(fields, known: ["directory", "formats", "locale", "email"], at: "reports")
        var reports = ReportSettings()
        if let directory = problems.absolutePath(fields["directory"], at: "reports.directory") {
            reports.directory = directory
        }
        if let value = fields["formats"] {
            if case .array(let items) = value {
                var formats: [ReportFormat] = []
                for (index, item) in items.enumerated() {
                    guard case .string(let text) = item, let format = ReportFormat(rawValue: text) else {
                        problems.add("reports.formats[\(index)] must be one of json, csv, md, html")
                        continue
                    }
                    if !formats.contains(format) { formats.append(format) }
                }
                reports.formats = formats
            } else {
                problems.add("reports.formats must be an array such as [\"json\", \"csv\"], not \(value.typeName)")
            }
        }
        if let locale = problems.text(fields["locale"], at: "reports.locale", required: false) {
            if locale == "ko" || locale == "en" {
                reports.locale = locale
            } else {
                problems.add("reports.locale must be ko or en (got \"\(locale)\")")
            }
        }
        if let email = problems.object(fields["email"], at: "reports.email") {
            reports.email = readEmail(email, &problems)
        }
        return reports
    }
}

extension Configuration {
    /// `ledger.descriptions`: a template per repair kind, using only that kind's placeholders.
    fileprivate static func readLedger(_ fields: [String: JSONValue], _ problems: inout Problems) -> [RepairKind:
        String]
    {
        problems.refuseUnknown(fields, known: ["descriptions"], at: "ledger")
        guard let descriptions = problems.object(fields["descriptions"], at: "ledger.descriptions") else { return [:] }
        problems.refuseUnknown(descriptions, known: RepairKind.allCases.map(\.rawValue), at: "ledger.descriptions")
        var templates: [RepairKind: String] = [:]
        for kind in RepairKind.allCases {
            let path = "ledger.descriptions.\(kind.rawValue)"
            guard let value = descriptions[kind.rawValue], value != .null else { continue }
            guard let template = problems.text(value, at: path, required: true) else { continue }
            let allowed = LedgerDescriptions.placeholders(for: kind)
            let unknown = LedgerDescriptions.placeholdersUsed(in: template).filter { !allowed.contains($0) }
            if !unknown.isEmpty {
                problems.add(
                    "\(path) uses \(unknown.map { "{\($0)}" }.joined(separator: ", ")), which \(unknown.count == 1 ? "is not a placeholder" : "are not placeholders") of \(kind.rawValue); use \(allowed.map { "{\($0)}" }.joined(separator: ", "))"
                )
            } else if template.count > 200 {
                problems.add("\(path) must be at most 200 characters (the web app shows it on one line)")
            } else {
                templates[kind] = template
            }
        }
        return templates
    }
}

extension Configuration {
    /// `reports.email`: plain addresses only (nothing that could reach a header), a known `when`.
    fileprivate static func readEmail(_ fields: [String: JSONValue], _ problems: inout Problems)
        -> ReportMailSettings
    {
        problems.refuseUnknown(fields, known: ["to", "from", "when"], at: "reports.email")
        var email = ReportMailSettings()
        email.to = problems.addresses(fields["to"], at: "reports.email.to")
        if let value = fields["from"], value != .null {
            if case .string(let text) = value, ReportMailSettings.isPlainAddress(text) {
                email.from = text
            } else {
                problems.add("reports.email.from must be a plain address such as reconciler@example.com, or null")
            }
        }
        if let when = problems.choice(fields["when"], at: "reports.email.when", among: ReportMailSettings.When.self) {
            email.when = when
        }
        return email
    }

    /// `console`: a loopback address or a Unix socket, a header name, lists of user names.
    fileprivate static func readConsole(_ fields: [String: JSONValue], _ problems: inout Problems)
        -> ConsoleSettings
    {
        problems.refuseUnknown(fields, known: ["listen", "userHeader", "editors", "approvers"], at: "console")
        var console = ConsoleSettings()
        if let listen = problems.text(fields["listen"], at: "console.listen", required: false) {
            switch Result(catching: { () throws(ConsoleSettings.Listen.Problem) in
                try ConsoleSettings.Listen(parsing: listen)
            }) {
            case .success(let address): console.listen = address
            case .failure(let problem): problems.add("console.listen \(problem.description)")
            }
        }
        if let header = problems.text(fields["userHeader"], at: "console.userHeader", required: false) {
            if ConsoleSettings.isHeaderName(header) {
                console.userHeader = header
            } else {
                problems.add("console.userHeader must be an HTTP header name such as X-Forwarded-User")
            }
        }
        console.editors = problems.userNames(fields["editors"], at: "console.editors")
        console.approvers = problems.userNames(fields["approvers"], at: "console.approvers")
        return console
    }
}

/// Collects every problem of a configuration with the path of its field.
private struct Problems {
    var list: [String] = []

    mutating func add(_ problem: String) { list.append(problem) }

    mutating func refuseUnknown(_ fields: [String: JSONValue], known: [String], at path: String) {
        for key in fields.keys.sorted() where !known.contains(key) {
            let name = path.isEmpty ? key : "\(path).\(key)"
            let close = known.first { $0.lowercased() == key.lowercased() }
            let hint = close.map { "; did you mean \"\($0)\"?" } ?? "; known keys: \(known.joined(separator: ", "))"
            add("\(name) is not a known setting\(hint)")
        }
    }

    mutating func object(_ value: JSONValue?, at path: String) -> [String: JSONValue]? {
        guard let value, value != .null else { return nil }
        guard case .object(let fields) = value else {
            add("\(path) must be an object, not \(value.typeName)")
            return nil
        }
        return fields
    }

    mutating func text(_ value: JSONValue?, at path: String, required: Bool) -> String? {
        guard let value else {
            if required { add("\(path) is required") }
            return nil
        }
        guard case .string(let text) = value, !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            add("\(path) must be a non-empty string, not \(value.typeName)")
            return nil
        }
        return text
    }

    mutating func positiveInteger(_ value: JSONValue?, at path: String, required: Bool) -> Int64? {
        guard let value else {
            if required { add("\(path) is required") }
            return nil
        }
        guard case .integer(let number) = value, number > 0 else {
            add(
                "\(path) must be a positive whole number, not \(value.typeName == "a whole number" ? "\(value)" : value.typeName)"
            )
            return nil
        }
        return number
    }

    mutating func instant(_ value: JSONValue?, at path: String) -> Date? {
        guard let value, value != .null else { return nil }
        guard case .string(let text) = value, let date = RFC3339.timestamp(text)?.date else {
            add("\(path) must be an RFC 3339 time such as 2025-12-10T00:00:00+09:00, or null")
            return nil
        }
        return date
    }

    mutating func duration(_ value: JSONValue?, at path: String, minimum: Int64 = 0) -> Int64? {
        guard let value else { return nil }
        guard case .string(let text) = value, let seconds = Duration.seconds(text), seconds >= minimum else {
            add(
                "\(path) must be a duration such as \"10m\", \"1d\" or \"1h30m\" (units s, m, h, d)\(minimum > 0 ? " of at least \(minimum)s" : "")"
            )
            return nil
        }
        return seconds
    }

    mutating func choice<T: RawRepresentable & CaseIterable>(_ value: JSONValue?, at path: String, among _: T.Type)
        -> T?
    where T.RawValue == String {
        guard let value else { return nil }
        guard case .string(let text) = value, let choice = T(rawValue: text) else {
            add("\(path) must be one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return choice
    }

    mutating func addresses(_ value: JSONValue?, at path: String) -> [String] {
        guard let value, value != .null else { return [] }
        guard case .array(let items) = value else {
            add("\(path) must be an array of addresses such as [\"finance@example.com\"], not \(value.typeName)")
            return []
        }
        var addresses: [String] = []
        for (index, item) in items.enumerated() {
            guard case .string(let text) = item, ReportMailSettings.isPlainAddress(text) else {
                add("\(path)[\(index)] must be a plain address such as finance@example.com")
                continue
            }
            if !addresses.contains(text) { addresses.append(text) }
        }
        return addresses
    }

    mutating func userNames(_ value: JSONValue?, at path: String) -> [String] {
        guard let value, value != .null else { return [] }
        guard case .array(let items) = value else {
            add("\(path) must be an array of user names as the reverse proxy sends them, not \(value.typeName)")
            return []
        }
        var names: [String] = []
        for (index, item) in items.enumerated() {
            guard case .string(let text) = item, !text.isEmpty, text.utf8.count <= 200,
                text.utf8.allSatisfy({ $0 > 32 && $0 != 127 })
            else {
                add("\(path)[\(index)] must be a user name without spaces or control characters")
                continue
            }
            if !names.contains(text) { names.append(text) }
        }
        return names
    }

    mutating func absolutePath(_ value: JSONValue?, at path: String) -> String? {
        guard let value, value != .null else { return nil }
        guard case .string(let text) = value, text.hasPrefix("/"), !text.contains("\0") else {
            add("\(path) must be an absolute path such as /var/lib/credit-reconciler, or null")
            return nil
        }
        return text
    }

    mutating func webhookURL(_ value: JSONValue?, at path: String) -> String? {
        guard let value, value != .null else { return nil }
        guard case .string(let text) = value, let url = URLComponents(string: text), let host = url.host, !host.isEmpty,
            url.scheme == "https" || (url.scheme == "http" && ["127.0.0.1", "localhost", "::1"].contains(host))
        else {
            add("\(path) must be an https:// URL (plain http only to a loopback address), or null")
            return nil
        }
        return text
    }
}

/// Durations written as `90s`, `10m`, `2h`, `1d` or combinations such as `1h30m`.
enum Duration {
    static func seconds(_ text: String) -> Int64? {
        guard !text.isEmpty else { return nil }
        var total: Int64 = 0
        var number: Int64?
        for byte in text.utf8 {
            if byte >= 48 && byte <= 57 {
                let (scaled, overflow) = (number ?? 0).multipliedReportingOverflow(by: 10)
                guard !overflow, scaled <= Int64.max - Int64(byte - 48) else { return nil }
                number = scaled + Int64(byte - 48)
                continue
            }
            guard let value = number else { return nil }
            let unit: Int64
            switch byte {
            case UInt8(ascii: "s"): unit = 1
            case UInt8(ascii: "m"): unit = 60
            case UInt8(ascii: "h"): unit = 3600
            case UInt8(ascii: "d"): unit = 86_400
            default: return nil
            }
            let (scaled, overflow) = value.multipliedReportingOverflow(by: unit)
            guard !overflow, total <= Int64.max - scaled else { return nil }
            total += scaled
            number = nil
        }
        guard number == nil, total <= 366 * 86_400 else { return nil }
        return total
    }
}
