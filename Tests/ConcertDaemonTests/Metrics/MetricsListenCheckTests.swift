import Foundation
import Glibc
import Testing

/// `metrics_listen` on the real binary: `check-config` names a bad value and its line, and says
/// where the listener will be.
extension CheckConfigTests {
    @Test func checkConfigNamesABadMetricsAddressAndWhereAGoodOneListens() throws {
        let folder = TemporarySocket()
        defer { folder.remove() }
        let config = folder.directory + "/concertd.conf"
        try write("metrics_listen = 127.0.0.1:99999\n", to: config)
        let bad = try checkConfig([config, "--catalog", TestDaemon.catalogPath], directory: folder.directory)
        #expect(bad.status == 78)
        #expect(
            bad.error.contains(
                "\(config):1: key 'metrics_listen': '99999' is not a port: use 0 to 65535 (0: any free port)"),
            "\(bad.error)")
        try write("metrics_listen = [::1]:9464\n", to: config)
        let good = try checkConfig([config, "--catalog", TestDaemon.catalogPath], directory: folder.directory)
        #expect(good.status == 0, "\(good.error)")
        #expect(
            good.output.contains(
                "metrics: /metrics and /healthz at [::1]:9464; whether it can be bound is checked at start"),
            "\(good.output)")
    }
}

/// A start on a metrics address in use exits 75 (systemd tries again) saying why.
extension ConcertdExitStatusTests {
    @Test func aMetricsAddressInUseExits75SayingSo() throws {
        let (taken, port) = try loopbackListeningSocket(backlog: 1)
        defer { close(taken) }
        let socket = TemporarySocket()
        defer { socket.remove() }
        let exit = try run(
            daemonArguments(state: socket.directory + "/state", socket: socket.path) + [
                "--metrics-listen", "127.0.0.1:\(port)",
            ], directory: socket.directory)
        #expect(exit.status == 75, "\(exit.error)")
        #expect(
            exit.error.contains(
                "metrics_listen: cannot listen on 127.0.0.1:\(port): the address is already in use by another program (or another concertd)"
            ), "\(exit.error)")
    }
}
