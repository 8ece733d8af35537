/// The version of the control-socket protocol shared by concertd and concertctl.
///
/// Methods are only ever added; a changed message shape bumps this number. A request may name
/// the version it speaks (a `protocol` member of the request, or of its `params`); one outside
/// ``supported`` is answered with ``ControlErrorCode/unsupportedProtocol``.
public enum ProtocolVersion {
    /// The version this build speaks and sends.
    ///
    /// Protocol 2 added paging to listings (`limit` and `cursor`, see ``PagedParams``) and range
    /// checks of numbers and times (``ControlParams``); its requests and replies are those of
    /// protocol 1 with optional members added, so a client of protocol 1 is answered as before.
    public static let current = 2

    /// The versions this build's daemon answers.
    public static let supported: ClosedRange<Int> = 1...2
}
