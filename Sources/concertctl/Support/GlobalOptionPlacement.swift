/// Lets the options every command takes (`--socket`, `--json`, `--timeout`) stand before the
/// subcommand too, as in `concertctl --socket /run/x.sock status`: they are moved after the
/// subcommand's name (`concert add`), where the parser reads them.
enum GlobalOptionPlacement {
    static let valued: Set<String> = ["--socket", "--timeout"]
    static let flags: Set<String> = ["--json"]
    /// The names of concertctl's commands.
    static var commands: Set<String> {
        Set(ConcertCtl.configuration.subcommands.map { $0._commandName } + ["help"])
    }
    /// Commands whose first argument names a subcommand of theirs.
    static let groups: Set<String> = ["concert"]

    static func normalized(_ arguments: [String]) -> [String] {
        var leading: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
            if flags.contains(argument) {
                leading.append(argument)
                index += 1
            } else if valued.contains(name), argument.contains("=") {
                leading.append(argument)
                index += 1
            } else if valued.contains(argument), index + 1 < arguments.count {
                leading += [argument, arguments[index + 1]]
                index += 2
            } else {
                break
            }
        }
        guard !leading.isEmpty, index < arguments.count else { return arguments }
        var rest = Array(arguments[index...])
        // Not a command: leave the options out, so the parser names the unknown word itself.
        guard commands.contains(rest[0]) else { return rest }
        var commandLength = 1
        if groups.contains(rest[0]), rest.count > 1, !rest[1].hasPrefix("-") { commandLength = 2 }
        rest.insert(contentsOf: leading, at: commandLength)
        return rest
    }
}
