import Foundation

/// Where a JSON5 text first breaks the grammar, and why: `line 2, column 13: expected a value, found '}'`.
///
/// Foundation's decoder says only that the data "was not valid JSON"; the catalog is written by
/// hand, so its loader asks `JSON5SyntaxScanner` for the place. Lines and columns count from 1; a
/// column counts characters (Unicode scalars).
public struct JSON5SyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var reason: String
    /// A key given twice in one object: JSON5 allows it, Foundation keeps the first value
    /// silently, so a line added below to correct one would be ignored.
    public var isDuplicateKey = false

    public var description: String { "line \(line), column \(column): \(reason)" }

    /// The first syntax error of `data`, or `nil` when it is well-formed JSON5 UTF-8 text.
    public static func find(in data: Data) -> JSON5SyntaxError? {
        var scanner = JSON5SyntaxScanner(data: data)
        do {
            try scanner.document()
            return nil
        } catch {
            return error
        }
    }
}
