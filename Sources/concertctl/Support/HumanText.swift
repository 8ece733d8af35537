import ConcertShared

/// Text for a person at a terminal: what concertctl itself writes is kept as it is, and every
/// value put into it (a label, a title, a line of an import file, the daemon's messages) is shown
/// with its control characters escaped (see ``TerminalEscaping``).
///
/// ``OutputWriter`` takes only this type, so a command cannot print a value unescaped: a
/// `String` variable does not convert to it, only a literal does, and each `\(value)` in the
/// literal is escaped.
///
/// ```swift
/// context.output.line("line \(rejected.line): rejected: \(rejected.reason)")
/// ```
struct HumanText: ExpressibleByStringInterpolation, Sendable, Equatable {
    /// The text as it is written out.
    private(set) var text: String

    init(stringLiteral value: String) {
        text = value
    }

    init(stringInterpolation: Interpolation) {
        text = stringInterpolation.text
    }

    /// Text already made safe, by ``TextTable`` or by joining other ``HumanText``.
    private init(safe text: String) {
        self.text = text
    }

    /// `parts` with `separator` between them.
    static func joined(_ parts: [HumanText], separator: String = "\n") -> HumanText {
        HumanText(safe: parts.map(\.text).joined(separator: separator))
    }

    /// A value escaped except for its line breaks: a message body of several lines.
    static func lines(_ value: String) -> HumanText {
        HumanText(safe: TerminalEscaping.escaped(value, keepingNewlines: true))
    }

    /// A value escaped whole.
    static func value(_ value: String) -> HumanText {
        HumanText(safe: TerminalEscaping.escaped(value))
    }

    /// The text followed by `count` spaces (a table's padding).
    func padded(by count: Int) -> HumanText {
        HumanText(safe: text + String(repeating: " ", count: max(0, count)))
    }

    /// The text without the spaces at its end.
    func trimmingTrailingSpaces() -> HumanText {
        var text = text
        while text.last == " " { text.removeLast() }
        return HumanText(safe: text)
    }

    struct Interpolation: StringInterpolationProtocol {
        fileprivate var text = ""

        init(literalCapacity: Int, interpolationCount: Int) {
            text.reserveCapacity(literalCapacity + interpolationCount * 16)
        }

        mutating func appendLiteral(_ literal: String) {
            text += literal
        }

        /// A value: shown escaped.
        mutating func appendInterpolation(_ value: some CustomStringConvertible) {
            text += TerminalEscaping.escaped(value.description)
        }

        /// Text that is already safe.
        mutating func appendInterpolation(_ value: HumanText) {
            text += value.text
        }

        /// A value of several lines (a message body): escaped except for its line breaks.
        mutating func appendInterpolation(lines value: String) {
            text += TerminalEscaping.escaped(value, keepingNewlines: true)
        }
    }
}
