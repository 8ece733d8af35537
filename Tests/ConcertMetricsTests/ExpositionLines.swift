/// The lines of a scrape, checked against the Prometheus text format (0.0.4): each line is a
/// `# HELP`, a `# TYPE` or a sample `name{label="value",…} number`.
struct ExpositionLines {
    struct Sample: Hashable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    var samples: [Sample] = []
    var types: [String: String] = [:]
    var problems: [String] = []

    init(_ text: String) {
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) where !line.isEmpty {
            if line.hasPrefix("# HELP ") {
                if line.split(separator: " ", maxSplits: 3).count < 4 { problems.append("bare HELP: \(line)") }
            } else if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                guard parts.count == 4, ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3])
                else {
                    problems.append("bad TYPE: \(line)")
                    continue
                }
                types[String(parts[2])] = String(parts[3])
            } else if let sample = Self.sample(line) {
                samples.append(sample)
            } else {
                problems.append("not a sample: \(line)")
            }
        }
        if !text.hasSuffix("\n") { problems.append("the text does not end with a newline") }
    }

    /// The value of the sample `name` whose labels include `labels`, if exactly one matches.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        let matching = samples.filter { sample in
            sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value }
        }
        return matching.count == 1 ? matching[0].value : nil
    }

    private static func isName(_ text: Substring) -> Bool {
        guard let first = text.first, first.isASCII, first.isLetter || first == "_" || first == ":" else {
            return false
        }
        return text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == ":") }
    }

    private static func sample(_ line: Substring) -> Sample? {
        var rest = line
        guard let nameEnd = rest.firstIndex(where: { $0 == "{" || $0 == " " }) else { return nil }
        let name = rest[..<nameEnd]
        guard isName(name) else { return nil }
        rest = rest[nameEnd...]
        var labels: [String: String] = [:]
        if rest.hasPrefix("{") {
            rest = rest.dropFirst()
            while !rest.hasPrefix("}") {
                guard let equals = rest.firstIndex(of: "="), isName(rest[..<equals]) else { return nil }
                let label = String(rest[..<equals])
                rest = rest[rest.index(after: equals)...]
                guard rest.hasPrefix("\"") else { return nil }
                rest = rest.dropFirst()
                var value = ""
                while let character = rest.first, character != "\"" {
                    if character == "\\" {
                        rest = rest.dropFirst()
                        guard let escaped = rest.first, "\\\"n".contains(escaped) else { return nil }
                        value.append(escaped == "n" ? "\n" : escaped)
                    } else {
                        value.append(character)
                    }
                    rest = rest.dropFirst()
                }
                guard rest.hasPrefix("\"") else { return nil }
                rest = rest.dropFirst()
                labels[label] = value
                if rest.hasPrefix(",") { rest = rest.dropFirst() }
            }
            rest = rest.dropFirst()
        }
        guard rest.hasPrefix(" ") else { return nil }
        let fields = rest.dropFirst().split(separator: " ")
        guard fields.count == 1 || fields.count == 2, let value = Double(fields[0]) ?? Self.special(fields[0]) else {
            return nil
        }
        return Sample(name: String(name), labels: labels, value: value)
    }

    private static func special(_ text: Substring) -> Double? {
        switch text {
        case "+Inf": .infinity
        case "-Inf": -.infinity
        case "NaN": .nan
        default: nil
        }
    }
}
