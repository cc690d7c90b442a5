import Foundation
import VCPURuntime

/// `spe-vm stress`: many seeds of a scenario on the simulated platform, in parallel, until a rule
/// breaks (``StressCampaign``); or, with `--platform live`, one soak of the scenario on real
/// threads under the same checker.
enum StressCommand {
    static let spec = CommandSpec(
        name: "stress", summary: "run many seeds of a scenario in parallel until a rule breaks, and say how to replay it",
        details: [
            "The scenario is spe-vm run's (the same flags and --scenario files), with every fault on and",
            "\(StressDefaults.simExits) exits a seed unless told otherwise: by default \(RunDefaults.vcpus) VCPUs in \(RunDefaults.vms) VMs on \(RunDefaults.pcpus) physical CPUs, workload",
            "\(RunDefaults.workload), migrating every \(RunDefaults.migrateEvery.map(DurationText.format) ?? "off"). Seed k of the range runs the scenario with --seed k; the",
            "strategy (--strategy, --depth) is part of what a seed means. A scenario file's 'duration' is each",
            "seed's budget of platform time; --duration here is the campaign's length of wall time.",
            "",
            "Workloads:",
        ] + WorkloadKind.allCases.map { "  \($0.rawValue.padding(to: 11)) \($0.summary)" } + [
            "",
            "Seeds run on --jobs threads, each with its own simulator. At the first failing seed no new seed",
            "starts and the seeds in flight finish; the lowest failing seed is reported, whatever --jobs is",
            "(every seed before it has run). --shard I/N runs every N-th seed of the range from the I-th, so",
            "N machines with I = 1..N (a Slurm array index, a Kubernetes job index + 1) share a campaign;",
            "--json summaries of the shards merge by adding their counts.",
            "",
            "Faults (--faults, each optionally =D for its mean interval of platform time):",
        ] + FaultKind.allCases.map { "  \($0.rawValue.padding(to: 17)) \($0.summary) (every \(DurationText.format($0.defaultInterval)))" } + [
            "",
            "A failing seed prints its rule, the violation, and the command that runs it again; --out DIR",
            "also writes DIR/replay.json (spe-vm replay re-runs it exactly) and DIR/trail.txt (the events",
            "before the violation). A progress line goes to standard error when it is a terminal.",
            "--platform live runs one soak of --duration (default \(DurationText.format(StressDefaults.liveDuration))) on real threads with the same faults",
            "and checker, and prints spe-vm run's report; a live run has no seed to replay.",
            "",
            "Exit status: 0 no seed failed; 1 a seed broke a rule or did not end cleanly; 2 bad input.",
        ],
        options: StressOptions.flags,
        action: { options in
            do throws(ToolError) {
                return try run(options)
            } catch {
                Console.report(error, command: "stress")
                return .badInput
            }
        })

    static func run(_ options: ParsedOptions) throws(ToolError) -> ExitStatus {
        let plan = try settings(options).plan(defaults: .stress)
        RunMutation.warnIfUnreached(in: plan.scenario, command: "stress")
        switch plan.platform {
        case .live: return try soak(options, scenario: plan.scenario)
        case .sim: return try campaign(options, scenario: plan.scenario)
        }
    }

    /// The scenario's settings: the scenario file's, if one is given, overridden by the flags.
    static func settings(_ options: ParsedOptions) throws(ToolError) -> RunSettings {
        let flags = try RunSettings(flags: options, specs: StressOptions.runSettings)
        guard case .path(let path)? = options.values[RunOptions.scenario.name] else { return flags }
        return try ScenarioFile.read(path: path).overridden(by: flags)
    }

    /// The campaign of `--seeds`, `--seed-start`, `--duration`, `--shard` and `--jobs` on `scenario`.
    static func makeCampaign(_ options: ParsedOptions, scenario: Scenario) throws(ToolError) -> StressCampaign {
        let start = number(options, StressOptions.seedStart) ?? StressDefaults.seedStart
        let wall = duration(options, StressOptions.duration)
        let count = number(options, StressOptions.seeds) ?? (wall == nil ? StressDefaults.seeds : nil)
        if let count, count - 1 > UInt64.max - start {
            throw .inconsistent(
                "--seed-start \(start) with \(count) seeds runs past the last seed, \(UInt64.max): give at most \(UInt64.max - start + 1) seeds")
        }
        var shard = Shard.whole
        if case .shard(let given)? = options.values[StressOptions.shard.name] { shard = given }
        let jobs = number(options, StressOptions.jobs).map(Int.init) ?? StressOptions.defaultJobs
        return StressCampaign(scenario: scenario, seeds: SeedPlan(start: start, count: count, shard: shard), jobs: jobs, wallLimit: wall)
    }

