import ConcertShared
import Foundation

/// One JSON-RPC 2.0 reply: the request's id and either a result or an error.
///
/// On the wire: `{"jsonrpc": "2.0", "id": 1, "result": {…}, "protocol": 1}` or
/// `{"jsonrpc": "2.0", "id": 1, "error": {…}, "protocol": 1}`. The extension member `protocol`
/// says which version the daemon speaks, so a client can warn about a mismatch on any reply.
public struct ControlReply: Sendable, Hashable {
    public var id: RequestID
    public var outcome: Outcome
    /// The daemon's protocol version; the server fills it in when it writes the reply.
    public var protocolVersion: Int?

    /// What the request came to.
    public enum Outcome: Sendable, Hashable {
        case success(JSONValue)
        case failure(ControlError)
    }

    public init(id: RequestID, outcome: Outcome, protocolVersion: Int? = nil) {
        self.id = id
        self.outcome = outcome
        self.protocolVersion = protocolVersion
    }

    /// A reply carrying `result`; an `internal_error` reply if `result` cannot be encoded.
    public static func success(id: RequestID, result: some Encodable) -> ControlReply {
        do {
            return ControlReply(id: id, outcome: .success(try JSONCoding.value(of: result)))
        } catch {
            return .failure(id: id, error: .internalError("the result could not be encoded"))
        }
    }

    public static func failure(id: RequestID, error: ControlError) -> ControlReply {
        ControlReply(id: id, outcome: .failure(error))
    }

    /// The error, when the request failed.
    public var error: ControlError? {
        if case .failure(let error) = outcome { return error }
        return nil
    }

    /// The result decoded as `type`.
    ///
    /// Throws the reply's error, or an `internal_error` when the result does not have the
    /// expected shape (a daemon of another protocol version).
    public func decodeResult<R: Decodable>(as type: R.Type) throws(ControlError) -> R {
        switch outcome {
        case .failure(let error):
            throw error
        case .success(let value):
            do {
                return try JSONCoding.decode(R.self, from: value)
            } catch let error as DecodingError {
                let described = DecodingErrorDescription(error)
                throw .internalError("the daemon's reply has an unexpected shape: \(described.message)")
            } catch {
                throw .internalError("the daemon's reply could not be read")
            }
        }
    }

    /// The reply as one line of JSON, newline included, ready to write to the socket.
    public func encodedLine() -> [UInt8] {
        var bytes: [UInt8]
        do {
            bytes = Array(try JSONCoding.lineEncoder().encode(self))
        } catch {
            let fallback = ControlReply.failure(id: id, error: .internalError("the reply could not be encoded"))
            bytes = (try? JSONCoding.lineEncoder().encode(fallback)).map { Array($0) } ?? []
        }
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }
}

extension ControlReply: Codable {
    private enum CodingKeys: String, CodingKey {
        case jsonrpc, id, result, error
        case protocolVersion = "protocol"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeIfPresent(RequestID.self, forKey: .id) ?? .null
        protocolVersion = try container.decodeIfPresent(Int.self, forKey: .protocolVersion)
        if let error = try container.decodeIfPresent(ControlError.self, forKey: .error) {
            outcome = .failure(error)
        } else if container.contains(.result) {
            outcome = .success(try container.decode(JSONValue.self, forKey: .result))
        } else {
            throw DecodingError.keyNotFound(
                CodingKeys.result,
                .init(codingPath: container.codingPath, debugDescription: "a reply has a result or an error"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("2.0", forKey: .jsonrpc)
        try container.encode(id, forKey: .id)
        switch outcome {
        case .success(let value): try container.encode(value, forKey: .result)
        case .failure(let error): try container.encode(error, forKey: .error)
        }
        try container.encodeIfPresent(protocolVersion, forKey: .protocolVersion)
    }
}
