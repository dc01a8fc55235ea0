/// The variables of a `.env` file, read the way people write them.
///
/// Accepted: `KEY=value`, `export KEY=value`, values in double quotes (with `\n`, `\"`, `\\`
/// escapes), in single quotes (taken literally), or bare (an inline ` # comment` is dropped),
/// blank lines and `#` comment lines. A line that is none of these is reported, not guessed at.
public struct DotEnvFile: Sendable, Equatable {
    /// The variables, last definition winning.
    public var values: [String: String]
    /// 1-based numbers of the lines that could not be read.
    public var malformedLines: [Int]

    /// Parses the text of a `.env` file.
    public init(parsing text: String) {
        var values: [String: String] = [:]
        var malformed: [Int] = []
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Substring($0) }[...]
        var lineNumber = 0
        while let rawLine = lines.popFirst() {
            lineNumber += 1
            var line = rawLine.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export "), line.count > 7 { line = line.dropFirst(7).trimmingWhitespace() }
            guard let equals = line.firstIndex(of: "=") else {
                malformed.append(lineNumber)
                continue
            }
            let key = String(line[..<equals].trimmingWhitespace())
            guard Self.isValidKey(key) else {
                malformed.append(lineNumber)
                continue
            }
            var rest = line[line.index(after: equals)...].trimmingWhitespace()
            if rest.hasPrefix("\"") {
                // A double-quoted value may span lines until its closing quote.
                var text = String(rest.dropFirst())
                var value: String?
                while value == nil {
                    if let parsed = Self.closeDoubleQuoted(text) {
                        value = parsed
                    } else if let next = lines.popFirst() {
                        lineNumber += 1
                        text += "\n" + next
                    } else {
                        break
                    }
                }
                guard let value else {
                    malformed.append(lineNumber)
                    continue
                }
                values[key] = value
            } else if rest.hasPrefix("'") {
                rest = rest.dropFirst()
                guard let close = rest.firstIndex(of: "'") else {
                    malformed.append(lineNumber)
                    continue
                }
                values[key] = String(rest[..<close])
            } else {
                if let comment = rest.range(of: " #") ?? rest.range(of: "\t#") {
                    rest = rest[..<comment.lowerBound]
                }
                values[key] = String(rest.trimmingWhitespace())
            }
        }
        self.values = values
        self.malformedLines = malformed
    }

    /// The value up to the first unescaped `"`, with escapes resolved; `nil` when unclosed.
    private static func closeDoubleQuoted(_ text: String) -> String? {
        var result = ""
        var escaping = false
        for character in text {
            if escaping {
                switch character {
                case "n": result.append("\n")
                case "t": result.append("\t")
                case "r": result.append("\r")
                default: result.append(character)
                }
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else if character == "\"" {
                return result
            } else {
                result.append(character)
            }
        }
        return nil
    }

    private static func isValidKey(_ key: String) -> Bool {
        func isLetter(_ scalar: Unicode.Scalar) -> Bool { ("A"..."Z").contains(scalar) || ("a"..."z").contains(scalar) || scalar == "_" }
        guard let first = key.unicodeScalars.first, isLetter(first) else { return false }
        return key.unicodeScalars.allSatisfy { isLetter($0) || ("0"..."9").contains($0) || $0 == "." }
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> SubSequence {
        var slice = self[...]
        while let first = slice.first, first == " " || first == "\t" || first == "\r" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" || last == "\r" { slice = slice.dropLast() }
        return slice
    }
}
