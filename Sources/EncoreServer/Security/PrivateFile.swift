import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Checks on a file that holds secrets (the key file, the SQLite database).
///
/// A symlink could point Encore at a file chosen by whoever can write the folder, and a file
/// owned by another user is one that user can read or swap: both are refused. A file that is
/// ours but readable by others is tightened to 0600.
enum PrivateFile {
    enum Problem: Error, Equatable {
        case symlink, otherOwner, notRegular, cannotCreate
    }

    /// Refuses a symlink, a file of another user or one that is not a regular file, and makes
    /// the file 0600. A missing file is fine (returns `false`).
    /// - Returns: Whether the file exists.
    static func check(_ path: String) throws(Problem) -> Bool {
        var status = stat()
        guard lstat(path, &status) == 0 else { return false }
        if status.st_mode & S_IFMT == S_IFLNK { throw .symlink }
        guard status.st_mode & S_IFMT == S_IFREG else { throw .notRegular }
        guard status.st_uid == geteuid() else { throw .otherOwner }
        if status.st_mode & 0o077 != 0 { chmod(path, 0o600) }
        return true
    }

    /// Creates a file only this user can read and write (0600) and opens it for writing. With
    /// `exclusive`, a file already there — a symlink planted in its place included — is refused.
    static func create(_ path: String, exclusive: Bool = true) throws(Problem) -> FileHandle {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | (exclusive ? O_EXCL : 0), 0o600)
        guard descriptor >= 0 else { throw .cannotCreate }
        return FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }

    /// Creates a folder only this user can enter (0700); one already there is refused.
    static func createFolder(_ path: String) throws(Problem) {
        guard mkdir(path, 0o700) == 0 else { throw .cannotCreate }
    }

    static func reason(_ problem: Problem, path: String) -> String {
        switch problem {
        case .symlink: "it is a symbolic link; point the setting at the file itself"
        case .otherOwner: "it belongs to another user; it must be owned by the user Encore runs as"
        case .notRegular: "it is not a regular file"
        case .cannotCreate: "it cannot be created there (it exists, or the folder is not writable)"
        }
    }
}
