import Hummingbird

extension Request {
    /// A small `application/x-www-form-urlencoded` body, decoded with Hummingbird's decoder.
    ///
    /// Every form of the app carries a CSRF token, so a form that cannot be read — a field
    /// given twice, above all a second `csrf_token` — cannot be shown to come from this site and
    /// is refused as a CSRF failure (403). A body over the context's limit is a 413.
    func form<Form: Decodable>(_ type: Form.Type, context: some RequestContext) async throws -> Form {
        var request = self
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: context.maxUploadSize)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw error
        } catch {
            throw AppError.badParameter(name: "form", message: "could not be read")
        }
        do {
            return try URLEncodedFormDecoder().decode(Form.self, from: String(buffer: body))
        } catch {
            throw AppError.csrf
        }
    }
}

/// A form whose only field is its CSRF token (sign-out).
struct CSRFForm: Decodable {
    var csrfToken: String?

    enum CodingKeys: String, CodingKey {
        case csrfToken = "csrf_token"
    }
}

/// "Save as playlist": the token, and the range and size of the top list to save.
struct SaveTopTracksForm: Decodable {
    var csrfToken: String?
    /// Kept as text so a bad value gets the app's own message naming it.
    var timeRange: String?
    var limit: String?

    enum CodingKeys: String, CodingKey {
        case csrfToken = "csrf_token", timeRange = "time_range", limit
    }
}
