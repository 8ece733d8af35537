import Foundation
import Logging

/// Writes outbound messages from the message templates, in the subscriber's language.
///
/// Templates are loaded once, at init: from `directory` when one is configured (`<kind>.<language>.mustache`,
/// see `etc/concertd/templates/README.md`), else the built-in copies. A file that is missing keeps the
/// built-in text; a file that is broken is reported in `problems` (and logged) with its file and line,
/// and the built-in text is used in its place. Rendering never fails. Safe to share between threads.
public final class MessageRenderer: Sendable {
    /// What was wrong with the configured templates; empty when all were usable.
    public let problems: [TemplateProblem]
    private let templates: [String: MessageTemplate]

    /// A renderer with the built-in templates only.
    public convenience init() {
        self.init(directory: nil)
    }

    /// Loads the templates of `directory` (built-in ones when `nil`), logging each problem as a warning.
    public init(directory: String?, logger: Logger? = nil) {
        var problems: [TemplateProblem] = []
        var sources: [String: Source] = [:]
        if let directory {
            sources = Self.read(directory: directory, problems: &problems)
        }
        var templates: [String: MessageTemplate] = [:]
        for name in Self.fileNames {
            if let source = sources[name] {
                switch MessageTemplate.compile(source.text, file: source.file) {
                case .success(let template):
                    templates[name] = template
                    continue
                case .failure(var problem):
                    problem.reason += Self.fallbackNote
                    problems.append(problem)
                }
            }
            templates[name] = Self.builtIn[name]
        }
        self.templates = templates
        self.problems = problems
        for problem in self.problems {
            logger?.warning("message template not used: \(problem)", metadata: ["file": "\(problem.file)"])
        }
    }

    /// The message for `message`'s delivery kind in its subscription's language, rendered once for
    /// every delivery that shares `message.shared`.
    public func render(_ message: OutboundMessage) -> RenderedMessage {
        message.shared.value(sharedPartName) { renderAlone(message) }
    }

    /// The name of this renderer's part in `SharedMessageParts` (another renderer's templates may differ).
    private let sharedPartName = "rendered." + UUID().uuidString

    private func renderAlone(_ message: OutboundMessage) -> RenderedMessage {
        let language = message.subscription.language
        let name = Self.fileName(kind: message.delivery.kind, language: language)
        let template = templates[name] ?? Self.builtIn[name]!
        let values = MessageValues(message: message, language: language).dictionary
        let text = Self.tidy(template.text.render(values))
        let html = Self.tidy(template.html.render(values))
        let subject = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return RenderedMessage(
            subject: String(subject), text: text, html: MessageHTML.fragment(fromEscapedText: html), language: language)
    }

    /// `reminder.ko.mustache`.
    static func fileName(kind: Delivery.Kind, language: Language) -> String {
        "\(kind.rawValue).\(language.rawValue).mustache"
    }

    /// Every template file name, one per message kind and language.
    static let fileNames: [String] = Delivery.Kind.allCases.flatMap { kind in
        Language.allCases.map { fileName(kind: kind, language: $0) }
    }

    /// The built-in templates, compiled once; a built-in that does not compile is a programming error.
    static let builtIn: [String: MessageTemplate] = {
        var compiled: [String: MessageTemplate] = [:]
        for name in fileNames {
            guard let source = BuiltInTemplates.all[name] else { preconditionFailure("no built-in template \(name)") }
            switch MessageTemplate.compile(source, file: "built-in \(name)") {
            case .success(let template): compiled[name] = template
            case .failure(let problem): preconditionFailure("\(problem)")
            }
        }
        return compiled
    }()

    private typealias Source = (text: String, file: String)

    private static let fallbackNote = "; the built-in text is used instead"

    private static func read(directory: String, problems: inout [TemplateProblem]) -> [String: Source] {
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            problems.append(
                TemplateProblem(
                    file: directory, reason: "cannot read the template directory; the built-in texts are used"))
            return [:]
        }
        var sources: [String: Source] = [:]
        let known = Set(fileNames)
        for entry in entries.sorted() where entry.hasSuffix(".mustache") {
            let path = (directory as NSString).appendingPathComponent(entry)
            guard known.contains(entry) else {
                problems.append(
                    TemplateProblem(
                        file: path, reason: "is not a message template: name files <kind>.<ko|en>.mustache"))
                continue
            }
            let data: Data
            do {
                data = try FileContents.read(path)
            } catch {
                problems.append(TemplateProblem(file: path, reason: "cannot be read: \(error.reason)" + fallbackNote))
                continue
            }
            guard let text = String(data: data, encoding: .utf8) else {
                problems.append(TemplateProblem(file: path, reason: "is not UTF-8 text" + fallbackNote))
                continue
            }
            sources[entry] = (text, path)
        }
        return sources
    }

    /// Drops spaces at line ends, turns runs of blank lines into one and drops blank lines at both ends.
    static func tidy(_ rendered: String) -> String {
        var lines: [Substring] = []
        for line in rendered.replacingOccurrences(of: "\r\n", with: "\n").split(
            separator: "\n", omittingEmptySubsequences: false)
        {
            var line = line
            while let last = line.last, last.isWhitespace { line = line.dropLast() }
            if line.isEmpty && (lines.last?.isEmpty ?? true) { continue }
            lines.append(line)
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n")
    }
}
