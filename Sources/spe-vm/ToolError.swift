/// Everything the command line can get wrong, one case per mistake, each with a message that says
/// what was wrong and what is allowed. Every one of them ends the tool with exit status 2.
enum ToolError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No command was given.
    case missingCommand
    /// No such command.
    case unknownCommand(String)
    /// A flag before the command that the tool does not have.
    case unknownGlobalFlag(String)
    /// The command has no such flag.
    case unknownFlag(String, command: String)
    /// A flag that takes a value came last.
    case missingValue(flag: String, expected: String)
    /// A flag that takes no value was given one (`--json=yes`).
    case unexpectedValue(flag: String, value: String)
    /// A value its flag or setting does not take; `place` is the flag (`--vcpus`) or the setting's
    /// key path in a scenario file (`vms[1].vcpus`), `value` the value as given, quoted.
    case badValue(place: String, value: String, problem: ValueProblem)
    /// A flag given twice.
    case repeatedFlag(String)
    /// A word the command does not take.
    case unexpectedArgument(String, command: String)
    /// Two values that do not fit together.
    case inconsistent(String)
    /// A scenario the model cannot run (``Scenario/validate()``'s message).
    case invalidScenario(String)
    /// A mistake inside a scenario file: the file's path, then the mistake.
    indirect case inScenarioFile(path: String, ToolError)
    /// A mistake inside a replay file, or a replay file this build refuses: the file's path, then why.
    indirect case inReplayFile(path: String, ToolError)
    /// A scenario file is not JSON text: where (from 1), and what was wrong.
    case jsonSyntax(line: Int, column: Int, message: String)
    /// A key a scenario file's object does not have; `place` is the object (`vms[1]`, empty at the top).
    case unknownKey(place: String, key: String, allowed: [String])
    /// A key a scenario file's object must have.
    case missingKey(place: String, key: String, why: String)
    /// A command that needs an operand got none.
    case missingOperand(command: String, expected: String)
    /// A file could not be read.
    case unreadableFile(path: String, reason: String)
    /// A file or directory could not be written or made.
    case unwritableFile(path: String, reason: String)
    /// A guest script is wrong.
    case badScript(path: String, reason: String)

    var description: String {
        switch self {
        case .missingCommand:
            "no command given: commands are \(Self.commandList)"
        case .unknownGlobalFlag(let flag):
            "unknown flag '\(flag)': before a command only --help, -h and --version are allowed, then one of \(Self.commandList)"
        case .unknownCommand(let name):
            "unknown command '\(name)': commands are \(Self.commandList)"
        case .unknownFlag(let flag, let command):
            "unknown flag '\(flag)' for '\(command)': \(Self.flagList(of: command))"
        case .missingValue(let flag, let expected):
            "\(flag) needs a value: \(expected)"
        case .unexpectedValue(let flag, let value):
            "\(flag) takes no value, got '\(value)'"
        case .badValue(let place, let value, let problem):
            "\(place) takes \(problem.expected), got \(value)" + (problem.detail.map { ": \($0)" } ?? "")
        case .repeatedFlag(let flag):
            "\(flag) is given more than once: give it once"
        case .unexpectedArgument(let word, let command):
            if let spec = CommandSpec.named(command), spec.operandLimit > 0, let operands = spec.operands {
                "'\(command)' takes one \(operands) and its flags, got an extra argument '\(word)'"
            } else {
                "'\(command)' takes no argument '\(word)': \(Self.flagList(of: command))"
            }
        case .inconsistent(let message), .invalidScenario(let message):
            message
        case .inScenarioFile(let path, let error), .inReplayFile(let path, let error):
            "\(path): \(error.description)"
        case .jsonSyntax(let line, let column, let message):
            "line \(line), column \(column): \(message)"
        case .unknownKey(let place, let key, let allowed):
            "unknown key '\(key)'\(place.isEmpty ? "" : " in \(place)"): the keys are \(allowed.joined(separator: ", "))"
        case .missingKey(let place, let key, let why):
            "\(place.isEmpty ? "" : "\(place): ")'\(key)' is missing: \(why)"
        case .missingOperand(let command, let expected):
            "'\(command)' needs \(expected)"
        case .unreadableFile(let path, let reason):
            "cannot read '\(path)': \(reason)"
        case .unwritableFile(let path, let reason):
            "cannot write '\(path)': \(reason)"
        case .badScript(let path, let reason):
            "\(path): \(reason)"
        }
    }

    /// The line the tool prints on standard error.
    var message: String { "spe-vm: \(description)" }

    private static var commandList: String { CommandSpec.all.map(\.name).joined(separator: ", ") }

    private static func flagList(of command: String) -> String {
        guard let spec = CommandSpec.named(command) else { return "run 'spe-vm --help'" }
        let flags = spec.options.map(\.flag) + ["--help"]
        return "its flags are \(flags.joined(separator: ", "))"
    }
}
