import VCPURuntime

/// What `spe-vm latency` prints about one run: as text (``text``: cyclictest lines, schbench
/// percentiles, a `perf sched latency` table, and cyclictest's `-h` histogram when asked for) or as
/// one JSON object (``json``). On the simulated platform everything but the timing is a function
/// of the flags and seed.
struct LatencyReport: Sendable {
    let result: RunResult
    let plan: LatencyPlan
    /// The command that runs it again, its seed included.
    let replay: String
    /// The machine's online cores (the live platform's configuration line).
    let onlineCores: Int

    /// What every report says, in its own words.
    static let disclaimer =
        "These are the model's latencies on this host, not KVM's: measured with the platform's clock (virtual time on sim, the real clock on live)."

    var verdict: RunVerdict { RunVerdict(result) }
    var status: ExitStatus { verdict.status }

    /// `spe-vm latency` and `arguments`, shell-quoted, with `--seed` added when they do not give it.
    static func replay(arguments: [String], seed: UInt64) -> String {
        var words = ["spe-vm", "latency"] + arguments
        let givesSeed = arguments.contains { $0 == RunOptions.seed.flag || $0.hasPrefix(RunOptions.seed.flag + "=") }
        if !givesSeed { words += [RunOptions.seed.flag, "\(seed)"] }
        return words.map(RunReport.shellQuoted).joined(separator: " ")
    }

    /// One VCPU's line of the report: its place in the run and its figures.
    struct VCPULine: Sendable {
        /// Its number in the run (VM then VCPU order), cyclictest's thread number.
        let number: Int
        let figures: VCPUFigures
        /// `0.1`: VM 0, VCPU 1.
        var label: String { "\(figures.id.vm).\(figures.id.index)" }
        /// Its timer latency (cyclictest's figures).
        var timer: LatencySeries { figures.latency[.timer] ?? LatencySeries() }
    }

    var vcpuLines: [VCPULine] { result.vcpus.enumerated().map { VCPULine(number: $0.offset, figures: $0.element) } }

    /// How the run ended, in words: its loops done, its duration or exit budget reached, or not cleanly.
    var endedText: String {
        if case .unfinished(let why) = verdict { return "did not end cleanly: \(why)" }
        let at = "at \(DurationText.describe(result.endTime)) of platform time"
        switch result.outcome {
        case .stopped: return "stopped at a broken rule, \(at)"
        case .deadlock, .livelock: return "did not end cleanly, \(at)"
        case .finished, .timeLimit: break
        }
        switch result.scenario.budget {
        case .duration(let ns) where result.endTime >= ns:
            return plan.durationIsCap
                ? "its cap of \(DurationText.describe(ns)) passed before every VCPU took its \(plan.loops ?? 0) loops, \(at)"
                : "its duration passed, \(at)"
        case .exits(let n) where result.exits.total >= n:
            return "its exit budget of \(n) exits was spent, \(at)"
        default:
            return plan.loops.map { "every VCPU took its \($0) loops, \(at)" } ?? "every guest finished, \(at)"
        }
    }

    // MARK: Units

    /// Nanoseconds as whole microseconds, truncated (cyclictest's figures).
    static func wholeMicroseconds(_ ns: UInt64) -> UInt64 { ns / 1_000 }

    /// Nanoseconds as microseconds with three decimals (`12.345`).
    static func microseconds(_ ns: UInt64) -> String { decimal(ns, unit: 1_000, places: 3) }

    /// Nanoseconds as milliseconds with three decimals.
    static func milliseconds(_ ns: UInt64) -> String { decimal(ns, unit: 1_000_000, places: 3) }

    /// Nanoseconds as seconds with six decimals.
    static func seconds(_ ns: UInt64) -> String { decimal(ns, unit: 1_000_000_000, places: 6) }

    /// `value / unit` with `places` decimals, truncated, in integer arithmetic (no rounding drift).
    static func decimal(_ value: UInt64, unit: UInt64, places: Int) -> String {
        var scale: UInt64 = 1
        for _ in 0..<places { scale *= 10 }
        let fraction = String((value % unit) / (unit / scale))
        return "\(value / unit)." + String(repeating: "0", count: places - fraction.count) + fraction
    }
}
