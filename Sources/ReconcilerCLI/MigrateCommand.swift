/// `credit-reconciler migrate`.
enum MigrateCommand {
    static func run(environment: [String: String]) -> ExitStatus {
        Console.error("credit-reconciler: migrate is not available in this build yet")
        return .failure
    }
}
