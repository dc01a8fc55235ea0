import Hummingbird
import SpotifyWebAPI

/// Reading query parameters strictly: each at most once, with a message naming the bad one.
struct QueryReader {
    let parameters: [(name: String, value: String)]

    init(_ request: Request) {
        parameters = request.uri.queryParameters.map { (String($0.key), String($0.value)) }
    }

    /// The parameter's value, `nil` when absent.
    /// - Throws: ``AppError/badParameter(name:message:)`` when it appears more than once.
    func single(_ name: String) throws(AppError) -> String? {
        let values = parameters.filter { $0.name == name }
        guard values.count <= 1 else { throw .badParameter(name: name, message: "must be given once") }
        return values.first?.value
    }

    /// A whole number of at most nine digits, sign included; its range is the caller's to check.
    func wholeNumber(_ name: String, default fallback: Int) throws(AppError) -> Int {
        guard let text = try single(name) else { return fallback }
        guard text.utf8.count <= 9, let value = Int(text) else {
            throw .badParameter(name: name, message: "must be a whole number")
        }
        return value
    }

    func timeRange() throws(AppError) -> TimeRange {
        guard let text = try single("time_range") else { return .mediumTerm }
        guard let range = TimeRange(rawValue: text) else {
            throw .badParameter(name: "time_range", message: "must be short_term, medium_term or long_term")
        }
        return range
    }
}
