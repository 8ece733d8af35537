import Foundation
import Testing

@testable import ConcertCore

/// `metrics_listen = HOST:PORT` and `--metrics-listen`: the forms accepted, and a message for each
/// kind of mistake that says what is wrong.
@Suite struct MetricsListenConfigurationTests {
    @Test(arguments: [
        ("127.0.0.1:9464", ListenAddress(host: "127.0.0.1", port: 9464), "127.0.0.1:9464"),
        ("0.0.0.0:0", ListenAddress(host: "0.0.0.0", port: 0), "0.0.0.0:0"),
        ("[::1]:9464", ListenAddress(host: "::1", port: 9464), "[::1]:9464"),
        ("[::]:65535", ListenAddress(host: "::", port: 65535), "[::]:65535"),
        ("localhost:9464", ListenAddress(host: "localhost", port: 9464), "localhost:9464"),
        ("metrics.internal.example.org:80", ListenAddress(host: "metrics.internal.example.org", port: 80), nil),
    ])
    func addressesAreReadAndWrittenBack(text: String, expected: ListenAddress, written: String?) throws {
        let address = try ListenAddress(parsing: text)
        #expect(address == expected)
        #expect(address.description == written ?? text)
        #expect(try ListenAddress(parsing: address.description) == address)
    }

    @Test(arguments: [
        ("9464", "'9464' has no host: write HOST:PORT, such as 127.0.0.1:9464 or [::1]:9464"),
        (":9464", "':9464' has no host: use 127.0.0.1 for this machine only, or an address of an internal network"),
        ("127.0.0.1:", "'' is not a port: use 0 to 65535 (0: any free port)"),
        ("127.0.0.1:65536", "'65536' is not a port: use 0 to 65535 (0: any free port)"),
        ("127.0.0.1:-1", "'-1' is not a port: use 0 to 65535 (0: any free port)"),
        ("127.0.0.1:http", "'http' is not a port: use 0 to 65535 (0: any free port)"),
        ("127.0.0.1:99999999999999999999", "'99999999999999999999' is not a port: use 0 to 65535 (0: any free port)"),
        ("256.1.1.1:9464", "'256.1.1.1' is not an IPv4 address (four numbers 0 to 255, such as 127.0.0.1)"),
        ("::1:9464", "'::1:9464': write an IPv6 address in brackets, such as [::1]:9464"),
        ("[::1:9464", "'[::1:9464': an IPv6 address in brackets lacks its closing ]"),
        ("[::1]", "'[::1]' has no port: write HOST:PORT, such as [::1]:9464"),
        ("[127.0.0.1]:9464", "'127.0.0.1' in brackets is not an IPv6 address"),
        ("bad_host:9464", "'bad_host' is not an IP address or a host name (letters, digits, - and ., at most 253)"),
        ("http://127.0.0.1:9464", "'http://127.0.0.1:9464' is a URL: write only HOST:PORT, such as 127.0.0.1:9464"),
    ])
    func eachMistakeHasItsOwnMessage(text: String, message: String) {
        #expect(throws: ConfigurationValueError(message)) { try ListenAddress(parsing: text) }
    }

    @Test func theKeyIsOffByDefaultAndReadFromTheFile() throws {
        let defaults = try ConfigurationLoader(environment: [:]).load(contents: "", file: "/etc/concertd/concertd.conf")
        #expect(defaults.metricsListen == nil)
        let set = try ConfigurationLoader(environment: [:]).load(
            contents: "metrics_listen = 127.0.0.1:9464\n", file: "/etc/concertd/concertd.conf")
        #expect(set.metricsListen == ListenAddress(host: "127.0.0.1", port: 9464))
        let empty = try ConfigurationLoader(environment: [:]).load(
            contents: "metrics_listen =\n", file: "/etc/concertd/concertd.conf")
        #expect(empty.metricsListen == nil)
    }

    @Test func aBadValueInTheFileIsPlacedOnItsLine() {
        #expect(
            problems(loading: "watchdog = on\nmetrics_listen = 127.0.0.1\n") == [
                "/etc/concertd/concertd.conf:2: key 'metrics_listen': '127.0.0.1' has no port: write HOST:PORT, such as 127.0.0.1:9464 or [::1]:9464"
            ])
    }

    @Test func theFlagOverridesTheFileAndIsCheckedTheSameWay() throws {
        var configuration = DaemonConfiguration()
        configuration.metricsListen = ListenAddress(host: "127.0.0.1", port: 9464)
        let merged = try configuration.merging(ConfigurationOverrides(metricsListen: "[::1]:9100"))
        #expect(merged.metricsListen == ListenAddress(host: "::1", port: 9100))
        #expect(throws: ConfigurationError.self) {
            try configuration.merging(ConfigurationOverrides(metricsListen: "localhost"))
        }
    }

    @Test func aChangedAddressNeedsARestart() {
        var running = DaemonConfiguration()
        running.metricsListen = ListenAddress(host: "127.0.0.1", port: 9464)
        var next = running
        next.metricsListen = ListenAddress(host: "127.0.0.1", port: 9465)
        #expect(running.keysRequiringRestart(toBecome: next) == ["metrics_listen"])
        #expect(running.keysRequiringRestart(toBecome: running).isEmpty)
    }
}
