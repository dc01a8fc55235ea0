import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Columns of text that fit the terminal: widths measured in terminal cells (wide characters
/// count two, combining marks none), long cells cut with "…".
struct TextTable {
    var headers: [String]
    var rows: [[String]]
    /// Columns that shrink first when the table is too wide (by index); others keep their width.
    var flexible: Set<Int>

    func render(width: Int) -> String {
        var widths = headers.indices.map { column in
            ([headers[column]] + rows.map { $0[column] }).map { Self.cells(Self.printable($0)) }.max() ?? 0
        }
        let gaps = 2 * (headers.count - 1)
        var overflow = widths.reduce(0, +) + gaps - width
        // Shrink the widest flexible column a cell at a time until the table fits.
        while overflow > 0, let widest = flexible.filter({ widths[$0] > 6 }).max(by: { widths[$0] < widths[$1] }) {
            widths[widest] -= 1
            overflow -= 1
        }
        var lines = [line(headers, widths)]
        lines.append(line(widths.map { String(repeating: "─", count: $0) }, widths))
        lines += rows.map { line($0, widths) }
        return lines.joined(separator: "\n") + "\n"
    }

    private func line(_ cells: [String], _ widths: [Int]) -> String {
        cells.indices.map { column in
            let text = Self.truncate(Self.printable(cells[column]), to: widths[column])
            let isLast = column == cells.count - 1
            return isLast ? text : text + String(repeating: " ", count: widths[column] - Self.cells(text))
        }.joined(separator: "  ")
    }

    /// The text with control characters (escape sequences, line breaks) shown as `�`: names come
    /// from Spotify's users, and a playlist called "\u{1B}]0;…" must not drive the terminal.
    static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { isControl($0) ? "\u{FFFD}" : $0 }))
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// The number of terminal cells a string takes.
    static func cells(_ text: String) -> Int {
        text.reduce(0) { $0 + cells($1) }
    }

    static func cells(_ character: Character) -> Int {
        guard let scalar = character.unicodeScalars.first else { return 0 }
        if scalar.properties.generalCategory == .nonspacingMark || scalar.properties.generalCategory == .enclosingMark { return 0 }
        if scalar.value < 0x1100 { return 1 }
        if character.unicodeScalars.count > 1 && scalar.properties.isEmojiPresentation { return 2 }
        if scalar.properties.isEmojiPresentation { return 2 }
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
            0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
            0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }

    /// Cuts to `width` cells, ending in "…" when anything was cut.
    static func truncate(_ text: String, to width: Int) -> String {
        guard cells(text) > width else { return text }
        guard width > 1 else { return String(repeating: "…", count: max(0, width)) }
        var result = ""
        var used = 0
        for character in text {
            let size = cells(character)
            if used + size > width - 1 { break }
            result.append(character)
            used += size
        }
        return result + "…"
    }

    /// The terminal's width when stdout is one, else `COLUMNS`, else 80.
    static func terminalWidth() -> Int {
        var size = winsize()
        if isatty(STDOUT_FILENO) != 0, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 {
            return Int(size.ws_col)
        }
        if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns > 20 { return columns }
        return 80
    }
}

/// RFC 4180 CSV: a header row, CRLF line ends, fields with commas, quotes or line breaks quoted.
///
/// A field a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab or CR first) gets a
/// leading `'`, as OWASP advises: track and playlist names are anyone's to choose. Control
/// characters other than line breaks become `�`.
enum CSV {
    static func render(headers: [String], rows: [[String]]) -> String {
        ([headers] + rows).map(line).joined()
    }

    /// One record and its line end.
    static func line(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\r\n"
    }

    static func field(_ raw: String) -> String {
        var value = String(
            String.UnicodeScalarView(
                raw.unicodeScalars.map { scalar in
                    TextTable.isControl(scalar) && scalar != "\n" && scalar != "\r" && scalar != "\t" ? "\u{FFFD}" : scalar
                }))
        if let first = value.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first), Double(value) == nil {
            value = "'" + value
        }
        guard value.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
