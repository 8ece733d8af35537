import ArgumentParser
import Foundation
import Testing

@testable import concertctl

/// What concertctl says about a value it cannot take, through the built binary (as a user runs
/// it): a value beginning with `-` (`-1`, `-1d`) is named and refused for what it is, never taken
/// for an option and answered "Missing value" or "Missing expected argument".
@Suite(.timeLimit(.minutes(3)))
struct ConcertCtlNegativeValueTests {
    static let unreachable = ["--socket", "/nonexistent/c.sock"]

    /// Every command (its words) and its options and positional arguments, from the binary's own
    /// description of itself (`--experimental-dump-help`).
    struct CommandArguments {
        var words: [String]
        var options: [String]
        var positionals: [String]
    }

    static func commands() throws -> [CommandArguments] {
        let dump = try runCtlBinary(["--experimental-dump-help"])
        let root = try JSONSerialization.jsonObject(with: Data(dump.output.utf8)) as? [String: Any]
        var found: [CommandArguments] = []
        func visit(_ command: [String: Any], words: [String]) {
            let name = command["commandName"] as? String ?? ""
            let path = words + (words.isEmpty && name == "concertctl" ? [] : [name])
            if let subcommands = command["subcommands"] as? [[String: Any]], !subcommands.isEmpty {
                for sub in subcommands where sub["commandName"] as? String != "help" { visit(sub, words: path) }
                return
            }
            var entry = CommandArguments(words: path, options: [], positionals: [])
            for argument in command["arguments"] as? [[String: Any]] ?? [] {
                let kind = argument["kind"] as? String
                let preferred = argument["preferredName"] as? [String: Any]
                if kind == "option", let long = preferred?["name"] as? String, preferred?["kind"] as? String == "long" {
                    entry.options.append("--" + long)
                } else if kind == "positional", let value = argument["valueName"] as? String {
                    entry.positionals.append(value)
                }
            }
            found.append(entry)
        }
        visit(root?["command"] as? [String: Any] ?? [:], words: [])
        return found
    }

    @Test func theDescriptionListsEveryCommand() throws {
        let commands = try Self.commands()
        #expect(commands.count >= 19)
        #expect(commands.contains { $0.words == ["retry"] && $0.positionals == ["id"] })
        #expect(commands.contains { $0.words == ["subscribe"] && $0.options.contains("--before") })
    }

    @Test func everyOptionGivenANegativeValueNamesTheValueNotAMissingOne() async throws {
        let commands = try Self.commands()
        var tried = 0
        for command in commands {
            for option in command.options {
                let arguments = command.words + [option, "-1"] + Self.unreachable
                let run = try await offPool { try runCtlBinary(arguments) }
                tried += 1
                #expect(run.status != 0, "\(arguments)")
                #expect(!run.error.contains("Missing value for '\(option) "), "\(arguments): \(run.error)")
                #expect(!run.error.contains("Unknown option '-1'"), "\(arguments): \(run.error)")
            }
        }
        #expect(tried > 30)
    }

    @Test func everyPositionalArgumentGivenANegativeValueNamesTheValue() async throws {
        for command in try Self.commands() where !command.positionals.isEmpty {
            let arguments = command.words + ["-1"] + Self.unreachable
            let run = try await offPool { try runCtlBinary(arguments) }
            #expect(run.status != 0, "\(arguments)")
            for positional in command.positionals {
                #expect(
                    !run.error.contains("Missing expected argument '<\(positional)>'"), "\(arguments): \(run.error)")
            }
            #expect(!run.error.contains("Unknown option '-1'"), "\(arguments): \(run.error)")
        }
    }

    @Test func aNegativeDeliveryIDIsRefusedAsNotPositive() async throws {
        let run = try await offPool { try runCtlBinary(["retry", "-5"] + Self.unreachable) }
        #expect(run.status == 64, "\(run.error)")
        #expect(run.error.contains("it must be a whole number from 1 to 9223372036854775807"), "\(run.error)")
    }

    /// A delivery id that is no whole number or does not fit in 64 bits gets the range, as `--limit` does.
    @Test(arguments: ["9223372036854775808", "1.5", "-9223372036854775809", "0", "-5"])
    func aDeliveryIDOutOfRangeIsRefusedGivingTheRange(value: String) async {
        let run = await runCtl(["retry", value] + Self.unreachable)
        #expect(run.status == 64, "\(run.error)")
        #expect(run.error.contains("'\(value)'"), "\(run.error)")
        #expect(run.error.contains("it must be a whole number from 1 to 9223372036854775807"), "\(run.error)")
    }

    @Test func aNegativeOffsetIsRefusedNamingIt() async throws {
        let run = try await offPool {
            try runCtlBinary(["subscribe", "busan", "--email", "a@example.org", "--before", "-1d"] + Self.unreachable)
        }
        #expect(run.status == 64, "\(run.error)")
        #expect(run.error.contains("'-1d' is not an offset"), "\(run.error)")
    }

    @Test func aNegativeStateIsRefusedListingTheStates() async throws {
        let run = try await offPool { try runCtlBinary(["deliveries", "--state", "-1"] + Self.unreachable) }
        #expect(run.status == 64, "\(run.error)")
        #expect(run.error.contains("'-1'"), "\(run.error)")
        #expect(run.error.contains("scheduled"), "\(run.error)")
    }

    @Test func aCityThatLooksLikeANegativeNumberIsNamed() async throws {
        let run = try await offPool {
            try runCtlBinary(
                ["concert", "add", "--title", "T", "--start", "2019-11-02", "--city", "-1"] + Self.unreachable)
        }
        #expect(run.status == 64, "\(run.error)")
        #expect(run.error.contains("'-1'"), "\(run.error)")
        #expect(!run.error.contains("Missing value"), "\(run.error)")
    }
}

/// The help of every command says each option's default once.
@Suite(.timeLimit(.minutes(1)))
struct ConcertCtlHelpTests {
    static func allCommands(_ command: any ParsableCommand.Type = ConcertCtl.self) -> [any ParsableCommand.Type] {
        [command] + command.configuration.subcommands.flatMap { allCommands($0) }
    }

    /// The entries of a help text's option lists: each starts on a line indented by two spaces
    /// and goes on over the lines indented further.
    static func entries(of help: String) -> [String] {
        var entries: [String] = []
        for line in help.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("  ") && !line.hasPrefix("   ") {
                entries.append(String(line))
            } else if line.hasPrefix("   "), !entries.isEmpty {
                entries[entries.count - 1] += " " + line.trimmingCharacters(in: .whitespaces)
            }
        }
        return entries
    }

    @Test func everyOptionSaysItsDefaultOnce() {
        let commands = Self.allCommands()
        #expect(commands.count >= 20)
        for command in commands {
            let help = ConcertCtl.helpMessage(for: command, columns: 200)
            for entry in Self.entries(of: help) {
                let defaults = entry.components(separatedBy: "(default").count - 1
                #expect(defaults <= 1, "\(command._commandName): \(entry)")
            }
        }
    }

    @Test func theTimeoutsDefaultIsShownAsTheWholeNumberOfSeconds() {
        let help = ConcertCtl.helpMessage(for: ConcertCtl.Status.self, columns: 200)
        #expect(help.contains("(default 60)"))
        #expect(!help.contains("60.0"))
    }
}
