import ConcertProtocol

/// What the control server calls for every well-formed request: the daemon's answer to it.
///
/// The server has already checked the framing, the JSON-RPC envelope, the protocol version and
/// the peer's credentials; the handler maps the method to the database and scheduler (see
/// ``ControlRouter`` for a typed way to do that). Requests of one connection are handed over one
/// at a time, in order; requests of different connections concurrently. The reply is sent under
/// the request's id whatever id the handler puts in it, and is dropped for a notification or a
/// client that has gone away.
///
/// `async` rather than a completion handler: the real handler awaits the database and the
/// scheduler, and the server runs each call in its own task, so a slow `test` send holds up only
/// its own connection. The call is not cancelled when the client disconnects: a change that was
/// asked for is carried out whole.
public protocol ControlHandler: Sendable {
    func handle(_ request: ControlRequest, peer: PeerCredentials) async -> ControlReply
}
