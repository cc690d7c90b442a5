import Foundation
import VCPURuntime

/// `spe-vm run`: a multi-VCPU scenario on the live or simulated platform (``ScenarioRun``), its
/// report, and exit status 1 when a rule broke or the run did not end cleanly.
enum RunCommand {
    static let spec = CommandSpec(
        name: "run", summary: "run VCPUs of several VMs over physical CPUs under the rule checker and report it",
        details: [
            "With no flags: \(RunDefaults.vcpus) VCPUs in \(RunDefaults.vms) VMs (all with SPE) on \(RunDefaults.pcpus) physical CPUs,",
            "workload \(RunDefaults.workload), the migrator moving a VCPU every \(RunDefaults.migrateEvery.map(DurationText.format) ?? "off"),",
            "on the live platform for \(DurationText.format(RunDefaults.liveDuration)); on --platform sim the budget is \(RunDefaults.simExits) exits.",
            "",
            "Workloads:",
        ] + WorkloadKind.allCases.map { "  \($0.rawValue.padding(to: 11)) \($0.summary)" } + [
            "",
            "Durations (D) are a whole number and a unit: ns, us, ms or s (10s, 1ms, 250us, 500ns).",
            "The figures are the model's on this host. The report's timing section (and --json's",
            "'timing') holds the only wall-clock figures: on sim, the rest is the same for the same",
            "flags and seed.",
            "",
            "--scenario FILE.json gives the same settings as a JSON object, keys spelled with '_' for",
            "'-', durations as strings; 'vms' is a count or an array of VM sections:",
            "  {\"pcpus\": 2, \"platform\": \"sim\", \"seed\": 7, \"exits\": 100000, \"migrate_every\": \"1ms\",",
            "   \"vms\": [{\"vcpus\": 4, \"workload\": \"profile\", \"max_buffer_size\": 8192, \"spu\": [0, 1]},",
            "           {\"vcpus\": 2, \"spe\": false, \"workload\": \"idle\", \"locked_memory_limit\": 65536}]}",
            "A VM section takes vcpus (required), spe, workload, max_buffer_size, locked_memory_limit,",
            "hide (\"FnE,FT\"), guest_driver, guest_sampling and spu (the physical CPUs the VM's VCPUs",
            "may run on). A flag overrides the file, in every",
            "VM section too; --duration or --exits replaces the file's budget; --vcpus or --vms",
            "replaces the file's VM sections by VMs built round robin. --json's 'config' is a scenario",
            "file that runs the same scenario again.",
            "",
            "--plot FILE.svg also writes the run's latency histograms as an SVG figure (a panel per latency",
            "kind, as 'spe-vm latency' measures them; written atomically, checked writable before the run).",
            "",
        ] + TraceOptions.help + [
            "",
            "Exit status: 0 no rule broken and the run ended cleanly; 1 a rule broken (each violation",
            "is printed with the command that replays it) or the run did not end cleanly (deadlock,",
            "livelock); 2 bad flags or a bad scenario file, or a trace or plot file that cannot be written.",
        ],
        options: RunOptions.flags + MeasureOptions.flags + [LatencyPlot.option] + TraceOptions.flags,
        action: { options in
            let plan: (scenario: Scenario, platform: PlatformKind)
            let trace: TraceOptions.Request?
            let plot: String?
            do throws(ToolError) {
                plan = try settings(options).plan()
                trace = try TraceOptions.request(options)
                plot = try LatencyPlot.destination(options)
            } catch {
                Console.report(error, command: "run")
                return .badInput
            }
            RunMutation.warnIfUnreached(in: plan.scenario, command: "run")
            var run = ScenarioRun(scenario: plan.scenario, platform: plan.platform)
            run.traceLimit = trace?.limit
            run.measures = MeasureOptions.measures(options)
            let result = run.run()
            let report = RunReport(
                result: result, replay: RunReport.replay(arguments: options.arguments, seed: plan.scenario.seed),
                onlineCores: ProcessInfo.processInfo.activeProcessorCount)
            Console.out(options.isSet(RunOptions.json.name) ? report.json.rendered : report.text)
            guard TraceOptions.write(result, trace, command: "run", arguments: options.arguments) else { return .badInput }
            guard LatencyPlot(result: result, command: report.replay).write(to: plot, command: "run") else { return .badInput }
            return report.status
        })

    /// The run's settings: the scenario file's, if one is given, overridden by the flags.
    static func settings(_ options: ParsedOptions) throws(ToolError) -> RunSettings {
        let flags = try RunSettings(flags: options)
        guard case .path(let path)? = options.values[RunOptions.scenario.name] else { return flags }
        return try ScenarioFile.read(path: path).overridden(by: flags)
    }
}
