import SPEDevice
import VCPURuntime

/// `spe-vm rules`: one line per rule the checker enforces, `name<TAB>summary`.
enum RulesCommand {
    static let spec = CommandSpec(
        name: "rules", summary: "list the rules the checker enforces: name, a tab, what the rule says",
        details: ["One line per rule, exactly 'name<TAB>summary': SPE's rules, then the runtime's."],
        options: [],
        action: { _ in
            Console.out(lines.joined(separator: "\n"))
            return .success
        })

    static var lines: [String] {
        SPERule.allCases.map { "\($0.rawValue)\t\($0.summary)" } + RuntimeRule.allCases.map { "\($0.rawValue)\t\($0.summary)" }
    }
}
