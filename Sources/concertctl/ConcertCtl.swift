import ArgumentParser
import ConcertProtocol

@main
struct ConcertCtl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "concertctl",
        abstract: "Control a running concertd over its Unix domain socket.",
        discussion: "The control commands arrive with the control-socket work; this build knows the protocol version only.",
        version: "concertctl 0.1.0 (protocol \(ProtocolVersion.current))"
    )
}
