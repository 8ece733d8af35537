/// A stable error code of the control protocol: a JSON-RPC number and a snake_case name.
///
/// The numbers from -32700 to -32600 are JSON-RPC's own; the application codes are in the range
/// JSON-RPC reserves for servers (-32000 to -32099). Codes and names never change meaning; new
/// ones are only added. A reply may carry a code this build does not know (a newer daemon): it
/// keeps the number and the name the daemon sent.
public struct ControlErrorCode: Sendable, Hashable, CustomStringConvertible {
    /// The JSON-RPC `error.code`.
    public var number: Int
    /// The stable name sent as `error.data.name`, for scripts: `not_found`.
    public var name: String
    /// What the code means, in a sentence; used when no more specific message is given.
    public var summary: String

    public init(number: Int, name: String, summary: String) {
        self.number = number
        self.name = name
        self.summary = summary
    }

    /// The known code with this number, or an unknown one named `name` (or `error_<number>`).
    public static func forNumber(_ number: Int, name: String? = nil) -> ControlErrorCode {
        if let known = all.first(where: { $0.number == number }) { return known }
        return ControlErrorCode(number: number, name: name ?? "error_\(number)", summary: "error \(number)")
    }

    public var description: String { "\(name) (\(number))" }

    public static func == (lhs: ControlErrorCode, rhs: ControlErrorCode) -> Bool { lhs.number == rhs.number }
    public func hash(into hasher: inout Hasher) { hasher.combine(number) }
}

extension ControlErrorCode {
    /// The line is not valid UTF-8 or not valid JSON.
    public static let parseError = ControlErrorCode(
        number: -32700, name: "parse_error", summary: "the request is not valid JSON")
    /// The JSON is not a JSON-RPC 2.0 request object.
    public static let invalidRequest = ControlErrorCode(
        number: -32600, name: "invalid_request", summary: "the request is not a JSON-RPC 2.0 request object")
    /// No such method.
    public static let methodNotFound = ControlErrorCode(
        number: -32601, name: "method_not_found", summary: "no such method")
    /// The parameters are missing, or of the wrong JSON type.
    public static let invalidParams = ControlErrorCode(
        number: -32602, name: "invalid_params", summary: "the parameters are missing or of the wrong type")
    /// The daemon failed; its log says why.
    public static let internalError = ControlErrorCode(
        number: -32603, name: "internal_error", summary: "the daemon failed to answer; see its log")
    /// The concert, subscription or delivery named does not exist.
    public static let notFound = ControlErrorCode(
        number: -32001, name: "not_found", summary: "no such concert, subscription or delivery")
    /// The peer is not root, the daemon's user or a member of the control group.
    public static let permissionDenied = ControlErrorCode(
        number: -32002, name: "permission_denied",
        summary: "permission denied: only root, the daemon's user and the control group may use this socket")
    /// Well-typed parameters with a wrong value: an unknown city, a bad URL or address, bad offsets.
    public static let invalidInput = ControlErrorCode(
        number: -32003, name: "invalid_input", summary: "a parameter has a value that is not accepted")
    /// The request contradicts the current state: already cancelled, already subscribed, not failed.
    public static let conflict = ControlErrorCode(
        number: -32004, name: "conflict", summary: "the request conflicts with the current state")
    /// The daemon cannot do this now: shutting down, too many connections, a dependency down.
    public static let unavailable = ControlErrorCode(
        number: -32005, name: "unavailable", summary: "the daemon cannot do this now; try again later")
    /// A request line is longer than ``ControlLineFramer/maximumLineLength``; the connection is closed.
    public static let lineTooLong = ControlErrorCode(
        number: -32006, name: "line_too_long", summary: "the request line is longer than 65536 bytes")
    /// The request names a protocol version the daemon does not speak.
    public static let unsupportedProtocol = ControlErrorCode(
        number: -32007, name: "unsupported_protocol", summary: "the daemon does not speak this protocol version")
    /// The client sent no complete request in time; the connection is closed.
    public static let idleTimeout = ControlErrorCode(
        number: -32008, name: "idle_timeout", summary: "no request arrived in time; closing the connection")
    /// `reload` found the new configuration or catalog broken; the old one stays in force.
    public static let configError = ControlErrorCode(
        number: -32009, name: "config_error", summary: "the configuration is invalid; the old one stays in force")

    /// Every code this build knows, in number order.
    public static let all: [ControlErrorCode] = [
        .parseError, .invalidRequest, .methodNotFound, .invalidParams, .internalError,
        .configError, .idleTimeout, .unsupportedProtocol, .lineTooLong, .unavailable, .conflict,
        .invalidInput, .permissionDenied, .notFound,
    ].sorted { $0.number < $1.number }
}
