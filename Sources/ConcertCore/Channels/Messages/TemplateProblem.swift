/// A message template that could not be used, with where it is broken.
///
/// The renderer falls back to the built-in text of that template and keeps going: problems are
/// reported (logged, and shown by `concertd check-config`), never fatal.
public struct TemplateProblem: Error, Sendable, Hashable, CustomStringConvertible {
    /// The template file, or the directory when the directory itself is the problem.
    public var file: String
    /// 1-based line of the problem, when known.
    public var line: Int?
    /// 1-based column of the problem, when known.
    public var column: Int?
    public var reason: String

    public init(file: String, line: Int? = nil, column: Int? = nil, reason: String) {
        self.file = file
        self.line = line
        self.column = column
        self.reason = reason
    }

    /// `file:line:column: reason`, like a compiler's message.
    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if line != nil, let column { location += ":\(column)" }
        return "\(location): \(reason)"
    }
}
