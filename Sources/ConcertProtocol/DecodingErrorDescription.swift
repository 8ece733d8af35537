/// A `DecodingError` told the way a person calling the API needs it: which field, what was wrong.
struct DecodingErrorDescription {
    /// A sentence such as `params.limit: expected a number`.
    var message: String
    /// The dotted path of the field at fault, `params.limit`; `nil` for the params as a whole.
    var field: String?

    init(_ error: DecodingError) {
        func path(_ codingPath: [any CodingKey]) -> String? {
            var text = ""
            for key in codingPath {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += (text.isEmpty ? "" : ".") + key.stringValue
                }
            }
            return text.isEmpty ? nil : text
        }
        switch error {
        case .typeMismatch(let type, let context):
            field = path(context.codingPath)
            message = "\(field.map { "params.\($0)" } ?? "params"): expected \(Self.jsonName(of: type))"
        case .valueNotFound(let type, let context):
            field = path(context.codingPath)
            message = "\(field.map { "params.\($0)" } ?? "params"): expected \(Self.jsonName(of: type)), found null"
        case .keyNotFound(let key, let context):
            field = path(context.codingPath + [key])
            message = "params.\(field ?? key.stringValue) is required"
        case .dataCorrupted(let context):
            field = path(context.codingPath)
            message = "\(field.map { "params.\($0)" } ?? "params"): \(context.debugDescription)"
        @unknown default:
            field = nil
            message = "the parameters could not be read"
        }
    }

    private static func jsonName(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt.Type, is UInt64.Type, is Double.Type: "a number"
        case is [Any].Type: "an array"
        case is [String: Any].Type: "an object"
        default:
            "\(type)".hasPrefix("Array") ? "an array" : "\(type)".hasPrefix("Dictionary") ? "an object" : "a value"
        }
    }
}
