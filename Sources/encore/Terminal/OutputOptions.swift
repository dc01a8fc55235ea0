import ArgumentParser
import Foundation
import SpotifyWebAPI

/// Table, JSON or CSV for a list of Spotify objects.
enum Output {
    static func render<Item: Encodable>(_ items: [Item], format: OutputFormat, headers: [String], row: (Int, Item) -> [String]) throws -> String {
        let rows = items.enumerated().map { row($0.offset, $0.element) }
        switch format {
        case .table:
            return TextTable(headers: headers, rows: rows, flexible: Set(1..<headers.count)).render(width: TextTable.terminalWidth())
        case .csv:
            return CSV.render(headers: headers, rows: rows)
        case .json:
            let encoder = SpotifyJSON.makeEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return String(decoding: try encoder.encode(items), as: UTF8.self) + "\n"
        }
    }

    static func emit<Item: Encodable>(_ items: [Item], format: OutputFormat, headers: [String], row: (Int, Item) -> [String]) throws {
        FileHandle.standardOutput.write(Data(try render(items, format: format, headers: headers, row: row).utf8))
    }

    /// Spotify's own JSON for one request, byte for byte, for `--format json`.
    static func passThrough(_ request: SpotifyRequest, from session: SignedInSession) async throws {
        let response = try await session.client.send(request)
        FileHandle.standardOutput.write(Data(buffer: response.body))
        FileHandle.standardOutput.write(Data("\n".utf8))
    }
}

/// `--limit`, shared by the commands that fetch one page.
struct PageSize: ParsableArguments {
    @Option(help: "How many, 1–50.")
    var limit: Int = 20

    func validate() throws {
        guard (1...50).contains(limit) else { throw ValidationError("--limit must be between 1 and 50") }
    }
}
