/// The daemon's runtime: the control server, life cycle and wiring of the scheduler to its
/// channels. The `concertd` executable is a thin `@main` over this library, so tests can run a
/// whole daemon inside the test process.
public enum ConcertDaemonInfo {
    public static let version = "0.1.0"
}
