import Foundation
import Logging

/// The logger of the commands that run reconciliations: styled for where standard error goes
/// (journald or a terminal) and told every secret it must never write.
enum RunLogger {
    /// A logger for `settings`, redacting the PortOne secret, the database password (and the
    /// whole DATABASE_URL), the notification webhook URL and SMTP_URL with its password.
    static func make(_ settings: RuntimeSettings, environment: [String: String]) -> Logger {
        var secrets = [settings.apiSecret, settings.databaseURL]
        if let password = databasePassword(settings.databaseURL) { secrets.append(password) }
        if let webhook = settings.configuration.notifyWebhookURL {
            secrets.append(webhook)
            if let path = URLComponents(string: webhook)?.path, path.count > 1 { secrets.append(path) }
        }
        if let smtpURL = settings.smtpURL {
            secrets.append(smtpURL)
            if let url = URLComponents(string: smtpURL) {
                secrets += [url.password, url.percentEncodedPassword].compactMap { $0 }.filter { $0.count >= 4 }
            }
        }
        return Logger(style: .detect(environment: environment), secrets: secrets)
    }

    /// The password in a libpq URI (`postgresql://user:password@host/db`) or conninfo string
    /// (`password=...`), as written and percent-decoded.
    static func databasePassword(_ url: String) -> String? {
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            let rest = url[url.range(of: "://")!.upperBound...]
            let authority = rest.prefix { $0 != "/" && $0 != "?" }
            guard let at = authority.lastIndex(of: "@") else { return queryPassword(url) }
            let userInfo = authority[..<at]
            guard let colon = userInfo.firstIndex(of: ":") else { return queryPassword(url) }
            let raw = String(userInfo[userInfo.index(after: colon)...])
            return raw.removingPercentEncoding ?? raw
        }
        for pair in url.split(separator: " ") where pair.hasPrefix("password=") {
            var value = String(pair.dropFirst("password=".count))
            if value.hasPrefix("'") && value.hasSuffix("'") && value.count >= 2 {
                value = String(value.dropFirst().dropLast())
            }
            return value
        }
        return nil
    }

    private static func queryPassword(_ url: String) -> String? {
        URLComponents(string: url)?.queryItems?.first { $0.name == "password" }?.value
    }
}
