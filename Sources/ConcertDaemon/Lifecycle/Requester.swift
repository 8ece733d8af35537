import Logging

/// Who asked the daemon for an operator action, as the journal names them: a control client
/// (its uid and pid, from `SO_PEERCRED`) or a signal.
public enum Requester: Sendable, Hashable {
    case peer(PeerCredentials)
    case signal(String)

    /// `peer.uid` and `peer.pid`, or `signal`.
    public var metadata: Logger.Metadata {
        switch self {
        case .peer(let peer): ["peer.uid": "\(peer.uid)", "peer.pid": "\(peer.pid)"]
        case .signal(let name): ["signal": "\(name)"]
        }
    }
}
