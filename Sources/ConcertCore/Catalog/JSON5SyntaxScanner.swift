import Foundation

/// Reads a JSON5 text against the grammar (comments, unquoted keys, single quotes, trailing
/// commas, hexadecimal numbers, `Infinity`, `NaN`) without building values, and throws the first
/// place where it breaks it (`JSON5SyntaxError`). Lines and columns count from 1; a column counts
/// characters (Unicode scalars).
struct JSON5SyntaxScanner {
    private var scalars: [Unicode.Scalar] = []
    /// The line and column of each scalar, and one more for the end of the text.
    private var places: [(line: Int, column: Int)] = []
    private var index = 0
    /// How many objects and lists are open: bounded, so that a hostile file cannot exhaust the stack.
    private var depth = 0
    private static let maximumDepth = 512
    private var invalidUTF8: (line: Int, column: Int)?

    init(data: Data) {
        var line = 1
        var column = 1
        var parser = Unicode.UTF8.ForwardParser()
        var bytes = data.makeIterator()
        decoding: while true {
            switch parser.parseScalar(from: &bytes) {
            case .valid(let encoded):
                let scalar = Unicode.UTF8.decode(encoded)
                scalars.append(scalar)
                places.append((line, column))
                if scalar == "\n" {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            case .emptyInput:
                break decoding
            case .error:
                invalidUTF8 = (line, column)
                break decoding
            }
        }
        places.append((line, column))
    }

    private var current: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

    private func error(_ reason: String, at position: Int? = nil) -> JSON5SyntaxError {
        let place = places[min(position ?? index, places.count - 1)]
        return JSON5SyntaxError(line: place.line, column: place.column, reason: reason)
    }

    /// `found 'x'`, or `the file ends` at the end.
    private var found: String {
        guard let current else { return "the file ends" }
        if current == "\n" || current == "\r" { return "found the end of the line" }
        return "found '\(Character(current))'"
    }

    mutating func document() throws(JSON5SyntaxError) {
        if let invalidUTF8 {
            throw JSON5SyntaxError(
                line: invalidUTF8.line, column: invalidUTF8.column, reason: "the file is not UTF-8 text here")
        }
        if current == "\u{FEFF}" { index += 1 }
        try skipBlank()
        guard current != nil else { throw error("the file is empty: expected one object") }
        try value()
        try skipBlank()
        if current != nil {
            throw error("\(found) after the end of the top-level value; is a bracket or brace closed too early?")
        }
    }

    private mutating func value() throws(JSON5SyntaxError) {
        try skipBlank()
        guard let scalar = current else { throw error("expected a value, \(found)") }
        switch scalar {
        case "{", "[":
            guard depth < Self.maximumDepth else {
                throw error("objects and lists are nested more than \(Self.maximumDepth) levels deep")
            }
            depth += 1
            defer { depth -= 1 }
            if scalar == "{" { try object() } else { try array() }
        case "\"", "'": try string()
        case "-", "+", ".", "0"..."9": try number()
        default:
            if isIdentifierStart(scalar) {
                let start = index
                let word = identifier()
                switch word {
                case "true", "false", "null", "Infinity", "NaN": return
                default:
                    throw error(
                        "'\(word)' is not a value: put text in quotes; the words allowed are true, false and null",
                        at: start)
                }
            }
            throw error("expected a value, \(found)")
        }
    }

    private mutating func object() throws(JSON5SyntaxError) {
        let opened = index
        index += 1
        var keys: Set<String> = []
        while true {
            try skipBlank()
            guard let scalar = current else { throw unclosed("object", "}", opened) }
            if scalar == "}" {
                index += 1
                return
            }
            let keyStart = index
            let key: String
            if scalar == "\"" || scalar == "'" {
                key = try string()
            } else if isIdentifierStart(scalar) {
                key = identifier()
            } else {
                throw error("expected a key or '}', \(found)")
            }
            if !keys.insert(key).inserted {
                var duplicate = error(
                    "the key '\(key)' appears twice in this object; keep one of the two", at: keyStart)
                duplicate.isDuplicateKey = true
                throw duplicate
            }
            try skipBlank()
            guard current == ":" else { throw error("expected ':' after the key '\(key)', \(found)") }
            index += 1
            try value()
            try skipBlank()
            switch current {
            case ","?: index += 1
            case "}"?: continue
            case nil: throw unclosed("object", "}", opened)
            default: throw error("expected ',' or '}' after the value of '\(key)', \(found)")
            }
        }
    }

    private mutating func array() throws(JSON5SyntaxError) {
        let opened = index
        index += 1
        while true {
            try skipBlank()
            guard let scalar = current else { throw unclosed("list", "]", opened) }
            if scalar == "]" {
                index += 1
                return
            }
            try value()
            try skipBlank()
            switch current {
            case ","?: index += 1
            case "]"?: continue
            case nil: throw unclosed("list", "]", opened)
            default: throw error("expected ',' or ']' after a list item, \(found)")
            }
        }
    }

    private func unclosed(_ what: String, _ closer: String, _ opened: Int) -> JSON5SyntaxError {
        let place = places[opened]
        return error(
            "the file ends inside the \(what) opened at line \(place.line), column \(place.column): a '\(closer)' is missing"
        )
    }

    /// A quoted string; returns its text with escapes left as written (enough to compare keys).
    @discardableResult
    private mutating func string() throws(JSON5SyntaxError) -> String {
        let quote = scalars[index]
        let opened = index
        index += 1
        var text = String.UnicodeScalarView()
        while let scalar = current {
            index += 1
            if scalar == quote { return String(text) }
            if scalar == "\n" || scalar == "\r" {
                throw error("the string opened here is not closed on its line", at: opened)
            }
            // JSON refuses them, and Foundation's JSON5 reader with them says only
            // "typeMismatch" of the enclosing list, without a place.
            if scalar.value < 0x20 || scalar.value == 0x7F {
                throw error(
                    "control character \(scalar.codePointName) in a string: write it escaped (\\u\(String(scalar.codePointName.dropFirst(2)))) or remove it",
                    at: index - 1)
            }
            if scalar == "\\" {
                guard let escaped = current else { break }
                index += 1
                switch escaped {
                case "x": try hexDigits(2, escape: "\\x")
                case "u": try hexDigits(4, escape: "\\u")
                case "\r":
                    if current == "\n" { index += 1 }
                case "1"..."9":
                    throw error("'\\\(Character(escaped))' is not an escape", at: index - 2)
                default: break
                }
                text.append("\\")
                text.append(escaped)
                continue
            }
            text.append(scalar)
        }
        throw error("the string opened here is never closed", at: opened)
    }

    private mutating func hexDigits(_ count: Int, escape: String) throws(JSON5SyntaxError) {
        for _ in 0..<count {
            guard let scalar = current, scalar.properties.isASCIIHexDigit else {
                throw error("'\(escape)' needs \(count) hexadecimal digits, \(found)")
            }
            index += 1
        }
    }

    private mutating func number() throws(JSON5SyntaxError) {
        if current == "-" || current == "+" { index += 1 }
        if let scalar = current, isIdentifierStart(scalar) {
            let start = index
            let word = identifier()
            guard word == "Infinity" || word == "NaN" else {
                throw error("expected a number, found '\(word)'", at: start)
            }
            return
        }
        if current == "0", index + 1 < scalars.count, scalars[index + 1] == "x" || scalars[index + 1] == "X" {
            index += 2
            let start = index
            while let scalar = current, scalar.properties.isASCIIHexDigit { index += 1 }
            guard index > start else { throw error("expected hexadecimal digits after 0x, \(found)") }
            try endOfNumber()
            return
        }
        let integerStart = index
        let integerDigits = digits()
        if integerDigits > 1 && scalars[integerStart] == "0" {
            throw error("a number cannot start with 0 followed by digits", at: integerStart)
        }
        var fractionDigits = 0
        if current == "." {
            index += 1
            fractionDigits = digits()
        }
        guard integerDigits + fractionDigits > 0 else { throw error("expected a number, \(found)") }
        if current == "e" || current == "E" {
            index += 1
            if current == "+" || current == "-" { index += 1 }
            guard digits() > 0 else { throw error("expected the exponent's digits, \(found)") }
        }
        try endOfNumber()
    }

    private mutating func digits() -> Int {
        let start = index
        while let scalar = current, ("0"..."9").contains(scalar) { index += 1 }
        return index - start
    }

    /// A number must not run into letters or digits it cannot hold (`12px`, `1.2.3`).
    private func endOfNumber() throws(JSON5SyntaxError) {
        if let scalar = current, isIdentifierPart(scalar) || scalar == "." {
            throw error("unexpected '\(Character(scalar))' in a number")
        }
    }

    private mutating func identifier() -> String {
        var text = String.UnicodeScalarView()
        while let scalar = current, isIdentifierPart(scalar) {
            text.append(scalar)
            index += 1
        }
        return String(text)
    }

    private func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "$" || scalar == "_" || scalar == "\\" || scalar.properties.isAlphabetic
    }

    private func isIdentifierPart(_ scalar: Unicode.Scalar) -> Bool {
        isIdentifierStart(scalar) || ("0"..."9").contains(scalar) || scalar.properties.numericType != nil
            || scalar == "\u{200C}" || scalar == "\u{200D}"
    }

    /// Skips white space, line ends and comments.
    private mutating func skipBlank() throws(JSON5SyntaxError) {
        while let scalar = current {
            if scalar == "/" && index + 1 < scalars.count {
                let next = scalars[index + 1]
                if next == "/" {
                    while let inside = current, inside != "\n" { index += 1 }
                    continue
                }
                if next == "*" {
                    let opened = index
                    index += 2
                    while index + 1 < scalars.count && !(scalars[index] == "*" && scalars[index + 1] == "/") {
                        index += 1
                    }
                    guard index + 1 < scalars.count else {
                        throw error("the comment opened here is never closed ('*/' is missing)", at: opened)
                    }
                    index += 2
                    continue
                }
                return
            }
            guard scalar.properties.isWhitespace || scalar == "\u{FEFF}" else { return }
            index += 1
        }
    }
}
