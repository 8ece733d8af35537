import Foundation

/// Turns one request line into a ``ControlRequest``, or into the error reply the line deserves.
///
/// Pure, for the server and for fuzzing. The checks, in order: UTF-8 (else `parse_error`), JSON
/// (else `parse_error`), a single object (else `invalid_request`; batches are not supported),
/// `jsonrpc` = `"2.0"`, a string `method`, `params` an object or array, an integer `id` or a
/// string (else `invalid_request`), and a supported `protocol` (else `unsupported_protocol`).
/// Errors found after the id was read echo it; earlier ones carry a `null` id.
public enum ControlMessageDecoder {
    /// What a line came to.
    public enum Outcome: Sendable, Hashable {
        /// A well-formed request for the handler.
        case request(ControlRequest)
        /// A line that cannot be handled, with the reply to send.
        case invalid(ControlReply)
        /// A blank line, which is ignored.
        case blank
    }

    /// Decodes one line (without its line ending).
    public static func decode(line bytes: some Collection<UInt8>) -> Outcome {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return .blank }
        guard String(validating: bytes, as: UTF8.self) != nil else {
            return invalid(.parseError("the request is not valid UTF-8"))
        }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        } catch {
            return invalid(.parseError("the request is not valid JSON"))
        }
        guard case .object(let members) = value else {
            if case .array = value {
                return invalid(.invalidRequest("batch requests are not supported; send one request object per line"))
            }
            return invalid(.invalidRequest("a request is a JSON object, not \(article(value.typeName))"))
        }
        var id: RequestID?
        switch members["id"] {
        case nil: id = nil
        case .null: id = .null
        case .int(let number): id = .number(number)
        case .string(let string): id = .string(string)
        case .some(let other):
            return invalid(.invalidRequest("id must be a string or an integer, not \(article(other.typeName))"))
        }
        let replyID = id ?? .null
        guard members["jsonrpc"] == .string("2.0") else {
            return invalid(.invalidRequest("jsonrpc must be \"2.0\""), id: replyID)
        }
        guard case .string(let method) = members["method"], !method.isEmpty else {
            return invalid(.invalidRequest("method must be a non-empty string"), id: replyID)
        }
        let params = members["params"]
        switch params {
        case nil, .object, .array: break
        case .some(let other):
            return invalid(
                .invalidRequest("params must be an object or an array, not \(article(other.typeName))"), id: replyID)
        }
        var version: Int?
        for candidate in [members["protocol"], params?.objectValue?["protocol"]] {
            guard let candidate else { continue }
            guard case .int(let number) = candidate, let exact = Int(exactly: number) else {
                return invalid(.invalidRequest("protocol must be an integer"), id: replyID)
            }
            version = version ?? exact
        }
        if let version, !ProtocolVersion.supported.contains(version) {
            return invalid(.unsupportedProtocol(version), id: replyID)
        }
        return .request(ControlRequest(id: id, method: method, params: params, protocolVersion: version))
    }

    private static func invalid(_ error: ControlError, id: RequestID = .null) -> Outcome {
        .invalid(.failure(id: id, error: error))
    }

    private static func article(_ typeName: String) -> String {
        (typeName.first.map { "aeiou".contains($0) } ?? false ? "an " : "a ") + typeName
    }
}
