/// `spe-vm mutations`: one line per deliberately broken variant of the model, `name<TAB>summary`.
enum MutationsCommand {
    static let spec = CommandSpec(
        name: "mutations", summary: "list the model's mutations: name, a tab, what it breaks",
        details: [
            "One line per mutation, exactly 'name<TAB>summary': SPE's, then the runtime's. Pass a name to",
            "'spe-vm run --mutation' to run with that broken variant; the rule it breaks is in 'spe-vm rules'.",
        ],
        options: [],
        action: { _ in
            Console.out(lines.joined(separator: "\n"))
            return .success
        })

    static var lines: [String] { RunMutation.all.map { "\($0.name)\t\($0.summary)" } }
}
