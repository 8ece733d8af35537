import ConcertShared
import Foundation

/// One JSON-RPC 2.0 request: a method name, its parameters and, unless it is a notification, an id.
///
/// On the wire: `{"jsonrpc": "2.0", "id": 1, "method": "subscribe", "params": {…}, "protocol": 1}`.
/// `protocol` is an extension member that JSON-RPC libraries may not let a caller set, so it is
/// also read from `params.protocol`; without either, the request is taken to speak
/// ``ProtocolVersion/current``. A request without `id` is a notification: it is carried out and
/// not answered.
public struct ControlRequest: Sendable, Hashable {
    /// `nil` for a notification; `.null` is a (discouraged but valid) explicit null id.
    public var id: RequestID?
    public var method: String
    /// An object (named parameters) or an array; `nil` when absent.
    ///
    /// A request read from the wire keeps its line and builds this value only when asked:
    /// `decodeParams` decodes the typed parameters straight from the line's bytes. A bulk
    /// import's chunk went through `JSONValue`, back to JSON and into its params, three passes
    /// over 64 KiB and a `String` per line twice.
    public var params: JSONValue? {
        get {
            switch storage {
            case .value(let value): value
            case .line(let line, let shape):
                shape == .absent ? nil : try? JSONDecoder().decode(Envelope<JSONValue>.self, from: line).params
            }
        }
        set { storage = .value(newValue) }
    }
    /// The protocol version the client says it speaks, when it says one.
    public var protocolVersion: Int?
    private var storage: Storage

    /// Where the params are: a value, or the `params` member of a request line whose shape
    /// ``ControlMessageDecoder`` has checked.
    private enum Storage: Sendable {
        case value(JSONValue?)
        case line(Data, ParamsShape)
    }

    /// What a request line's `params` member is.
    enum ParamsShape: Sendable {
        case absent, object, array
    }

    public init(id: RequestID?, method: String, params: JSONValue? = nil, protocolVersion: Int? = nil) {
        self.id = id
        self.method = method
        self.storage = .value(params)
        self.protocolVersion = protocolVersion
    }

    /// A request read from `line`, whose `params` member (if any) has the given shape.
    init(id: RequestID?, method: String, line: Data, params: ParamsShape, protocolVersion: Int?) {
        self.id = id
        self.method = method
        self.storage = .line(line, params)
        self.protocolVersion = protocolVersion
    }

    /// A request of a typed method, speaking the current protocol version.
    public init<Params, Result>(id: RequestID, method: ControlMethod<Params, Result>, params: Params) throws {
        self.init(
            id: id, method: method.name, params: try JSONCoding.value(of: params),
            protocolVersion: ProtocolVersion.current)
    }

    /// Whether the request expects no reply.
    package var isNotification: Bool { id == nil }

    /// The typed parameters of `method`, or an `invalid_params` error naming the field at fault.
    ///
    /// Absent params decode as `{}`, so a method whose parameters are all optional may be called
    /// without any. Unknown members are ignored (a newer client's optional additions).
    /// Numbers out of the range the protocol gives them are `invalid_params` too (``ControlParams``).
    public func decodeParams<Params, Result>(for method: ControlMethod<Params, Result>) throws(ControlError) -> Params {
        let params = try decodeParams(as: Params.self)
        try params.checkRanges()
        return params
    }

    /// The parameters decoded as `type`, or an `invalid_params` error naming the field at fault.
    public func decodeParams<P: Decodable>(as type: P.Type) throws(ControlError) -> P {
        do {
            switch storage {
            case .value(let params):
                let value = params ?? .object([:])
                guard case .object = value else {
                    throw ControlError.invalidParams(
                        "params must be an object of named parameters, not an \(value.typeName)")
                }
                return try JSONCoding.decode(P.self, from: value)
            case .line(_, .array):
                throw ControlError.invalidParams("params must be an object of named parameters, not an array")
            case .line(_, .absent):
                return try JSONDecoder().decode(P.self, from: Data("{}".utf8))
            case .line(let line, .object):
                do {
                    return try JSONDecoder().decode(Envelope<P>.self, from: line).params
                } catch let error as DecodingError {
                    // The envelope's own key is not part of the field's name.
                    throw error.droppingFirstKey()
                }
            }
        } catch let error as ControlError {
            throw error
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
            throw numberThatDoesNotFit(as: P.self) ?? .invalidParams("params: \(context.debugDescription)")
        } catch let error as DecodingError {
            let described = DecodingErrorDescription(error)
            throw .invalidParams(described.message, field: described.field)
        } catch {
            throw .invalidParams("the parameters could not be read: \(error)")
        }
    }

