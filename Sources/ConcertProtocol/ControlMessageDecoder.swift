import ConcertShared
import Foundation

/// Turns one request line into a ``ControlRequest``, or into the error reply the line deserves.
///
/// Pure, for the server and for fuzzing. The checks, in order: UTF-8 (else `parse_error`), JSON
/// (else `parse_error`), a single object (else `invalid_request`; batches are not supported),
/// `jsonrpc` = `"2.0"`, a string `method`, `params` an object or array, an integer `id` or a
/// string (else `invalid_request`), and a supported `protocol` (else `unsupported_protocol`).
/// Errors found after the id was read echo it; earlier ones carry a `null` id.
///
/// The params are not read here: the request keeps its line, and ``ControlRequest/decodeParams(as:)``
/// decodes the typed params from it in one pass. Their strings and numbers are checked all the same
/// (`JSONTokenCheck`), so a broken value anywhere in the line is still a `parse_error`.
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
        let data = Data(bytes)
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: data)
            // The header reads few of the line's values; the others are checked here, as
            // decoding them would (`decodeParams` reads them later).
            let valid = data.withUnsafeBytes { JSONTokenCheck.valuesAreValid($0.bindMemory(to: UInt8.self)) }
            guard valid else { throw InvalidValue() }
        } catch {
            return invalid(.parseError("the request is not valid JSON"))
        }
        guard let members = header.members else {
            let value = header.other ?? .null
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
        let shape: ControlRequest.ParamsShape
        switch header.params {
        case nil: shape = .absent
        case .object: shape = .object
        case .array: shape = .array
        case .other(let other):
            return invalid(
                .invalidRequest("params must be an object or an array, not \(article(other.typeName))"), id: replyID)
        }
        var version: Int?
        for candidate in [members["protocol"], header.params?.protocolMember] {
            guard let candidate else { continue }
            guard case .int(let number) = candidate, let exact = Int(exactly: number) else {
                return invalid(.invalidRequest("protocol must be an integer"), id: replyID)
            }
            version = version ?? exact
        }
        if let version, !ProtocolVersion.supported.contains(version) {
            return invalid(.unsupportedProtocol(version), id: replyID)
        }
        return .request(
            ControlRequest(id: id, method: method, line: data, params: shape, protocolVersion: version))
    }

    /// What the checks need of a request line, read without building its `params`: the members
    /// of the envelope, and of `params` its type and its `protocol` member.
    private struct Header: Decodable {
        /// `id`, `jsonrpc`, `method` and `protocol`, when present; `nil` when the line is not an object.
        var members: [String: JSONValue]?
        /// The line when it is not an object.
        var other: JSONValue?
        var params: Params?

        enum Params: Decodable {
            /// An object, and its `protocol` member when it has one.
            case object(protocol: JSONValue?)
            case array
            case other(JSONValue)

            init(from decoder: any Decoder) throws {
                if let container = try? decoder.container(keyedBy: Key.self) {
                    let key = Key("protocol")
                    self = .object(
                        protocol: container.contains(key) ? try container.decode(JSONValue.self, forKey: key) : nil)
                } else if (try? decoder.unkeyedContainer()) != nil {
                    self = .array
                } else {
                    self = .other(try decoder.singleValueContainer().decode(JSONValue.self))
                }
            }

            var protocolMember: JSONValue? {
                if case .object(let member) = self { return member }
                return nil
            }
        }

        init(from decoder: any Decoder) throws {
            guard let container = try? decoder.container(keyedBy: Key.self) else {
                other = try decoder.singleValueContainer().decode(JSONValue.self)
                return
            }
            var members: [String: JSONValue] = [:]
            for name in ["id", "jsonrpc", "method", "protocol"] {
                let key = Key(name)
                if container.contains(key) { members[name] = try container.decode(JSONValue.self, forKey: key) }
            }
            self.members = members
            let key = Key("params")
            if container.contains(key) { params = try container.decode(Params.self, forKey: key) }
        }
    }

    private struct InvalidValue: Error {}

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    private static func invalid(_ error: ControlError, id: RequestID = .null) -> Outcome {
        .invalid(.failure(id: id, error: error))
    }

    private static func article(_ typeName: String) -> String {
        (typeName.first.map { "aeiou".contains($0) } ?? false ? "an " : "a ") + typeName
    }
}
