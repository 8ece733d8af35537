extension SubscribeParams {
    /// Why a line of an import file could not be read as a subscription, in the terms of the
    /// file's format: `cities must be a list of city names, such as ["busan"]`, never the
    /// decoder's own description (Swift type names, coding paths).
    public static func importLineProblem(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "not a subscription object: \(error)" }
        let path: [any CodingKey]
        switch error {
        case .dataCorrupted(let context):
            guard let member = context.codingPath.first?.stringValue else { return "not valid JSON" }
            return "\(member) cannot be read"
        case .keyNotFound(let key, let context) where context.codingPath.isEmpty:
            return "\(key.stringValue) is missing: \(expectation(of: key.stringValue))"
        case .keyNotFound(_, let context), .typeMismatch(_, let context), .valueNotFound(_, let context):
            path = context.codingPath
        @unknown default:
            return "not a subscription object"
        }
        guard let member = path.first?.stringValue else {
            return
                #"not a JSON object: each line is one subscription, such as {"cities": ["busan"], "email": "a@example.org"}"#
        }
        if path.count > 1, let index = path[1].intValue {
            return "\(member)[\(index)] must be \(expectation(ofItemOf: member))"
        }
        return "\(member) must be \(expectation(of: member))"
    }

    private static func expectation(of member: String) -> String {
        switch member {
        case "cities": #"a list of city names, such as ["busan"]"#
        case "before": #"a list of offsets, such as ["7d", "1h"] or "7d,1h""#
        case "quiet": "true or false"
        default: "a string"
        }
    }

    private static func expectation(ofItemOf member: String) -> String {
        switch member {
        case "cities": "a city name (a string)"
        case "before": #"an offset, such as "1d""#
        default: "a string"
        }
    }
}
