import Foundation

/// Whether a POST body is RFC 8058's one-click unsubscribe: the field `List-Unsubscribe` with the
/// value `One-Click`, sent as `application/x-www-form-urlencoded` or `multipart/form-data`, as mail
/// clients do.
enum OneClickBody {
    static func isOneClick(contentType: String?, body: [UInt8]) -> Bool {
        let type = contentType?.lowercased() ?? ""
        if type.hasPrefix("multipart/form-data") {
            guard let boundary = boundary(of: contentType ?? "") else { return false }
            return multipartFields(body: body, boundary: boundary).contains {
                $0.name == "List-Unsubscribe" && $0.value == "One-Click"
            }
        }
        guard let fields = try? FormFields.parse(body) else { return false }
        return fields.values("List-Unsubscribe").contains("One-Click")
    }

    private static func boundary(of contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "boundary" else {
                continue
            }
            var value = pair[1].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                value = String(value.dropFirst().dropLast())
            }
            return value.isEmpty || value.utf8.count > 70 ? nil : value
        }
        return nil
    }

    /// The text fields of a multipart body: each part's `name` from its Content-Disposition and
    /// its content, trimmed of surrounding whitespace.
    private static func multipartFields(body: [UInt8], boundary: String) -> [(name: String, value: String)] {
        guard let text = String(validating: body, as: UTF8.self) else { return [] }
        var fields: [(name: String, value: String)] = []
        for part in text.components(separatedBy: "--" + boundary).dropFirst() {
            if part.hasPrefix("--") { break }
            guard let split = part.range(of: "\r\n\r\n") ?? part.range(of: "\n\n") else { continue }
            let headers = part[..<split.lowerBound]
            let value = part[split.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines)
            for line in headers.split(whereSeparator: \.isNewline)
            where line.lowercased().hasPrefix("content-disposition:") {
                guard let nameRange = line.range(of: "name=\"") else { continue }
                let rest = line[nameRange.upperBound...]
                guard let end = rest.firstIndex(of: "\"") else { continue }
                fields.append((String(rest[..<end]), value))
            }
        }
        return fields
    }
}
