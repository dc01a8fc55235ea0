import Foundation
import Hummingbird
import MultipartKit

/// A streaming-history upload (`multipart/form-data`) written to temporary files as it arrives:
/// memory stays flat whatever its size, and no byte of a file is kept before the form's CSRF
/// token has been checked.
struct HistoryUpload {
    /// The uploaded files, spooled under names of Encore's own, with the names the browser gave.
    var files: [ImportFile] = []

    /// A part's headers may not run longer than this before its body starts.
    static let maxHeaderBytes = 16 * 1024
    /// Bytes fed to the parser at a time, so a header's growth is checked often.
    static let slice = 16 * 1024

    fileprivate enum Part {
        case none, token, file(FileHandle, URL), ignored
    }

    /// Reads the upload.
    /// - Parameters:
    ///   - maxBytes: the most the whole body may hold; past it the upload stops with 413.
    ///   - checkToken: called with the `csrf_token` field when it is complete; it must come
    ///     before the files (it does, in the page's form).
    /// - Throws: ``AppError`` for a body that is not a form upload, too large, or refused.
    static func receive(_ request: Request, maxBytes: Int64, checkToken: @escaping (String?) throws -> Void) async throws -> HistoryUpload {
        guard let contentType = request.headers[.contentType], let boundary = Self.boundary(contentType) else {
            throw AppError.badParameter(name: "file", message: "must be sent as a multipart/form-data upload")
        }
        let reading = Reading(checkToken: checkToken)
        let parser = MultipartParser(boundary: boundary)
        reading.attach(to: parser)
        var received: Int64 = 0
        do {
            for try await chunk in request.body {
                received += Int64(chunk.readableBytes)
                guard received <= maxBytes else { throw AppError.uploadTooLarge(limitBytes: maxBytes) }
                var rest = chunk
                while rest.readableBytes > 0, reading.failure == nil {
                    let piece = rest.readSlice(length: min(Self.slice, rest.readableBytes)) ?? ByteBuffer()
                    reading.sinceEvent += piece.readableBytes
                    try parser.execute(piece)
                    guard reading.sinceEvent <= Self.maxHeaderBytes + Self.slice else {
                        throw AppError.badParameter(name: "file", message: "has a part header that is far too long")
                    }
                }
                if let failure = reading.failure { throw failure }
            }
            if let failure = reading.failure { throw failure }
        } catch {
            if case .file(let handle, _) = reading.part { try? handle.close() }
            HistoryImportJobs.remove(reading.upload.files)
            if error is AppError { throw error }
            throw AppError.badParameter(name: "file", message: "could not be read as a form upload")
        }
        guard reading.tokenChecked else {
            HistoryImportJobs.remove(reading.upload.files)
            throw AppError.csrf
        }
        return reading.upload
    }

    /// One upload's state while the parser calls back: the part being read, the token so far,
    /// the first failure (after which the rest is only drained).
    private final class Reading {
        var upload = HistoryUpload()
        var failure: (any Error)?
        var part = Part.none
        var headers: [String: String] = [:]
        var token = ""
        var tokenChecked = false
        /// Bytes fed since the parser last reported anything: a part header's length so far.
        var sinceEvent = 0
        let checkToken: (String?) throws -> Void

        init(checkToken: @escaping (String?) throws -> Void) {
            self.checkToken = checkToken
        }

        func attach(to parser: MultipartParser) {
            parser.onHeader = { [unowned self] name, value in
                sinceEvent = 0
                headers[name.lowercased()] = value
            }
            parser.onBody = { [unowned self] buffer in body(buffer) }
            parser.onPartComplete = { [unowned self] in partComplete() }
        }

        private func body(_ buffer: ByteBuffer) {
            sinceEvent = 0
            guard failure == nil else { return }
            if case .none = part {
                part = HistoryUpload.open(headers: headers, tokenChecked: tokenChecked, failure: &failure, upload: &upload)
            }
            switch part {
            case .token:
                token += String(buffer: buffer)
                if token.utf8.count > 512 { failure = AppError.csrf }
            case .file(let handle, _):
                do {
                    try handle.write(contentsOf: buffer.readableBytesView)
                } catch {
                    failure = AppError.busy("Encore could not store the upload (is the disk full?); try again later.", retryAfter: 60)
                }
            case .none, .ignored:
                break
            }
        }

        private func partComplete() {
            sinceEvent = 0
            if case .none = part, failure == nil {
                part = HistoryUpload.open(headers: headers, tokenChecked: tokenChecked, failure: &failure, upload: &upload)
            }
            switch part {
            case .token:
                do {
                    try checkToken(token)
                    tokenChecked = true
                } catch {
                    failure = error
                }
            case .file(let handle, _):
                try? handle.close()
            case .none, .ignored:
                break
            }
            part = .none
            headers = [:]
        }
    }

    /// Starts a part once its headers are in: the token field, a file (only after the token), or
    /// something else, which is skipped.
    fileprivate static func open(headers: [String: String], tokenChecked: Bool, failure: inout (any Error)?, upload: inout HistoryUpload) -> Part {
        let disposition = headers["content-disposition"] ?? ""
        let name = parameter("name", of: disposition)
        if name == "csrf_token" { return .token }
        guard name == "file", let fileName = parameter("filename", of: disposition), !fileName.isEmpty else { return .ignored }
        guard tokenChecked else {
            failure = AppError.csrf
            return .ignored
        }
        guard let folder = spoolFolder else {
            failure = AppError.busy("Encore could not store the upload; try again later.", retryAfter: 60)
            return .ignored
        }
        let url = folder.appendingPathComponent("upload-\(Identifiers.random().prefix(24))")
        let handle: FileHandle
        do {
            handle = try PrivateFile.create(url.path)
        } catch {
            failure = AppError.busy("Encore could not store the upload; try again later.", retryAfter: 60)
            return .ignored
        }
        upload.files.append(ImportFile(path: url.path, name: (fileName as NSString).lastPathComponent))
        return .file(handle, url)
    }

    /// A folder only this process's user can enter, made once per process: uploads are spooled
    /// there, each file 0600 and created fresh.
    static let spoolFolder: URL? = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("encore-uploads-\(Identifiers.random().prefix(16))")
        return (try? PrivateFile.createFolder(folder.path)) == nil ? nil : folder
    }()

    private var spoolFolder: URL? { Self.spoolFolder }

    /// The `boundary` of a `multipart/form-data` content type (1–70 characters, as RFC 2046 says).
    static func boundary(_ contentType: String) -> String? {
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.first?.lowercased() == "multipart/form-data" else { return nil }
        for part in parts.dropFirst() where part.lowercased().hasPrefix("boundary=") {
            var value = String(part.dropFirst("boundary=".count))
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            guard (1...70).contains(value.utf8.count) else { return nil }
            return value
        }
        return nil
    }

    /// A parameter of a `Content-Disposition` value, quoted or not.
    static func parameter(_ name: String, of header: String) -> String? {
        for piece in header.split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == name else { continue }
            var value = pair[1]
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }
}
