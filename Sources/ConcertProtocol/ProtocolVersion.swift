/// The version of the control-socket protocol shared by concertd and concertctl.
///
/// Methods are only ever added; a changed message shape bumps this number.
public enum ProtocolVersion {
    public static let current = 1
}
