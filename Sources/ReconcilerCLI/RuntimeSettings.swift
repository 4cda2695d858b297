import Foundation
import ReconcilerCore

/// Everything a run needs from the environment and the configuration file, checked together so
/// one error message lists every problem.
struct RuntimeSettings: Sendable {
    /// The checked configuration file.
    var configuration: Configuration
    /// Where it was read from.
    var configurationPath: String
    /// `PORTONE_API_SECRET`; never printed.
    var apiSecret: String
    /// `PORTONE_STORE_ID`.
    var storeId: String
    /// `DATABASE_URL`; never printed (it may hold a password).
    var databaseURL: String
    /// `PORTONE_API_BASE_URL`, or PortOne's production API.
    var apiBaseURL: String
    /// `SMTP_URL` for the report e-mail (DESIGN §7); never printed (it may hold a password).
    var smtpURL: String? = nil
    /// `SMTP_CA_FILE`: the CA certificates that sign the mail server's (a private CA).
    var smtpCAFile: String? = nil

    static let defaultConfigurationPath = "/etc/credit-reconciler/config.json"
    static let defaultAPIBaseURL = "https://api.portone.io"

    /// Reads the settings from `environment`, reading files with `readFile`.
    static func load(
        environment: [String: String],
        readFile: @escaping @Sendable (String) throws -> Data = { try Data(contentsOf: URL(fileURLWithPath: $0)) }
    ) throws(ConfigurationError) -> RuntimeSettings {
        let resolver = SettingResolver(environment: environment) { path in
            String(decoding: try readFile(path), as: UTF8.self)
        }
        var problems: [String] = []
        func setting(_ name: String, purpose: String) -> String? {
            do {
                return try resolver.required(name, purpose: purpose)
            } catch {
                problems.append(contentsOf: error.problems)
                return nil
            }
        }
        let secret = setting("PORTONE_API_SECRET", purpose: "the PortOne V2 API secret")
        let storeId = setting("PORTONE_STORE_ID", purpose: "the PortOne store id (store-...)")
        let databaseURL = setting("DATABASE_URL", purpose: "the web app's PostgreSQL database")
        var baseURL = defaultAPIBaseURL
        do {
            if let value = try resolver.value(of: "PORTONE_API_BASE_URL") { baseURL = value }
        } catch {
            problems.append(contentsOf: error.problems)
        }
        var smtpURL: String?
        let smtpCAFile = environment["SMTP_CA_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        do {
            smtpURL = try resolver.value(of: "SMTP_URL")
        } catch {
            problems.append(contentsOf: error.problems)
        }
        let path = environment["RECONCILER_CONFIG"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultConfigurationPath
        var configuration: Configuration?
        if let data = try? readFile(path) {
            do {
                configuration = try Configuration.parse(data, source: "the file")
            } catch {
                problems.append(contentsOf: error.problems.map { "\(path): \($0)" })
            }
        } else {
            problems.append(
                "the configuration file \(path) cannot be read: create it (the catalog is required) or point RECONCILER_CONFIG at it"
            )
        }
        guard problems.isEmpty, let configuration, let secret, let storeId, let databaseURL else {
            throw ConfigurationError(problems)
        }
        return RuntimeSettings(
            configuration: configuration, configurationPath: path, apiSecret: secret, storeId: storeId,
            databaseURL: databaseURL, apiBaseURL: baseURL, smtpURL: smtpURL, smtpCAFile: smtpCAFile)
    }
}
