import Foundation
import Testing

/// The shifted clock's flags on the real binary: a negative rate or a start outside the years of
/// concerts is a clear configuration error (78) naming the flag and its range, never a usage error
/// that takes `-1` for an option.
extension ConcertdExitStatusTests {
    @Test(arguments: ["-1", "-0.5", "-1e9"])
    func aNegativeClockRateExits78NamingItsRange(rate: String) throws {
        let socket = TemporarySocket()
        defer { socket.remove() }
        let exit = try run(
            daemonArguments(state: socket.directory + "/state", socket: socket.path) + ["--clock-rate", rate],
            directory: socket.directory)
        #expect(exit.status == 78, "\(exit.error)")
        #expect(
            exit.error.contains(
                "command line: --clock-rate: '\(rate)' is not a number greater than 0 and at most 1000000"),
            "\(exit.error)")
        #expect(!exit.error.contains("Missing value"))
    }

    @Test(arguments: ["0001-01-01T00:00Z", "9999-12-31T23:59Z", "-2019-10-21"])
    func aClockStartOutsideTheYearsOfConcertsExits78(start: String) throws {
        let socket = TemporarySocket()
        defer { socket.remove() }
        let exit = try run(
            daemonArguments(state: socket.directory + "/state", socket: socket.path) + ["--clock-start", start],
            directory: socket.directory)
        #expect(exit.status == 78, "\(exit.error)")
        #expect(exit.error.contains("command line: --clock-start: '\(start)' is "), "\(exit.error)")
        #expect(!FileManager.default.fileExists(atPath: socket.directory + "/state/concertd.sqlite3"))
    }
}
