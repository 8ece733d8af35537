import Foundation
import Mustache

/// One message template, parsed twice: for plain text (values as they are) and for HTML (values escaped).
///
/// Mustache HTML-escapes `{{value}}` by default, which would put `R&amp;D` into a chat message; the
/// text variant is the same source behind a `CONTENT_TYPE: TEXT` pragma, so both variants always
/// say the same thing.
struct MessageTemplate: Sendable {
    let text: MustacheTemplate
    let html: MustacheTemplate

    /// Parses and checks `source`, read from `file`; the first problem found, with its line, on failure.
    ///
    /// Beyond Mustache's own syntax, a template may not set a pragma, use partials or blocks (there is
    /// no library to resolve them), or name a value `MessageValues` does not provide: each of these
    /// would silently print nothing where the author expected text.
    static func compile(_ source: String, file: String) -> Result<MessageTemplate, TemplateProblem> {
        for (pattern, reason) in forbidden {
            if let range = source.range(of: pattern) {
                let (line, column) = position(of: range.lowerBound, in: source)
                return .failure(TemplateProblem(file: file, line: line, column: column, reason: reason))
            }
        }
        let html: MustacheTemplate
        do {
            html = try MustacheTemplate(string: source)
        } catch let error as MustacheTemplate.ParserError {
            return .failure(
                TemplateProblem(
                    file: file, line: error.context.lineNumber, column: error.context.columnNumber,
                    reason: describe(error.error)))
        } catch {
            return .failure(TemplateProblem(file: file, reason: "cannot be parsed: \(error)"))
        }
        if let problem = unknownName(in: source, file: file) { return .failure(problem) }
        // The pragma shares line 1 with the template's first line, so no line number moves.
        guard let text = try? MustacheTemplate(string: "{{% CONTENT_TYPE: TEXT }}" + source) else {
            return .failure(TemplateProblem(file: file, line: 1, reason: "cannot be parsed as plain text"))
        }
        return .success(MessageTemplate(text: text, html: html))
    }

    private static let forbidden: [(String, String)] = [
        ("{{%", "sets a pragma: concertd itself renders each template as plain text and as HTML"),
        ("{{>", "uses a partial: each template stands alone"),
        ("{{<", "uses a parent template: each template stands alone"),
        ("{{$", "uses a block: each template stands alone"),
    ]

    /// The first tag naming a value that messages do not have (`{{titel}}`), as a problem.
    ///
    /// Skipped when the template changes its delimiters, where tags cannot be found reliably.
    private static func unknownName(in source: String, file: String) -> TemplateProblem? {
        guard !source.contains("{{=") else { return nil }
        let known = MessageValues.names.union(MessageValues.changeNames).union(["."])
        var searchStart = source.startIndex
        while let open = source.range(of: "{{", range: searchStart..<source.endIndex) {
            guard let close = source.range(of: "}}", range: open.upperBound..<source.endIndex) else { return nil }
            searchStart = close.upperBound
            var tag = source[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if tag.hasPrefix("!") { continue }
            if let sigil = tag.first, "#^/&{".contains(sigil) {
                tag = String(tag.dropFirst()).trimmingCharacters(in: .whitespaces)
            }
            let name = tag.split(separator: ".").first.map(String.init) ?? tag
            if tag != "." && !known.contains(name) {
                let (line, column) = position(of: open.lowerBound, in: source)
                return TemplateProblem(
                    file: file, line: line, column: column,
                    reason: "names '\(tag.prefix(40))', which messages do not have; known values: "
                        + MessageValues.names.sorted().joined(separator: ", "))
            }
        }
        return nil
    }

    private static func position(of index: String.Index, in source: String) -> (line: Int, column: Int) {
        let before = source[..<index]
        let line = before.filter(\.isNewline).count + 1
        let lineStart = before.lastIndex(where: \.isNewline).map(source.index(after:)) ?? source.startIndex
        return (line, source[lineStart..<index].count + 1)
    }

    private static func describe(_ error: any Error) -> String {
        switch error as? MustacheTemplate.Error {
        case .sectionCloseNameIncorrect: "a section is closed with another name than the one it was opened with"
        case .unfinishedName: "a tag is not finished (missing `}}` or an empty name)"
        case .expectedSectionEnd: "a section is opened and never closed"
        case .invalidSetDelimiter: "a `{{=… …=}}` delimiter change is malformed"
        case .transformAppliedToInheritanceSection, .illegalTokenInsideInheritSection, .textInsideInheritSection:
            "template inheritance is not supported"
        case .invalidConfigVariableSyntax, .unrecognisedConfigVariable: "a pragma is malformed"
        case nil: "cannot be parsed: \(error)"
        }
    }
}
