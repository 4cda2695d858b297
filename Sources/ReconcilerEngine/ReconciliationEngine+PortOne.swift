import Logging
import PortOne
import ReconcilerCore

extension ReconciliationEngine {
    /// An engine that talks to PortOne at `apiBaseURL` with `apiSecret` for `settings.storeId`;
    /// the run's events, and the PortOne client's retries as warnings, go to `logger`.
    ///
    /// - Throws: ``RunFailure/configuration(_:)`` when the PortOne settings are not usable (an
    ///   empty secret or store id, a base URL that is not HTTPS).
    public convenience init(settings: Settings, apiBaseURL: String, apiSecret: String, logger: Logger)
        throws(RunFailure)
    {
        let client: PortOneClient
        do {
            client = try PortOneClient(
                configuration: PortOneConfiguration(
                    baseURL: apiBaseURL, secret: PortOneSecret(apiSecret), storeId: settings.storeId),
                log: { logger.log(.warning, $0) })
        } catch {
            throw .configuration(error.description)
        }
        self.init(settings: settings, client: client, log: { logger.log(.info, $0) }, logger: logger)
    }

    /// Asks PortOne for one page of one payment of `storeId` with a short retry budget, to see
    /// that the API secret works (`check-config`); returns how many payments the page held.
    ///
    /// - Throws: ``ServiceFailure/unavailable(_:)`` when PortOne cannot be reached,
    ///   ``ServiceFailure/configuration(_:)`` for anything else (the secret, the store, the URL).
    public static func probePortOne(baseURL: String, secret: String, storeId: String) async throws(ServiceFailure)
        -> Int
    {
        let client: PortOneClient
        do {
            client = try PortOneClient(
                configuration: PortOneConfiguration(
                    baseURL: baseURL, secret: PortOneSecret(secret), storeId: storeId,
                    retry: RetryPolicy(maximumAttempts: 3, maximumElapsed: .seconds(20), baseDelay: .milliseconds(200)))
            )
        } catch {
            throw .configuration(error.description)
        }
        do {
            return try await client.getPayments(PaymentListQuery(storeId: storeId, pageNumber: 0, pageSize: 1)).items
                .count
        } catch {
            switch error {
            case .unavailable:
                throw .unavailable(error.description)
            case .unauthorized, .forbidden, .invalidRequest, .unexpectedStatus, .configuration, .scanLimitExceeded,
                .cancelled:
                throw .configuration(error.description)
            }
        }
    }
}
