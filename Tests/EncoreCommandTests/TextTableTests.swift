import Testing

@testable import encore

@Suite("Terminal tables and CSV")
struct TextTableTests {
    @Test("wide characters count two cells and columns still line up")
    func wideCharacters() {
        let table = TextTable(
            headers: ["#", "Title", "Artist"],
            rows: [["1", "東京フラッシュ", "Vaundy"], ["2", "Café del Mar", "Energy 52"], ["3", "🎧 Night", "Ｆｕｌｌｗｉｄｔｈ"]],
            flexible: [1, 2]
        )
        let lines = table.render(width: 80).split(separator: "\n").map(String.init)
        #expect(TextTable.cells("東京") == 4)
        #expect(TextTable.cells("e\u{301}") == 1)
        #expect(TextTable.cells("🎧") == 2)
        // The artist column starts at the same cell on every line.
        let artists = ["Artist", "Vaundy", "Energy 52", "Ｆｕｌｌｗｉｄｔｈ"]
        let starts = zip(lines.filter { !$0.hasPrefix("─") }, artists).map { line, artist in
            TextTable.cells(line.components(separatedBy: artist)[0])
        }
        #expect(Set(starts).count == 1, "\(lines)")
    }

    @Test("a table wider than the terminal is cut with an ellipsis and fits")
    func truncation() {
        let long = String(repeating: "長い曲名", count: 20)
        let table = TextTable(headers: ["#", "Title", "Album"], rows: [["1", long, "Album"]], flexible: [1, 2])
        let output = table.render(width: 40)
        for line in output.split(separator: "\n") { #expect(TextTable.cells(String(line)) <= 40) }
        #expect(output.contains("…"))
        #expect(TextTable.truncate("東京フラッシュ", to: 5) == "東京…")
    }

    @Test("table cells show control characters as a replacement, so a name cannot drive the terminal")
    func controlCharacters() {
        let table = TextTable(headers: ["#", "Title"], rows: [["1", "evil\u{1B}]0;owned\u{07}\nname"]], flexible: [1])
        let output = table.render(width: 80)
        #expect(!output.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" })
        #expect(output.split(separator: "\n").count == 3)
        #expect(output.contains("evil\u{FFFD}]0;owned\u{FFFD}\u{FFFD}name"))
    }

    @Test(
        "CSV fields a spreadsheet would run as formulas are neutralised; numbers are not",
        arguments: [
            ("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\""), ("+1+1", "'+1+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"), ("-12", "-12"), ("+3.5", "+3.5"), ("plain", "plain"), ("bell\u{07}", "bell\u{FFFD}"),
        ])
    func csvFormulas(value: String, expected: String) {
        #expect(CSV.field(value) == expected)
    }

    @Test("CSV quotes commas, quotes and line breaks as RFC 4180 says")
    func csv() {
        let text = CSV.render(headers: ["a", "b"], rows: [["x,y", "say \"hi\""], ["line\r\nbreak", "plain"]])
        #expect(text == "a,b\r\n\"x,y\",\"say \"\"hi\"\"\"\r\n\"line\r\nbreak\",plain\r\n")
    }
}