    /// The member whose number `P` could not take, as an `invalid_params` naming it: a whole
    /// number beyond 64 bits is out of range (with the member's range, from
    /// ``ControlParams/integerRanges``), any other is not a whole number.
    ///
    /// Foundation's decoder on Linux reports a number that does not fit the type asked for (`1.5`
    /// or `1e300` for an integer) as data "not valid JSON" with no path. The line is valid JSON
    /// (``ControlMessageDecoder`` has read it), so the member is found by trying `P` with each
    /// such number alone left in place and the others made whole.
    private func numberThatDoesNotFit<P: Decodable>(as type: P.Type) -> ControlError? {
        guard case .object(let members)? = params else { return nil }
        let inexact = members.filter { if case .double = $0.value { true } else { false } }
        for (name, value) in inexact.sorted(by: { $0.key < $1.key }) {
            var trial = members.merging(inexact.mapValues { _ in JSONValue.int(1) }) { $1 }
            trial[name] = value
            do {
                _ = try JSONCoding.decode(P.self, from: .object(trial))
            } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
                guard case .double(let number) = value else { continue }
                guard number.rounded(.towardZero) == number else {
                    return .invalidParams("params.\(name): expected a whole number, not \(number)", field: name)
                }
                let range = (P.self as? any ControlParams.Type)?.integerRanges[name] ?? Int64.min...Int64.max
                return .invalidParams(
                    "params.\(name) is out of range: it must be a whole number from \(range.lowerBound) to \(range.upperBound)",
                    field: name)
            } catch {
                continue
            }
        }
        return nil
    }

    /// A request line seen only for its `params` member.
    private struct Envelope<P: Decodable>: Decodable {
        var params: P

        private enum CodingKeys: String, CodingKey {
            case params
        }
    }
}

extension ControlRequest {
    public static func == (lhs: ControlRequest, rhs: ControlRequest) -> Bool {
        lhs.id == rhs.id && lhs.method == rhs.method && lhs.protocolVersion == rhs.protocolVersion
            && lhs.params == rhs.params
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(method)
        hasher.combine(protocolVersion)
        hasher.combine(params)
    }
}

extension DecodingError {
    /// The same error with the first key of its coding path removed.
    func droppingFirstKey() -> DecodingError {
        func drop(_ context: Context) -> Context {
            Context(
                codingPath: Array(context.codingPath.dropFirst()), debugDescription: context.debugDescription,
                underlyingError: context.underlyingError)
        }
        switch self {
        case .typeMismatch(let type, let context): return .typeMismatch(type, drop(context))
        case .valueNotFound(let type, let context): return .valueNotFound(type, drop(context))
        case .keyNotFound(let key, let context): return .keyNotFound(key, drop(context))
        case .dataCorrupted(let context): return .dataCorrupted(drop(context))
        @unknown default: return self
        }
    }
}

extension ControlRequest {
    /// The line (without its newline) that encoding `ControlRequest(id:method:params:)` with
    /// ``JSONCoding/lineEncoder()`` gives, built with one encoding of the params: concertctl
    /// encoded a bulk import's chunk into a `JSONValue`, decoded that, then encoded the request
    /// twice (to check its size and to send it).
    public static func encodedLine<Params, Result>(
        id: RequestID, method: ControlMethod<Params, Result>, params: Params
    ) throws -> Data {
        let encoder = JSONCoding.lineEncoder()
        // The members in the order of `sortedKeys`.
        var line = Data(#"{"id":"#.utf8)
        line.append(try encoder.encode(id))
        line.append(contentsOf: #","jsonrpc":"2.0","method":"#.utf8)
        line.append(try encoder.encode(method.name))
        line.append(contentsOf: #","params":"#.utf8)
        line.append(try encoder.encode(params))
        line.append(contentsOf: #","protocol":\#(ProtocolVersion.current)}"#.utf8)
        return line
    }
}

extension ControlRequest: Codable {
    private enum CodingKeys: String, CodingKey {
        case jsonrpc, id, method, params
        case protocolVersion = "protocol"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeIfPresent(RequestID.self, forKey: .id)
        if container.contains(.id), id == nil { id = .null }
        method = try container.decode(String.self, forKey: .method)
        storage = .value(try container.decodeIfPresent(JSONValue.self, forKey: .params))
        protocolVersion = try container.decodeIfPresent(Int.self, forKey: .protocolVersion)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("2.0", forKey: .jsonrpc)
        try container.encodeIfPresent(id, forKey: .id)
        try container.encode(method, forKey: .method)
        try container.encodeIfPresent(params, forKey: .params)
        try container.encodeIfPresent(protocolVersion, forKey: .protocolVersion)
    }
}
