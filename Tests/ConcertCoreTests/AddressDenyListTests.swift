import Testing

@testable import ConcertCore

/// `webhook_deny`: CIDR networks, the addresses they hold, and the errors bad lists get.
@Suite struct AddressDenyListTests {
    static func address(_ text: String) -> IPAddress { IPAddress(text)! }

    static func list(_ text: String) throws -> AddressDenyList { try AddressDenyList(parsing: text) }

    @Test func anIPv4NetworkHoldsExactlyTheAddressesUnderItsPrefix() throws {
        let network = try IPNetwork(parsing: "169.254.0.0/16")
        #expect(network.contains(Self.address("169.254.169.254")))
        #expect(network.contains(Self.address("169.254.0.0")))
        #expect(network.contains(Self.address("169.254.255.255")))
        #expect(!network.contains(Self.address("169.255.0.0")))
        #expect(!network.contains(Self.address("169.253.255.255")))
        #expect(try IPNetwork(parsing: "10.0.0.0/8").contains(Self.address("10.200.3.4")))
        #expect(try IPNetwork(parsing: "0.0.0.0/0").contains(Self.address("203.0.113.9")))
        #expect(try IPNetwork(parsing: "192.0.2.7").description == "192.0.2.7/32")
        #expect(try IPNetwork(parsing: "172.16.0.0/12").contains(Self.address("172.31.255.1")))
        #expect(try !IPNetwork(parsing: "172.16.0.0/12").contains(Self.address("172.32.0.1")))
    }

    @Test func anIPv6NetworkHoldsExactlyTheAddressesUnderItsPrefix() throws {
        let network = try IPNetwork(parsing: "fe80::/10")
        #expect(network.contains(Self.address("fe80::1")))
        #expect(network.contains(Self.address("febf:ffff::1")))
        #expect(!network.contains(Self.address("fec0::1")))
        #expect(!network.contains(Self.address("fe7f::1")))
        #expect(try IPNetwork(parsing: "::1").contains(Self.address("::1")))
        #expect(try IPNetwork(parsing: "FC00::/7").description == "fc00::/7")
        // A network of one family holds no address of the other.
        #expect(!network.contains(Self.address("169.254.1.1")))
        #expect(try !IPNetwork(parsing: "0.0.0.0/0").contains(Self.address("::1")))
    }

    @Test(arguments: [
        "169.254.169.254", "169.254.0.1", "fe80::1", "fe80::a9fe:a9fe", "::ffff:169.254.169.254", "::ffff:a9fe:a9fe",
        "64:ff9b::169.254.169.254",
    ])
    func theDefaultRefusesLinkLocalAddressesInEveryForm(text: String) {
        #expect(AddressDenyList.linkLocal.refusing(Self.address(text)) != nil, "\(text)")
    }

    @Test(arguments: [
        "127.0.0.1", "::1", "10.1.2.3", "172.16.0.1", "192.168.1.10", "fd00::5", "203.0.113.9", "2001:db8::1",
        "::ffff:127.0.0.1", "0.0.0.0", "::",
    ])
    func theDefaultAllowsLoopbackPrivateAndPublicAddresses(text: String) {
        #expect(AddressDenyList.linkLocal.refusing(Self.address(text)) == nil, "\(text)")
    }

    @Test func mappedAndUnspecifiedAddressesAreCheckedAsTheAddressTheyReach() throws {
        let loopback = try Self.list("127.0.0.0/8, ::1/128")
        #expect(loopback.refusing(Self.address("::ffff:127.0.0.1"))?.description == "127.0.0.0/8")
        #expect(loopback.refusing(Self.address("0.0.0.0"))?.description == "127.0.0.0/8")
        #expect(loopback.refusing(Self.address("::"))?.description == "::1/128")
        #expect(loopback.refusing(Self.address("::ffff:0.0.0.0"))?.description == "127.0.0.0/8")
        #expect(loopback.refusing(Self.address("10.0.0.1")) == nil)
        #expect(AddressDenyList.none.refusing(Self.address("169.254.169.254")) == nil)
    }

