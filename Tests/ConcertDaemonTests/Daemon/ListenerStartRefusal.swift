import Foundation

@testable import ConcertDaemon

/// A daemon started with `config` that names an address its listener (`metrics_listen`,
/// `web_listen`) cannot bind: the error it refuses the start with, or `nil` when it starts.
///
/// Then, when `free` is given (it sets the listener to `127.0.0.1:0`), a start that succeeds: a
/// refused start leaves neither the database lock nor the control socket behind.
func listenerStartRefusal(
    config: String, free: ((inout Daemon.Options) -> Void)? = nil
) throws -> Daemon.StartupError? {
    let socket = TemporarySocket()
    defer { socket.remove() }
    let options = TestDaemon.options(
        directory: socket.directory, socketPath: socket.path, clockStart: "2019-10-20T00:00",
        config: config, catalog: nil, environment: [:])
    do {
        _ = try Daemon.start(options, logger: .quiet).stop()
        return nil
    } catch {
        if let free {
            var freed = options
            free(&freed)
            _ = try Daemon.start(freed, logger: .quiet).stop()
        }
        return error
    }
}
