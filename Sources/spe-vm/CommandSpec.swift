/// The exit statuses of the tool.
enum ExitStatus: Int32, Sendable {
    /// The command did what was asked (for `run`: no rule was broken).
    case success = 0
    /// `run` found a broken rule or did not end cleanly (a deadlock, a livelock); `exec`: an `expect`
    /// failed or a rule broke.
    case violations = 1
    /// The command line was wrong.
    case badInput = 2
}

/// One command of the tool: its name, what it does, its flags, and what runs it.
struct CommandSpec: Sendable {
    let name: String
    let summary: String
    /// Paragraph lines printed under the usage by `spe-vm <command> --help`.
    let details: [String]
    let options: [OptionSpec]
    /// Words the command takes besides its flags, as usage shows them (`[COMMAND]`).
    var operands: String? = nil
    /// How many words besides its flags the command takes at most.
    var operandLimit = 0
    let action: @Sendable (ParsedOptions) -> ExitStatus

    /// Every command, in the order `--help` lists them.
    static let all: [CommandSpec] = [
        HelpCommand.spec, RegistersCommand.spec, MutationsCommand.spec, RulesCommand.spec, RunCommand.spec,
        ExecCommand.spec, StressCommand.spec, ReplayCommand.spec, ShrinkCommand.spec, BenchCommand.spec,
        LatencyCommand.spec,
    ]

    static func named(_ name: String) -> CommandSpec? { all.first { $0.name == name } }

    /// `spe-vm run [--vcpus N] ...`.
    var usageLine: String {
        (["spe-vm", name] + options.map { "[\($0.usage)]" } + (operands.map { [$0] } ?? [])).joined(separator: " ")
    }

    /// The text of `spe-vm <command> --help`.
    var helpText: String {
        var lines = ["usage: \(usageLine)", "", summary]
        if !details.isEmpty { lines += [""] + details }
        lines += ["", "flags:"]
        let rows = options.map { option in
            (option.usage, option.help + (option.defaultValue.map { " (default \($0))" } ?? ""))
        } + [("-h, --help", "show this help")]
        let width = rows.map(\.0.count).max() ?? 0
        lines += rows.map { "  " + $0.0.padding(to: width) + "  " + $0.1 }
        return lines.joined(separator: "\n")
    }
}

extension String {
    /// The string with spaces added up to `width` characters.
    func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
