/// A failure of Encore's storage, worded for the operator.
public enum StorageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The database did not answer; requests get 503 until it does.
    case unavailable(String)
    /// The database refused a statement (a broken schema, a full disk) or the connection died
    /// under it; this request gets 503, the next one tries again.
    case failed(String)
    /// A stored secret could not be decrypted: wrong `ENCORE_SECRET_KEY`, or the row was altered.
    case undecryptable
    /// A secret could not be encrypted.
    case encryption
    /// The key file cannot be used.
    case keyFile(path: String, reason: String)
    /// The schema could not be brought up to date.
    case migration(String)

    public var description: String {
        switch self {
        case .unavailable(let reason): "the database is unavailable: \(reason)"
        case .failed(let reason): "the database refused a statement: \(reason)"
        case .undecryptable: "a stored secret could not be decrypted; was ENCORE_SECRET_KEY changed?"
        case .encryption: "a secret could not be encrypted"
        case .keyFile(let path, let reason): "the key file \(path) cannot be used: \(reason)"
        case .migration(let reason): "the database schema could not be updated: \(reason)"
        }
    }
}
