import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Responses shaped the way Spotify sends them.
enum SpotifyResponses {
    /// JSON with Spotify's headers: `application/json; charset=utf-8`, `private, max-age=0`, CORS `*`.
    static func json(_ body: String, status: HTTPResponse.Status = .ok, extraHeaders: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [
            .contentType: "application/json; charset=utf-8",
            .cacheControl: "private, max-age=0",
            .accessControlAllowOrigin: "*",
        ]
        headers.append(contentsOf: extraHeaders)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// The Web API's error object: `{"error":{"status":…,"message":…}}`.
    static func webAPIError(_ status: HTTPResponse.Status, _ message: String, reason: String? = nil, extraHeaders: HTTPFields = [:]) -> Response {
        var detail: [(String, JSONValue)] = [("status", .int(status.code)), ("message", .string(message))]
        if let reason { detail.append(("reason", .string(reason))) }
        return json(JSONValue.object([("error", .object(detail))]).serialized, status: status, extraHeaders: extraHeaders)
    }

    /// 401 for a missing, invalid or expired token, with the `WWW-Authenticate` challenge.
    static func unauthorized() -> Response {
        webAPIError(
            .unauthorized,
            "Missing/invalid/expired access token",
            extraHeaders: [.wwwAuthenticate: #"Bearer realm="spotify", error="invalid_token", error_description="Invalid access token""#]
        )
    }

    /// The accounts service's RFC 6749 error: `{"error":…,"error_description":…}`, status 400.
    static func oauthError(_ error: String, _ description: String? = nil, status: HTTPResponse.Status = .badRequest) -> Response {
        var fields: [(String, JSONValue)] = [("error", .string(error))]
        if let description { fields.append(("error_description", .string(description))) }
        return json(JSONValue.object(fields).serialized, status: status)
    }

    /// A small HTML page, as accounts.spotify.com shows for errors it does not redirect.
    static func page(title: String, body: String, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"]
        headers.append(contentsOf: extra)
        let html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <link rel="icon" href="data:,"><title>\(escapeHTML(title))</title>
            <style>
            body{font-family:system-ui,sans-serif;background:#121212;color:#fff;display:flex;justify-content:center;padding:2rem 1rem;margin:0}
            main{max-width:28rem;width:100%;background:#181818;border-radius:12px;padding:2rem}
            h1{font-size:1.4rem;margin-top:0} .app{color:#1ed760} ul{padding-left:1.2rem;line-height:1.6}
            label{display:block;margin:.4rem 0} .actions{display:flex;gap:1rem;margin-top:1.5rem}
            button{font-size:1rem;border-radius:999px;padding:.7rem 1.6rem;border:0;cursor:pointer}
            .agree{background:#1ed760;color:#000;font-weight:700} .cancel{background:transparent;color:#fff;border:1px solid #888}
            .note{color:#aaa;font-size:.85rem}
            </style></head><body><main>\(body)</main></body></html>
            """
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func redirect(to location: String, status: HTTPResponse.Status = .found, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.location: location, .cacheControl: "no-store"]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers)
    }

    static func escapeHTML(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}

extension HTTPField.Name {
    static let wwwAuthenticate = Self("WWW-Authenticate")!
    static let retryAfter = Self("Retry-After")!
}

/// Reads `application/x-www-form-urlencoded` and query strings the way servers do: `+` is a
/// space, percent escapes are decoded, and a repeated key keeps its first value.
enum FormFields {
    static func parse(_ text: Substring) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = decode(parts[0]) else { continue }
            let value = parts.count > 1 ? decode(parts[1]) : ""
            if fields[key] == nil, let value { fields[key] = value }
        }
        return fields
    }

    static func decode(_ text: Substring) -> String? {
        String(text.replacingOccurrences(of: "+", with: " ")).removingPercentEncoding
    }

    static func encode(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? value
    }

    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}