    @Test func aListIsReadAndWrittenAsTheConfigurationFileWritesIt() throws {
        #expect(try Self.list("none") == .none)
        #expect(try Self.list(" NONE ") == .none)
        #expect(AddressDenyList.none.description == "none")
        #expect(AddressDenyList.linkLocal.description == "169.254.0.0/16, fe80::/10")
        #expect(try Self.list("169.254.0.0/16,fe80::/10") == .linkLocal)
        #expect(try Self.list("169.254.0.0/16 fe80::/10, 169.254.0.0/16") == .linkLocal)
        #expect(try Self.list(AddressDenyList.linkLocal.description) == .linkLocal)
    }

    @Test(arguments: [
        ("300.1.2.3/8", "'300.1.2.3/8' is not an IPv4 or IPv6 network"),
        ("example.org/24", "'example.org/24' is not an IPv4 or IPv6 network"),
        ("127.1/8", "'127.1/8' is not an IPv4 or IPv6 network"),
        ("fe80::1%eth0/64", "'fe80::1%eth0/64' is not an IPv4 or IPv6 network"),
        ("169.254.0.0/33", "'169.254.0.0/33': the prefix length of an IPv4 network is 0 to 32"),
        ("fe80::/129", "'fe80::/129': the prefix length of an IPv6 network is 0 to 128"),
        ("10.0.0.0/x", "'10.0.0.0/x': the prefix length after / must be a whole number"),
        ("10.0.0.0/", "'10.0.0.0/': the prefix length after / must be a whole number"),
        ("10.0.0.0/-8", "'10.0.0.0/-8': the prefix length after / must be a whole number"),
        ("10.0.0.1/8", "'10.0.0.1/8' has bits set after its /8 prefix: write 10.0.0.0/8 for the network"),
        ("fe80::1/10", "'fe80::1/10' has bits set after its /10 prefix: write fe80::/10 for the network"),
        ("", "the list is empty: write none to allow every address"),
        (" , ", "the list is empty: write none to allow every address"),
        ("none, 10.0.0.0/8", "none stands alone"),
    ])
    func aBadListIsRefusedNamingWhatIsWrong(text: String, message: String) {
        #expect {
            try AddressDenyList(parsing: text)
        } throws: { error in
            "\(error)".hasPrefix(message)
        }
    }

    @Test func theConfigurationKeyReadsTheListAndReportsBadOnesAgainstTheKey() throws {
        #expect(DaemonConfiguration().webhookDeny == .linkLocal)
        let key = try #require(DaemonConfiguration.keysByName["webhook_deny"])
        var configuration = DaemonConfiguration()
        try key.assign("none", &configuration)
        #expect(configuration.webhookDeny == .none)
        try key.assign("127.0.0.0/8, ::1", &configuration)
        #expect(key.render(configuration) == "127.0.0.0/8, ::1/128")
        #expect(throws: ConfigurationValueError.self) { try key.assign("10.0.0.1/8", &configuration) }
        #expect(key.render(configuration) == "127.0.0.0/8, ::1/128")
        #expect(key.render(DaemonConfiguration()) == "169.254.0.0/16, fe80::/10")
    }

    @Test(arguments: [
        "http://169.254.169.254/latest/meta-data/", "https://169.254.169.254:8443/x", "http://2852039166/",
        "http://0xa9.0xfe.0xa9.0xfe/", "http://169.254.43518/", "http://0251.0376.0251.0376/",
        "http://[fe80::1]/hook", "http://[fe80::1%25eth0]:8080/hook", "http://[::ffff:169.254.169.254]/",
        "http://[::ffff:a9fe:a9fe]/", "http://169.254.169.254./x",
    ])
    func aURLWhoseHostIsADeniedAddressInAnyNotationIsRefusedAtSubscribeTime(url: String) {
        let problem = AddressDenyList.linkLocal.problem(withURL: url)
        #expect(problem?.contains("which webhook_deny refuses") == true, "\(url)")
    }

    @Test(arguments: [
        "https://hooks.slack.com/services/T0/B0/X", "http://127.0.0.1:8080/hook", "http://[::1]/hook",
        "http://10.0.0.5/hooks/abc", "http://metadata.google.internal/", "http://deadbeef/", "http://1e100.net/",
    ])
    func aURLWhoseHostIsANameOrAnAllowedAddressIsAcceptedAtSubscribeTime(url: String) {
        #expect(AddressDenyList.linkLocal.problem(withURL: url) == nil, "\(url)")
    }
}
