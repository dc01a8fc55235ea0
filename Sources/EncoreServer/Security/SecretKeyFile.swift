import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The token-encryption key kept in a file when `ENCORE_SECRET_KEY` is not set.
enum SecretKeyFile {
    /// Reads the key at `path`, or creates it (32 random bytes, base64, mode 0600).
    ///
    /// Creation is atomic: the key is written to a private temporary file and linked into place,
    /// so two processes starting together end up with the same key.
    static func loadOrCreate(at path: String) throws(StorageError) -> SymmetricKey {
        if let key = try read(path) { return key }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let key = SymmetricKey(size: .bits256)
        let encoded = key.withUnsafeBytes { Data($0).base64EncodedString() } + "\n"
        let temporary = path + ".\(getpid()).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw StorageError.keyFile(path: path, reason: "cannot create it (\(String(cString: strerror(errno))))") }
        let written = encoded.utf8CString.withUnsafeBufferPointer { buffer in
            write(descriptor, buffer.baseAddress, buffer.count - 1)
        }
        fsync(descriptor)
        close(descriptor)
        defer { unlink(temporary) }
        guard written == encoded.utf8.count else { throw StorageError.keyFile(path: path, reason: "could not write it") }
        if link(temporary, path) != 0 {
            // Another process created it first: use theirs.
            if errno == EEXIST, let key = try read(path) { return key }
            throw StorageError.keyFile(path: path, reason: "cannot create it (\(String(cString: strerror(errno))))")
        }
        return key
    }

    private static func read(_ path: String) throws(StorageError) -> SymmetricKey? {
        var status = stat()
        guard lstat(path, &status) == 0 else { return nil }
        // Readable by others means the key may already be out: refused rather than tightened.
        if status.st_mode & S_IFMT == S_IFREG, status.st_mode & 0o077 != 0 {
            throw StorageError.keyFile(path: path, reason: "other users can read it; run chmod 600 \(path)")
        }
        do {
            _ = try PrivateFile.check(path)
        } catch {
            throw StorageError.keyFile(path: path, reason: PrivateFile.reason(error, path: path))
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
            let bytes = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32
        else {
            throw StorageError.keyFile(path: path, reason: "it does not hold a base64 32-byte key")
        }
        return SymmetricKey(data: bytes)
    }
}
