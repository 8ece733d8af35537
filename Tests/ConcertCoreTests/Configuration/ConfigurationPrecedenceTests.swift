import Foundation
import Testing

@testable import ConcertCore

@Suite(.timeLimit(.minutes(1)))
struct ConfigurationPrecedenceTests {
    @Test func flagOverridesTheFileWhichOverridesTheDefault() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write(
            "concertd.conf",
            """
            state_directory = /srv/from-file
            log_level = debug
            smtp_url = smtp://file.example.org
            mail_from = file@example.org
            """)
        let resolver = ConfigurationResolver(environment: [:], workingDirectory: "/")
        let resolved = try resolver.resolve(
            configFile: file,
            overrides: ConfigurationOverrides(stateDirectory: "/srv/from-flag", smtpURL: "smtps://flag.example.org"))
        let c = resolved.configuration
        #expect(c.stateDirectory == "/srv/from-flag")  // flag over file
        #expect(c.smtpURL?.host == "flag.example.org")  // flag over file
        #expect(c.logLevel == .debug)  // file over default
        #expect(c.mailFrom?.address == "file@example.org")  // file over default
        #expect(c.maxInFlight == 64)  // default
        #expect(resolved.file == file)
        #expect(resolved.paths.stateDirectory == "/srv/from-flag")
        #expect(resolved.paths.databasePath == "/srv/from-flag/concertd.sqlite3")
    }

    @Test func pathsLeftUnsetFollowSystemdDirectoriesWhenTheyAreSet() throws {
        let environment = [
            "STATE_DIRECTORY": "/var/lib/concertd", "RUNTIME_DIRECTORY": "/run/concertd",
            "CONFIGURATION_DIRECTORY": "/etc/concertd-test-absent", "XDG_STATE_HOME": "/home/u/.local/state",
        ]
        let resolved = try ConfigurationResolver(environment: environment).resolve(configFile: nil)
        #expect(resolved.file == nil)  // no file at the default path: built-in defaults
        #expect(resolved.configuration == DaemonConfiguration())
        #expect(resolved.paths.stateDirectory == "/var/lib/concertd")
        #expect(resolved.paths.socketPath == "/run/concertd/control.sock")
        #expect(resolved.paths.catalogPath == "/etc/concertd-test-absent/concerts.json5")
        #expect(resolved.paths.templatesDirectory == "/etc/concertd-test-absent/templates")
    }

    @Test func pathsLeftUnsetFollowXDGOutsideSystemd() throws {
        let environment = ["HOME": "/home/u", "XDG_STATE_HOME": "/home/u/state", "XDG_RUNTIME_DIR": "/run/user/1000"]
        let paths = ResolvedPaths(DaemonConfiguration(), defaults: DefaultPaths(environment: environment, uid: 1000))
        #expect(paths.stateDirectory == "/home/u/state/concertd")
        #expect(paths.socketPath == "/run/user/1000/concertd/control.sock")
        #expect(paths.catalogPath == "/etc/concertd/concerts.json5")
    }

    @Test func theDefaultFileIsReadWhenPresentUnderTheConfigurationDirectory() throws {
        let directory = try TemporaryDirectory()
        try directory.write("concertd.conf", "max_in_flight = 16\n")
        let resolved = try ConfigurationResolver(environment: ["CONFIGURATION_DIRECTORY": directory.path])
            .resolve(configFile: nil)
        #expect(resolved.file == "\(directory.path)/concertd.conf")
        #expect(resolved.configuration.maxInFlight == 16)
    }

    @Test func anExplicitConfigFileThatIsMissingIsAnError() throws {
        let directory = try TemporaryDirectory()
        #expect(throws: ConfigurationError.self) {
            try ConfigurationResolver(environment: [:]).resolve(configFile: "\(directory.path)/nope.conf")
        }
    }

    @Test func aBadFlagIsNamedAndReportedWithTheFileProblems() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("c.conf", "retry_max = forever\n")
        do {
            _ = try ConfigurationResolver(environment: [:]).resolve(
                configFile: file,
                overrides: ConfigurationOverrides(smtpURL: "ftp://mail.example.org", clockRate: "0", logLevel: "loud"))
            Issue.record("expected an error")
        } catch {
            #expect(
                error.lines == [
                    "\(file):1: key 'retry_max': 'forever' is not a duration: write a whole number and a unit, such as 500ms, 30s, 5m, 2h or 1d",
                    "command line: --smtp: the scheme 'ftp' is not smtp or smtps: write smtp://[user@]host[:port] or smtps://…",
                    "command line: --log-level: 'loud' is not a log level: use one of trace, debug, info, notice, warning, error, critical",
                    "command line: --clock-rate: '0' is not a number greater than 0 and at most 1000000",
                ])
        }
    }

    @Test func aFlagThatBreaksARuleAcrossKeysIsNamed() {
        #expect(throws: ConfigurationError.self) {
            try DaemonConfiguration().merging(ConfigurationOverrides(smtpURL: "smtp://mail.example.org"))
        }
        do {
            _ = try DaemonConfiguration().merging(ConfigurationOverrides(smtpURL: "smtp://mail.example.org"))
        } catch {
            #expect(
                error.lines == [
                    "command line: --smtp: mail_from is required when smtp_url is set (the From address of every email)"
                ])
        }
    }

    @Test func mergingAppliesFlagsOverALoadedConfiguration() throws {
        var loaded = DaemonConfiguration()
        loaded.catalogPath = "/etc/concertd/concerts.json5"
        let merged = try loaded.merging(
            ConfigurationOverrides(
                catalog: "etc/concertd/concerts.json5", mailFrom: "Concerts <c@example.org>",
                clockStart: "2019-10-21T09:00+09:00", clockRate: "3600", logLevel: "TRACE"),
            workingDirectory: "/work/repo")
        // A relative path given as a flag is taken from the working directory.
        #expect(merged.catalogPath == "/work/repo/etc/concertd/concerts.json5")
        #expect(merged.mailFrom == Mailbox(displayName: "Concerts", address: "c@example.org"))
        #expect(merged.logLevel == .trace)
        let shift = try #require(merged.clockShift)
        #expect(shift.start == ISO8601DateFormatter().date(from: "2019-10-21T00:00:00Z"))
        #expect(shift.rate == 3600)
        #expect(try DaemonConfiguration().merging(ConfigurationOverrides()) == DaemonConfiguration())
    }

    @Test func aClockStartGivenAsADateIsMidnightInKorea() throws {
        let merged = try DaemonConfiguration().merging(ConfigurationOverrides(clockStart: "2019-10-29"))
        #expect(
            merged.clockShift == ClockShift(start: ISO8601DateFormatter().date(from: "2019-10-28T15:00:00Z"), rate: 1))
    }

    @Test func keysRequiringRestartAreListedWhenTheyChange() {
        var changed = DaemonConfiguration()
        changed.socketPath = "/run/other.sock"
        changed.logLevel = .debug
        #expect(DaemonConfiguration().keysRequiringRestart(toBecome: changed) == ["socket_path"])
    }
}
