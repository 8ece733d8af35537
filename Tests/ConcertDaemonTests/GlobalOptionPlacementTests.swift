import Testing

@testable import concertctl

@Suite struct GlobalOptionPlacementTests {
    @Test(arguments: [
        (["--socket", "/s", "status"], ["status", "--socket", "/s"]),
        (["--socket=/s", "--json", "status"], ["status", "--socket=/s", "--json"]),
        (["--json", "concert", "add", "--city", "busan"], ["concert", "add", "--json", "--city", "busan"]),
        (["--timeout", "5", "subscribe", "busan"], ["subscribe", "--timeout", "5", "busan"]),
        (["status", "--socket", "/s"], ["status", "--socket", "/s"]),
        (["--socket", "/s"], ["--socket", "/s"]),
        (["--help"], ["--help"]),
        (["--socket", "/s", "frobnicate"], ["frobnicate"]),
    ])
    func globalOptionsBeforeTheSubcommandMoveAfterIt(_ given: [String], _ expected: [String]) {
        #expect(GlobalOptionPlacement.normalized(given) == expected)
    }

    @Test func anUnknownCommandIsNamedEvenAfterAGlobalOption() throws {
        let run = try runCtlBinary(["--socket", "/tmp/x.sock", "frobnicate"])
        #expect(run.status == 64)
        #expect(run.error.contains("frobnicate"))
    }

    @Test func runsWithTheSocketBeforeTheCommand() throws {
        let run = try runCtlBinary(["--socket", "/tmp/cd-nonexistent/c.sock", "status"])
        #expect(run.status == 69, "unreachable, not a usage error: \(run.error)")
        #expect(run.error.contains("/tmp/cd-nonexistent/c.sock"))
    }
}
