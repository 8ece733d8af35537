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
    public var params: JSONValue?
    /// The protocol version the client says it speaks, when it says one.
    public var protocolVersion: Int?

    public init(id: RequestID?, method: String, params: JSONValue? = nil, protocolVersion: Int? = nil) {
        self.id = id
        self.method = method
        self.params = params
        self.protocolVersion = protocolVersion
    }

    /// A request of a typed method, speaking the current protocol version.
    public init<Params, Result>(id: RequestID, method: ControlMethod<Params, Result>, params: Params) throws {
        self.init(
            id: id, method: method.name, params: try JSONCoding.value(of: params),
            protocolVersion: ProtocolVersion.current)
    }

    /// Whether the request expects no reply.
    public var isNotification: Bool { id == nil }

    /// The typed parameters of `method`, or an `invalid_params` error naming the field at fault.
    ///
    /// Absent params decode as `{}`, so a method whose parameters are all optional may be called
    /// without any. Unknown members are ignored (a newer client's optional additions).
    public func decodeParams<Params, Result>(for method: ControlMethod<Params, Result>) throws(ControlError) -> Params {
        try decodeParams(as: Params.self)
    }

    /// The parameters decoded as `type`, or an `invalid_params` error naming the field at fault.
    public func decodeParams<P: Decodable>(as type: P.Type) throws(ControlError) -> P {
        let value = params ?? .object([:])
        guard case .object = value else {
            throw .invalidParams("params must be an object of named parameters, not an \(value.typeName)")
        }
        do {
            return try JSONCoding.decode(P.self, from: value)
        } catch let error as DecodingError {
            let described = DecodingErrorDescription(error)
            throw .invalidParams(described.message, field: described.field)
        } catch {
            throw .invalidParams("the parameters could not be read: \(error)")
        }
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
        params = try container.decodeIfPresent(JSONValue.self, forKey: .params)
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
