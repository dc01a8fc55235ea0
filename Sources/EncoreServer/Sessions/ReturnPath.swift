import Foundation

/// Where to send a person after sign-in: only a path on this site.
enum ReturnPath {
    /// The path when it is a same-origin relative path; `nil` for anything that could leave the site.
    static func validated(_ candidate: String?) -> String? {
        guard let candidate, candidate.utf8.count <= 512, candidate.hasPrefix("/") else { return nil }
        // "//host" and "/\host" are read by browsers as another origin.
        if candidate.hasPrefix("//") || candidate.hasPrefix("/\\") { return nil }
        guard candidate.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != "\\" }) else { return nil }
        guard let components = URLComponents(string: candidate), components.scheme == nil, components.host == nil else { return nil }
        return candidate
    }
}
