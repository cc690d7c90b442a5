/// `spe-vm help [COMMAND]`: the tool's usage, or one command's.
enum HelpCommand {
    static let spec = CommandSpec(
        name: "help", summary: "show the usage, or one command's flags (spe-vm help run)",
        details: ["With a command name, prints that command's usage and flags."],
        options: [], operands: "[COMMAND]", action: { _ in
            Console.out(Tool.usage)
            return .success
        })

    /// `help` takes at most one word, a command name.
    static func main(_ arguments: [String]) -> ExitStatus {
        switch arguments.count {
        case 0:
            Console.out(Tool.usage)
            return .success
        case 1 where arguments[0] == "-h" || arguments[0] == "--help":
            Console.out(spec.helpText)
            return .success
        case 1:
            guard let command = CommandSpec.named(arguments[0]) else {
                Console.report(.unknownCommand(arguments[0]))
                return .badInput
            }
            Console.out(command.helpText)
            return .success
        default:
            Console.report(.unexpectedArgument(arguments[1], command: spec.name), command: spec.name)
            return .badInput
        }
    }
}
