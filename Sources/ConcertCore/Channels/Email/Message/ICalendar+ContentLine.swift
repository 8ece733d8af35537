extension ICalendar {
    /// The longest a content line may be, in octets and CRLF excluded (RFC 5545 §3.1).
    static let maxLineOctets = 75

    /// `line` folded into lines of at most 75 octets, continuation lines starting with a space.
    ///
    /// Lines break between Unicode scalars, never inside a UTF-8 sequence; unfolding (removing
    /// each CRLF and the space after it) gives back `line`.
    static func fold(_ line: String) -> String {
        var folded = ""
        var octets = 0
        for scalar in line.unicodeScalars {
            let width = String(scalar).utf8.count
            if octets + width > maxLineOctets {
                folded += "\r\n "
                octets = 1
            }
            folded.unicodeScalars.append(scalar)
            octets += width
        }
        return folded
    }

    /// `value` as a TEXT value (RFC 5545 §3.3.11): `\`, `;` and `,` escaped, line breaks as `\n`,
    /// other control characters but tab left out.
    static func text(_ value: String) -> String {
        var escaped = ""
        var previousWasCR = false
        for scalar in value.unicodeScalars {
            defer { previousWasCR = scalar == "\r" }
            switch scalar {
            case "\\": escaped += "\\\\"
            case ";": escaped += "\\;"
            case ",": escaped += "\\,"
            case "\n" where previousWasCR: continue
            case "\n", "\r": escaped += "\\n"
            case "\t": escaped += "\t"
            default:
                if scalar.properties.generalCategory == .control { continue }
                escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// `value` as a quoted parameter value (RFC 5545 §3.2): double quotes and control characters,
    /// which a parameter cannot hold, left out.
    static func parameter(_ value: String) -> String {
        "\"" + String(value.unicodeScalars.filter { $0 != "\"" && $0.properties.generalCategory != .control }) + "\""
    }
}
