/// A JSON-RPC error object: a stable code, a human message and, optionally, the parameter at fault.
///
/// On the wire: `{"code": -32001, "message": "no subscription 'sub-x'", "data": {"name":
/// "not_found", "field": "id"}}`. `message` is for people and may change between versions;
/// scripts match on `code` or `data.name`. Messages never carry secrets.
public struct ControlError: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: ControlErrorCode
    public var message: String
    /// The parameter the error is about (`cities`, `webhook`, `params.limit`), when there is one.
    public var field: String?

    public init(_ code: ControlErrorCode, _ message: String? = nil, field: String? = nil) {
        self.code = code
        self.message = message ?? code.summary
        self.field = field
    }

    public var description: String { message }
}

extension ControlError {
    public static func parseError(_ message: String) -> ControlError { ControlError(.parseError, message) }
    public static func invalidRequest(_ message: String) -> ControlError { ControlError(.invalidRequest, message) }
    public static func methodNotFound(_ method: String) -> ControlError {
        ControlError(.methodNotFound, "no method '\(method)'; see docs/control-protocol.md for the list")
    }
    public static func invalidParams(_ message: String, field: String? = nil) -> ControlError {
        ControlError(.invalidParams, message, field: field)
    }
    public static func internalError(_ message: String? = nil) -> ControlError { ControlError(.internalError, message) }
    public static func notFound(_ message: String, field: String? = nil) -> ControlError {
        ControlError(.notFound, message, field: field)
    }
    public static func permissionDenied(_ message: String? = nil) -> ControlError {
        ControlError(.permissionDenied, message)
    }
    public static func invalidInput(_ message: String, field: String? = nil) -> ControlError {
        ControlError(.invalidInput, message, field: field)
    }
    public static func conflict(_ message: String, field: String? = nil) -> ControlError {
        ControlError(.conflict, message, field: field)
    }
    public static func unavailable(_ message: String? = nil) -> ControlError { ControlError(.unavailable, message) }
    public static func lineTooLong(limit: Int) -> ControlError {
        ControlError(.lineTooLong, "the request line is longer than \(limit) bytes; closing the connection")
    }
    public static func unsupportedProtocol(_ requested: Int) -> ControlError {
        let supported = ProtocolVersion.supported
        let range =
            supported.count == 1 ? "\(supported.lowerBound)" : "\(supported.lowerBound) to \(supported.upperBound)"
        let advice = requested > supported.upperBound ? "upgrade concertd" : "upgrade concertctl"
        return ControlError(
            .unsupportedProtocol,
            "the client speaks protocol \(requested), this daemon speaks \(range): \(advice)",
            field: "protocol")
    }
    public static func idleTimeout(seconds: Double) -> ControlError {
        ControlError(.idleTimeout, "no request within \(seconds.formatted) s; closing the connection")
    }
    public static func configError(_ message: String) -> ControlError { ControlError(.configError, message) }
}

extension Double {
    /// `30` rather than `30.0`; `0.5` stays `0.5`.
    fileprivate var formatted: String {
        self == rounded() && abs(self) < 1e15 ? String(Int64(self)) : String(self)
    }
}

extension ControlError: Codable {
    private enum CodingKeys: String, CodingKey { case code, message, data }
    private struct ErrorData: Codable {
        var name: String
        var field: String?
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let number = try container.decode(Int.self, forKey: .code)
        let data = try? container.decodeIfPresent(ErrorData.self, forKey: .data)
        code = ControlErrorCode.forNumber(number, name: data?.name)
        message = try container.decodeIfPresent(String.self, forKey: .message) ?? code.summary
        field = data?.field
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(code.number, forKey: .code)
        try container.encode(message, forKey: .message)
        try container.encode(ErrorData(name: code.name, field: field), forKey: .data)
    }
}
