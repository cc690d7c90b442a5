import Foundation
import VCPURuntime

/// `spe-vm latency`: cyclictest in a guest. A run (``ScenarioRun``, `idle` guests by default) whose
/// latencies are printed as cyclictest (per-VCPU lines, `-h` histogram), schbench (percentiles per
/// latency kind) and `perf sched latency` (per-VCPU delays) print theirs.
enum LatencyCommand {
    static let spec = CommandSpec(
        name: "latency", summary: "measure the model's latencies (cyclictest in a guest) and print them as cyclictest, schbench and perf sched do",
        details: [
            "Runs the '\(LatencyDefaults.workload)' workload by default (each guest arms its virtual timer every --interval and",
            "waits for it in WFI) with the flags of 'spe-vm run' and their defaults: \(RunDefaults.vcpus) VCPUs in \(RunDefaults.vms) VMs on",
            "\(RunDefaults.pcpus) physical CPUs, the live platform. The run ends when every VCPU has taken --loops timer",
            "interrupts (\(LatencyDefaults.loops) unless --duration or --exits gives the budget), or at --duration.",
            "",
            "Latency kinds (platform time: virtual on sim, the real clock on live):",
        ] + LatencyKind.allCases.map { "  \($0.rawValue.padding(to: 10)) \($0.summary)" } + [
            "",
            "Prints one cyclictest line per VCPU (V:<n> (<vm>.<vcpu>), the timer latency in us), then a",
            "schbench-style percentile table per latency kind the run recorded, then a perf sched",
            "latency-style table per VCPU (delay: runnable → in the guest); --histogram adds cyclictest's",
            "-h histogram; --json prints all of it as one object (percentiles p50, p90, p99, p99.9, p99.99",
            "per kind, in ns). The figures are the model's latencies on this host, not KVM's.",
            "",
            "--priority, --mlock and --pm-qos take cyclictest's measures for a fair comparison on the live",
            "platform (cyclictest -p 80 -m holds all three): each is taken where this process may, and the",
            "report says which were in effect and why not; none fails the run.",
            "",
            "--plot FILE.svg also writes the histograms as a self-contained SVG figure: a panel per latency",
            "kind on one log latency axis (0 at its left end when the values reach it), log sample counts,",
            "p50 … p99.99 marked and listed, kinds with no sample named in a note. It is written atomically",
            "(a temporary file renamed over FILE); its directory is checked before the run.",
            "",
        ] + TraceOptions.help + [
            "",
            "Exit status: 0 the run ended cleanly with no rule broken; 1 a rule broke or the run did not",
            "end cleanly; 2 bad flags or a bad scenario file, or a trace or plot file that cannot be written.",
        ],
        options: LatencyOptions.flags,
        action: { options in
            let plan: LatencyPlan
            let trace: TraceOptions.Request?
            let plot: String?
            do throws(ToolError) {
                plan = try LatencyPlan(options)
                trace = try TraceOptions.request(options)
                plot = try LatencyPlot.destination(options)
            } catch {
                Console.report(error, command: "latency")
                return .badInput
            }
            var run = ScenarioRun(scenario: plan.scenario, platform: plan.platform)
            run.linearBuckets = plan.histogram.map { LinearBucketRequest(bound: $0) }
            run.measures = plan.measures
            run.traceLimit = trace?.limit
            let result = run.run()
            let report = LatencyReport(
                result: result, plan: plan, replay: LatencyReport.replay(arguments: options.arguments, seed: plan.scenario.seed),
                onlineCores: ProcessInfo.processInfo.activeProcessorCount)
            Console.out(options.isSet(RunOptions.json.name) ? report.json.rendered : report.text)
            guard TraceOptions.write(result, trace, command: "latency", arguments: options.arguments) else { return .badInput }
            let measures = result.platform == .live || !plan.measures.isEmpty ? result.measures.reportText : nil
            guard LatencyPlot(result: result, command: report.replay, measures: measures).write(to: plot, command: "latency") else {
                return .badInput
            }
            return report.status
        })
}

/// What `spe-vm latency` runs: the scenario (flags over a scenario file, as `spe-vm run` reads
/// them, with the latency run's defaults), its timer interval and loops, and what it prints.
struct LatencyPlan: Sendable {
    var scenario: Scenario
    var platform: PlatformKind
    /// The guests' timer period.
    var interval: UInt64
    /// Timer interrupts per VCPU (nil: the budget alone ends the run).
    var loops: Int?
    /// Whether the duration is the cap a run bounded by its loops gets, not one that was asked for.
    var durationIsCap: Bool
    /// cyclictest's `-h` bound in µs, if asked for.
    var histogram: Int?
    var measures: LiveMeasures

    init(_ options: ParsedOptions) throws(ToolError) {
        var settings = try RunCommand.settings(options)
        // Defaults of a latency run: settings nothing gives (neither a flag nor the file).
        if settings.values[RunOptions.workload.name] == nil {
            settings.values[RunOptions.workload.name] = GivenValue(
                value: .name(LatencyDefaults.workload.rawValue), place: "the default workload", byFlag: false)
        }
        let interval: UInt64
        if case .duration(let ns?)? = options.values[LatencyOptions.interval.name] {
            interval = ns
        } else {
            interval = LatencyDefaults.interval
        }
        let budgetGiven = settings.values[RunOptions.duration.name] != nil || settings.values[RunOptions.exits.name] != nil
        if case .number(let n)? = options.values[LatencyOptions.loops.name] {
            loops = Int(n)
        } else {
            loops = budgetGiven ? nil : LatencyDefaults.loops
        }
        durationIsCap = !budgetGiven
        if let loops, !budgetGiven {
            settings.values[RunOptions.duration.name] = GivenValue(
                value: .duration(LatencyDefaults.cap(loops: loops, interval: interval)), place: "the loops' cap", byFlag: false)
        }
        (scenario, platform) = try settings.plan()
        scenario.timerPeriod = interval
        scenario.guestIterations = loops
        do {
            try scenario.validate()
        } catch {
            throw .invalidScenario(error.description)
        }
        self.interval = interval
        if case .number(let bound)? = options.values[LatencyOptions.histogram.name] { histogram = Int(bound) }
        measures = MeasureOptions.measures(options)
    }
}
