import ArgumentParser
import Foundation

extension ConcertCtl {
    /// Parses concertctl's command line as `main` does: the global options are allowed before
    /// the subcommand (``GlobalOptionPlacement``), and a word that looks like a negative number
    /// (`-5`, `-1d`) is never left to be read as an unknown option.
    ///
    /// ArgumentParser reads any word beginning with `-` as an option, so `retry -5` would be
    /// "Missing expected argument '<id>'". Every option that takes a value takes it
    /// unconditionally (`-1` reaches its check); for a positional argument, the word is parsed
    /// again after `--`, so that the command's own check names what is wrong with it
    /// ("a delivery id is a positive number"). Where no argument can take it (`--city -1`, whose
    /// option takes several values), the error says so instead of "Missing value".
    static func parseCommandLine(_ arguments: [String]) throws -> any ParsableCommand {
        let arguments = GlobalOptionPlacement.normalized(arguments)
        do {
            return try parseAsRoot(arguments)
        } catch {
            let terminator = arguments.firstIndex(of: "--") ?? arguments.endIndex
            let words = arguments[..<terminator]
            let message = Self.message(for: error)
            // `--city -1`: an option that takes several values stops at a word beginning with `-`.
            if message.hasPrefix("Missing value for '"),
                case let option = String(message.dropFirst(19).prefix { $0 != " " && $0 != "'" }),
                let index = words.indices.dropLast().first(where: {
                    words[$0] == option && Self.looksNegative(words[$0 + 1])
                })
            {
                throw Self.negativeValueError(words[index + 1], after: option)
            }
            // Not a word that is the value of the option before it (`--title -1`): that was read.
            let valued = Self.valuedOptions
            guard Self.isMisreadValue(message),
                let index = words.indices.first(where: {
                    Self.looksNegative(words[$0]) && ($0 == 0 || !valued.contains(words[$0 - 1]))
                })
            else { throw error }
            // A positional argument: parsed again after `--`, its own check names what is wrong.
            let value = arguments[index]
            var moved = arguments
            moved.remove(at: index)
            if !moved.contains("--") { moved.append("--") }
            moved.append(value)
            do {
                return try parseAsRoot(moved)
            } catch let retried where !Self.isMisreadValue(Self.message(for: retried)) {
                throw retried
            } catch {
                throw Self.negativeValueError(value, after: nil)
            }
        }
    }

    private static func negativeValueError(_ value: String, after option: String?) -> ValidationError {
        ValidationError(
            "'\(value)' cannot be given\(option.map { " to \($0)" } ?? " here"): concertctl takes no negative numbers, "
                + "and a word beginning with '-' is read as an option")
    }

    /// The long names (`--before`) of the options of every command that take a value, from
    /// ArgumentParser's own description of the commands.
    static var valuedOptions: Set<String> {
        var names: Set<String> = []
        func visit(_ command: [String: Any]) {
            for argument in command["arguments"] as? [[String: Any]] ?? [] where argument["kind"] as? String == "option"
            {
                for name in argument["names"] as? [[String: Any]] ?? [] where name["kind"] as? String == "long" {
                    if let long = name["name"] as? String { names.insert("--" + long) }
                }
            }
            for subcommand in command["subcommands"] as? [[String: Any]] ?? [] { visit(subcommand) }
        }
        let dump = try? JSONSerialization.jsonObject(with: Data(_dumpHelp().utf8)) as? [String: Any]
        visit(dump?["command"] as? [String: Any] ?? [:])
        return names
    }

    /// `-5`, `-1d`, `-0.5`: a word that a person means as a value, not an option.
    static func looksNegative(_ word: String) -> Bool {
        guard word.hasPrefix("-"), let next = word.dropFirst().first else { return false }
        return next.isNumber || next == "."
    }

    /// Whether ArgumentParser's `message` refuses the command line for a value it took for an option.
    private static func isMisreadValue(_ message: String) -> Bool {
        return message.hasPrefix("Missing value for") || message.hasPrefix("Missing expected argument")
            || message.hasPrefix("Unknown option")
    }
}
