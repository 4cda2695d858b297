import Foundation

/// `credit-reconciler demo`: runs the source tree's `scripts/demo` (a throwaway PostgreSQL, the
/// PortOne simulator, a reconciliation and its report). An installed binary has no source tree
/// and no simulator, so it says where to get them instead of touching any real database.
enum DemoCommand {
    static func run(environment: [String: String]) -> ExitStatus {
        guard let script = findScript() else {
            Console.error(
                """
                credit-reconciler: the demo runs from the source tree, which this installation does not have.
                Clone the project and run: bash scripts/demo
                (it never touches a real database: it starts its own PostgreSQL and PortOne simulator)
                """)
            return .failure
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script.path]
        var childEnvironment = environment
        // The demo's own throwaway settings must win over a real installation's.
        for name in [
            "DATABASE_URL", "PORTONE_API_SECRET", "PORTONE_STORE_ID", "PORTONE_API_BASE_URL", "RECONCILER_CONFIG",
        ] {
            childEnvironment[name] = nil
            childEnvironment["\(name)_FILE"] = nil
        }
        childEnvironment["CREDENTIALS_DIRECTORY"] = nil
        process.environment = childEnvironment
        do {
            try process.run()
        } catch {
            Console.error("credit-reconciler: cannot start \(script.path): \(error)")
            return .failure
        }
        process.waitUntilExit()
        return process.terminationStatus == 0 ? .success : .failure
    }

    /// `scripts/demo` of the package this binary was built in (`.build/<config>/credit-reconciler`).
    static func findScript() -> URL? {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        for _ in 0..<5 {
            let candidate = folder.appendingPathComponent("scripts/demo")
            if FileManager.default.fileExists(atPath: candidate.path),
                FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path)
            {
                return candidate
            }
            folder.deleteLastPathComponent()
        }
        return nil
    }
}
