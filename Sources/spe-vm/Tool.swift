/// The tool's entry: reads the command line, runs one command, returns the exit status.
enum Tool {
    static let version = "spe-vm 0.1.0 (models KVM arm64 guest SPE, v6 RFC series)"

    /// The flags that come before any command.
    static let globalFlags: [(String, String)] = [
        ("-h, --help", "show this help (also: spe-vm help [COMMAND])"),
        ("--version", "print the version"),
    ]

    /// Runs the tool on `arguments` (without the program name).
    static func main(_ arguments: [String]) -> ExitStatus {
        guard let first = arguments.first else {
            Console.report(.missingCommand)
            return .badInput
        }
        let rest = Array(arguments.dropFirst())
        switch first {
        case "-h", "--help":
            guard rest.isEmpty else { return fail(.unexpectedArgument(rest[0], command: first)) }
            Console.out(usage)
            return .success
        case "--version":
            guard rest.isEmpty else { return fail(.unexpectedArgument(rest[0], command: first)) }
            Console.out(version)
            return .success
        default:
            break
        }
        if first.hasPrefix("-") { return fail(.unknownGlobalFlag(first)) }
        if first == HelpCommand.spec.name { return HelpCommand.main(rest) }
        guard let command = CommandSpec.named(first) else { return fail(.unknownCommand(first)) }
        let options: ParsedOptions
        do {
            options = try ParsedOptions.parse(rest, for: command)
        } catch {
            Console.report(error, command: command.name)
            return .badInput
        }
        if options.wantsHelp {
            Console.out(command.helpText)
            return .success
        }
        return command.action(options)
    }

    private static func fail(_ error: ToolError) -> ExitStatus {
        Console.report(error)
        return .badInput
    }

    /// The text of `spe-vm --help`.
    static var usage: String {
        var lines = [
            "usage: spe-vm [--help | --version] <command> [flags]",
            "",
            "spe-vm models KVM arm64's virtualization of the Arm Statistical Profiling Extension (SPE),",
            "following the v6 RFC series of guest-SPE patches.",
            "",
            "commands:",
        ]
        let width = CommandSpec.all.map(\.name.count).max() ?? 0
        lines += CommandSpec.all.map { "  " + $0.name.padding(to: width) + "  " + $0.summary }
        lines += ["", "global flags:"]
        let flagWidth = globalFlags.map(\.0.count).max() ?? 0
        lines += globalFlags.map { "  " + $0.0.padding(to: flagWidth) + "  " + $0.1 }
        lines += ["", "Run 'spe-vm <command> --help' for a command's flags."]
        lines += [
            "",
            "exit status: 0 success, 1 a rule broke, a run did not end cleanly or an expect failed (run, exec,",
            "stress), a replay reproduced its failure (replay) or a replay file's failure did not (shrink),",
            "2 bad input (flags, scenario file, script or replay file)",
        ]
        return lines.joined(separator: "\n")
    }
}
