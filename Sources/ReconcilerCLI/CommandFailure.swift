/// A command that stopped after telling the user why; carries only the exit status.
struct CommandFailure: Error {
    /// The status the process exits with.
    let status: ExitStatus

    init(_ status: ExitStatus) {
        self.status = status
    }
}