    private static func campaign(_ options: ParsedOptions, scenario: Scenario) throws(ToolError) -> ExitStatus {
        let campaign = try makeCampaign(options, scenario: scenario)
        let out = path(options, StressOptions.out)
        if let out {
            do {
                try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            } catch {
                throw .unwritableFile(path: out, reason: error.localizedDescription)
            }
        }
        let progress = ProgressLine()
        let summary = campaign.run(progress: progress.map { line in { line.show($0) } })
        progress?.clear()
        var report = StressReport(
            summary: summary, scenario: campaign.scenario(seed: campaign.seeds.start),
            rerun: summary.firstFailure.map { rerun(arguments: options.arguments, seed: $0.seed) }, replayFile: nil, trailFile: nil)
        if let first = summary.firstFailure, let out {
            let replayPath = (out as NSString).appendingPathComponent("replay.json")
            let trailPath = (out as NSString).appendingPathComponent("trail.txt")
            do {
                try write(ReplayFile(first).json.rendered + "\n", to: replayPath)
                report = StressReport(summary: summary, scenario: report.scenario, rerun: report.rerun, replayFile: replayPath, trailFile: trailPath)
                try write(StressReport.trail(first, replay: report.replayCommand ?? ""), to: trailPath)
            } catch {
                Console.error(error.message)
            }
        }
        Console.out(options.isSet(StressOptions.json.name) ? report.json.rendered : report.text)
        return report.status
    }

    /// `--platform live`: one run of the scenario on real threads for `--duration`, with spe-vm run's report.
    private static func soak(_ options: ParsedOptions, scenario: Scenario) throws(ToolError) -> ExitStatus {
        for spec in [StressOptions.seeds, StressOptions.seedStart, StressOptions.shard, StressOptions.jobs, StressOptions.out]
        where options.values[spec.name] != nil {
            throw .inconsistent(
                "\(spec.flag) applies to a simulated campaign: --platform live runs one soak for --duration, with no seed to replay")
        }
        var scenario = scenario
        if let wall = duration(options, StressOptions.duration) { scenario.budget = .duration(wall) }
        let result = ScenarioRun(scenario: scenario, platform: .live).run()
        let report = RunReport(
            result: result, replay: "none: a live soak's schedule is the host's; spe-vm stress on sim replays seeds",
            onlineCores: ProcessInfo.processInfo.activeProcessorCount)
        Console.out(options.isSet(StressOptions.json.name) ? report.json.rendered : report.text)
        return report.status
    }

    /// `spe-vm stress` with `arguments` but the campaign's own flags, running only `seed`.
    static func rerun(arguments: [String], seed: UInt64) -> String {
        var words = ["spe-vm", "stress"]
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            index += 1
            if let spec = StressOptions.campaignFlags.first(where: { word == $0.flag || word.hasPrefix($0.flag + "=") }) {
                if word == spec.flag, spec.kind != .flag { index += 1 }
                continue
            }
            words.append(word)
        }
        words += [StressOptions.seedStart.flag, "\(seed)", StressOptions.seeds.flag, "1"]
        return words.map(RunReport.shellQuoted).joined(separator: " ")
    }

    private static func write(_ text: String, to path: String) throws(ToolError) {
        try TextFile.writeAtomically(Data(text.utf8), to: path)
    }

    private static func number(_ options: ParsedOptions, _ spec: OptionSpec) -> UInt64? {
        guard case .number(let n)? = options.values[spec.name] else { return nil }
        return n
    }

    private static func duration(_ options: ParsedOptions, _ spec: OptionSpec) -> UInt64? {
        guard case .duration(let ns)? = options.values[spec.name] else { return nil }
        return ns
    }

    private static func path(_ options: ParsedOptions, _ spec: OptionSpec) -> String? {
        guard case .path(let path)? = options.values[spec.name] else { return nil }
        return path
    }
}

/// The progress line of a campaign on standard error, rewritten in place: only when standard
/// error is a terminal (nil otherwise).
final class ProgressLine {
    init?() {
        guard isatty(STDERR_FILENO) == 1 else { return nil }
    }

    func show(_ progress: StressProgress) {
        Console.errorInPlace(
            String(format: "stress: %llu seeds, %.1f seeds/s, %d failed", progress.seedsRun, progress.seedsPerSecond, progress.failures))
    }

    func clear() { Console.errorInPlace("") }
}
