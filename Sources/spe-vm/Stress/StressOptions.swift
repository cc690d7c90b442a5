import Foundation
import VCPURuntime

/// The flags of `spe-vm stress`: the scenario settings of `spe-vm run` (the same flags and scenario
/// files, read the same way) but `--seed` and `--duration`, which a campaign replaces by its seed
/// range and its wall-clock length, and the campaign's own.
enum StressOptions {
    static let seeds = OptionSpec(
        name: "seeds", kind: .number(1...UInt64.max), placeholder: "N", defaultValue: "\(StressDefaults.seeds) unless --duration",
        help: "run N seeds")
    static let seedStart = OptionSpec(
        name: "seed-start", kind: .number(0...UInt64.max), placeholder: "S", defaultValue: "\(StressDefaults.seedStart)",
        help: "the first seed: the range is S ... S+N-1")
    static let duration = OptionSpec(
        name: "duration", kind: .duration(off: false), placeholder: "D", defaultValue: nil,
        help: "sim: start no seed after D of wall time (with --seeds, whichever ends first); live: the soak's length (default \(DurationText.format(StressDefaults.liveDuration)))")
    static let jobs = OptionSpec(
        name: "jobs", kind: .number(1...1024), placeholder: "J", defaultValue: "this machine's cores, \(defaultJobs)",
        help: "threads, each running its own simulator")
    static let shard = OptionSpec(
        name: "shard", kind: .shard, placeholder: "I/N", defaultValue: "1/1",
        help: "run slice I (from 1) of N disjoint slices of the range: seeds S+I-1, S+I-1+N, S+I-1+2N, ...")
    static let out = OptionSpec(
        name: "out", kind: .path, placeholder: "DIR", defaultValue: nil,
        help: "on a failure, write DIR/replay.json and DIR/trail.txt (DIR is created if missing)")
    static let json = OptionSpec.flag("json", "print the campaign's summary as one JSON object (shards' summaries merge by adding)")

    /// The scenario settings a campaign takes: `spe-vm run`'s but `--seed` and `--duration`.
    static let runSettings: [OptionSpec] = RunOptions.settings.filter { $0 != RunOptions.seed && $0 != RunOptions.duration }

    /// The flags the campaign has besides the scenario's, which a rerun of one seed leaves out.
    static let campaignFlags: [OptionSpec] = [seeds, seedStart, duration, jobs, shard, out, json]

    /// Every flag of `spe-vm stress`, in the order `--help` lists them.
    static let flags: [OptionSpec] =
        runSettings.map { spec in
            switch spec {
            case RunOptions.platform: spec.defaulting(to: StressDefaults.platform.rawValue)
            case RunOptions.exits:
                spec.defaulting(to: "\(StressDefaults.simExits) a seed on sim", help: "each seed runs until N exits were taken, over all CPUs")
            case RunOptions.faults: spec.defaulting(to: "all")
            default: spec
            }
        } + [
            RunOptions.scenario.defaulting(
                to: nil, help: "read the scenario from a JSON file (spe-vm run --help); its seed is replaced by each seed's")
        ] + campaignFlags

    /// Threads when `--jobs` is not given: one per core.
    static var defaultJobs: Int { ProcessInfo.processInfo.activeProcessorCount }
}
