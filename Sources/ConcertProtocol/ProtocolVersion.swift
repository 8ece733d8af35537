/// The version of the control-socket protocol shared by concertd and concertctl.
///
/// Methods are only ever added; a changed message shape bumps this number. A request may name
/// the version it speaks (a `protocol` member of the request, or of its `params`); one outside
/// ``supported`` is answered with ``ControlErrorCode/unsupportedProtocol``.
public enum ProtocolVersion {
    /// The version this build speaks and sends.
    public static let current = 1

    /// The versions this build's daemon answers.
    public static let supported: ClosedRange<Int> = 1...1
}
