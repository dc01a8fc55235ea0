/// The app was told to stop (SIGTERM) while it was still migrating the database, so it stopped
/// without serving. Not a failure: the migration's transaction was not committed, or if it was,
/// the next start finds it recorded.
public struct StoppedDuringStartup: Error, CustomStringConvertible {
    public var description: String { "stopped during start-up, before the database migration finished" }
}
