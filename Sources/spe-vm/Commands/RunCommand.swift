/// `spe-vm run`: the deterministic scenario, its report, and exit status 1 if a rule was broken.
enum RunCommand {
    static let spec = CommandSpec(
        name: "run", summary: "run a deterministic multi-VCPU scenario under the rule checker and report it",
        details: [
            "Until the concurrent runtime lands, the scenario runs on the synchronous workbench: every",
            "VCPU gets its own 16 KiB buffer sampled every 256 operations; in each round every VCPU is",
            "loaded on CPU (vcpu + round) % pcpus, so VCPUs migrate, runs --operations operations, and",
            "its guest driver services the buffer whenever the in-memory PMBSR_EL1.S is set.",
            "The report is the same for the same flags, except its timing section.",
            "Exit status: 0 no rule broken, 1 a rule broken (each violation names it), 2 bad flags.",
        ],
        options: RunConfiguration.options,
        action: { options in
            let configuration: RunConfiguration
            do throws(ToolError) {
                configuration = try RunConfiguration(options)
            } catch {
                Console.report(error, command: "run")
                return .badInput
            }
            let report = RunScenario(configuration: configuration).run()
            Console.out(options.isSet("json") ? report.json.rendered : report.text)
            return report.status
        })
}
