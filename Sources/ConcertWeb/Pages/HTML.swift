/// HTML text built by appending, every value from outside escaped on the way in.
struct HTML {
    private(set) var text = ""

    init() {
        text.reserveCapacity(8 * 1024)
    }

    /// Markup written in this module: never a value from a request or the store.
    mutating func raw(_ markup: String) {
        text += markup
    }

    /// A value from outside, escaped for element content and quoted attribute values.
    mutating func text(_ value: String) {
        text += HTML.escape(value)
    }

    static func escape(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == 38 || $0 == 60 || $0 == 62 || $0 == 34 || $0 == 39 }) else {
            return value
        }
        var out = ""
        out.reserveCapacity(value.utf8.count + 16)
        for character in value.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }
}
