import ArgumentParser
import ConcertProtocol
import ConcertShared
import Foundation

/// A listing command (`subscriptions`, `concerts`, `upcoming`, `deliveries`, `preview`): reads the
/// listing a page at a time, following each reply's `cursor`, and writes each page as it comes, so
/// that a listing of a million entries is never held whole, neither by the daemon nor here.
protocol PagedListingCommand: ControlCommand {
    /// `--limit`: at most this many entries in all; every entry when absent.
    var limit: Int? { get }
}

/// Pages of a listing as concertctl asks for them.
enum ListingPaging {
    /// Entries asked for in one request: a tenth of what the daemon allows, so that a page of
    /// rendered `preview` messages stays a few megabytes.
    static let pageSize = 1_000
    /// The largest `--limit`: a bound only so that the value is a number concertctl can count to.
    static let maximumLimit = 1_000_000_000
}

extension PagedListingCommand {
    /// Reads `method`'s listing page by page and hands each page's entries to `page` (with the
    /// number of entries handed over before it); with `--json`, writes the entries instead as one
    /// JSON document `{"<items>": [...]}`, entry by entry as they come. Returns how many entries
    /// there were.
    @discardableResult
    func listPages<Params: PagedParams, Result: PagedResult>(
        _ method: ControlMethod<Params, Result>, _ params: Params, in context: CommandContext,
        page: (_ entries: [Result.Item], _ before: Int) -> Void
    ) async throws -> Int {
        var first: Result?
        return try await listPages(method, params, in: context, firstPage: &first) { entries, before, _ in
            page(entries, before)
        }
    }

    /// As ``listPages(_:_:in:page:)``, also handing back the first reply, whose members other than
    /// the entries and the cursor (such as `not_planned`, `shared_by_instances`) describe the whole
    /// listing, to `page` with each page and to the caller; with `--json` they are written after
    /// the entries.
    func listPages<Params: PagedParams, Result: PagedResult>(
        _ method: ControlMethod<Params, Result>, _ params: Params, in context: CommandContext,
        firstPage: inout Result?, page: (_ entries: [Result.Item], _ before: Int, _ firstPage: Result) -> Void
    ) async throws -> Int {
        var params = params
        var listed = 0
        var json = global.json ? JSONListingWriter(key: Result.itemsKey, output: context.output) : nil
        var extraMembers: [String: JSONValue] = [:]
        while true {
            params.limit = min(ListingPaging.pageSize, (limit ?? Int.max) - listed)
            let (result, raw) = try await call(method, params, in: context)
            let first = firstPage ?? result
            if firstPage == nil {
                firstPage = result
                if case .object(let members) = raw {
                    extraMembers = members.filter { $0.key != Result.itemsKey && $0.key != "cursor" }
                }
            }
            if json != nil {
                guard case .object(let members) = raw, case .array(let entries)? = members[Result.itemsKey] else {
                    context.output.error("the daemon's reply has no \(Result.itemsKey)")
                    throw ExitCode.failure
                }
                json?.write(entries)
            } else {
                page(result.items, listed, first)
            }
            listed += result.items.count
            guard let cursor = result.cursor, listed < (limit ?? Int.max), !result.items.isEmpty else { break }
            params.cursor = cursor
        }
        json?.finish(extraMembers: extraMembers)
        return listed
    }
}

/// Writes `{"<key>": [entries…]}` as `JSONCoding.prettyEncoder()` would write it whole, an entry
/// at a time.
struct JSONListingWriter {
    let key: String
    let output: OutputWriter
    private var written = 0

    init(key: String, output: OutputWriter) {
        self.key = key
        self.output = output
        let name = String(decoding: (try? JSONCoding.lineEncoder().encode(key)) ?? Data(), as: UTF8.self)
        output.writeOutput("{\n  \(name) : [\n")
    }

    mutating func write(_ entries: [JSONValue]) {
        guard !entries.isEmpty else { return }
        let encoder = JSONCoding.prettyEncoder()
        var text = ""
        for entry in entries {
            let json = String(decoding: (try? encoder.encode(entry)) ?? Data("null".utf8), as: UTF8.self)
            text +=
                (written == 0 ? "" : ",\n")
                + json.split(separator: "\n", omittingEmptySubsequences: false)
                .map { "    " + $0 }.joined(separator: "\n")
            written += 1
        }
        output.writeOutput(text)
    }

    /// Closes the list and the document (an empty list as the encoder writes one: `[`, a blank line,
    /// `]`), after which `extraMembers` follow in key order.
    func finish(extraMembers: [String: JSONValue] = [:]) {
        let encoder = JSONCoding.prettyEncoder()
        var text = "\n  ]"
        for (name, value) in extraMembers.sorted(by: { $0.key < $1.key }) {
            let key = String(decoding: (try? JSONCoding.lineEncoder().encode(name)) ?? Data(), as: UTF8.self)
            let json = String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
            text +=
                ",\n  \(key) : "
                + json.split(separator: "\n", omittingEmptySubsequences: false)
                .joined(separator: "\n  ")
        }
        output.writeOutput(text + "\n}\n")
    }
}

/// A table written a page at a time: the header with the first page, columns as wide as the
/// widest cell seen so far (a later page with a wider cell shifts the columns after it).
struct PagedTable {
    let headers: [String]
    private var widths: [Int]

    init(_ headers: String...) {
        self.headers = headers
        widths = headers.map(TextTable.width(of:))
    }

    /// The lines of one page's rows, after the header when `before` is 0. Cells are values: they
    /// are escaped (``TerminalEscaping``) before the columns are measured, as in ``TextTable``.
    mutating func render(_ rows: [[String]], before: Int) -> HumanText {
        let all = (before == 0 ? [headers] + rows : rows).map { $0.map(HumanText.value) }
        for row in all {
            for (column, cell) in row.enumerated() where column < widths.count {
                widths[column] = max(widths[column], TextTable.width(of: cell.text))
            }
        }
        let lines = all.map { cells in
            let padded = cells.indices.map { column in
                column == cells.count - 1 || column >= widths.count
                    ? cells[column] : cells[column].padded(by: widths[column] - TextTable.width(of: cells[column].text))
            }
            return HumanText.joined(padded, separator: "  ").trimmingTrailingSpaces()
        }
        return HumanText.joined(lines)
    }
}
