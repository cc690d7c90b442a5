import Foundation
import VCPURuntime

/// What `spe-vm stress` prints for a simulated campaign: its summary as text or one JSON object,
/// the failing seed with how to replay it, and the exit status.
struct StressReport: Sendable {
    let summary: StressSummary
    /// The scenario every seed ran (with the range's first seed).
    let scenario: Scenario
    /// The command that runs the failing seed again (`spe-vm stress … --seed-start S --seeds 1`).
    let rerun: String?
    /// Where the replay file and trail went, if `--out` was given and a seed failed.
    let replayFile: String?
    let trailFile: String?

    /// 0 when no seed failed, 1 otherwise.
    var status: ExitStatus { summary.failures.isEmpty ? .success : .violations }

    /// `spe-vm replay FILE`.
    var replayCommand: String? { replayFile.map { "spe-vm replay \(RunReport.shellQuoted($0))" } }

    /// The faults injected, every kind named, in ``FaultKind`` order.
    var faultsText: String {
        FaultKind.allCases.map { "\($0) \(summary.faultsInjected[$0] ?? 0)" }.joined(separator: ", ")
    }

    var text: String {
        let s = summary
        let vms = scenario.vms.count == 1 ? "1 VM" : "\(scenario.vms.count) VMs"
        let budget =
            switch scenario.budget {
            case .exits(let n): "\(n) exits"
            case .duration(let ns): "\(DurationText.describe(ns)) of platform time"
            }
        var lines = [
            "spe-vm stress: \(RunReport.model), simulated platform",
            Self.line("scenario", "\(scenario.vcpuCount) VCPUs in \(vms) on \(scenario.cpus) physical CPUs, \(budget) a seed"),
            Self.line("strategy", "\(scenario.strategy)"),
            Self.line("faults", FaultList.format(scenario.faults)),
            Self.line("mutation", RunMutation(scenario).map { "\($0.name) (breaks \($0.rule))" } ?? "none"),
            Self.line("seeds", "\(s.seedsRun) run (\(s.plan)) on \(s.jobs) thread\(s.jobs == 1 ? "" : "s")"
                + (s.failures.isEmpty ? "" : ", stopped at the first failure")),
            Self.line("events", "\(s.eventsChecked) checked"),
            Self.line("exits", "\(s.exits)"),
            Self.line("faults injected", faultsText),
            Self.line("timing", String(format: "%.3f s of wall time, %.1f seeds/s (wall clock: varies run to run)", s.wallSeconds, s.seedsPerSecond)),
        ]
        guard let first = s.firstFailure else {
            lines.append(Self.line("verdict", "clean: no seed broke a rule"))
            return lines.joined(separator: "\n")
        }
        lines.append(Self.line("verdict", "seed \(first.seed) failed: \(first.failure.name)"))
        lines.append("  " + (first.failure.isViolation ? "violation: " : "did not end cleanly: ") + first.failure.description)
        for other in s.failures.dropFirst() {
            lines.append("  also failed (a seed in flight): seed \(other.seed), \(other.failure.name)")
        }
        if let trailFile { lines.append(Self.line("trail", trailFile)) }
        if let replayCommand { lines.append(Self.line("replay", replayCommand)) }
        if let rerun { lines.append(Self.line("rerun", rerun)) }
        return lines.joined(separator: "\n")
    }

    private static func line(_ label: String, _ value: String) -> String { label.padding(to: 15) + " " + value }

    /// The summary as one JSON object. Its counts add up over shards (`seeds.run`, `events_checked`,
    /// `exits`, `faults_injected`), its violations are each a seed's, and the campaign's failing
    /// seed is the lowest of them.
    var json: JSONValue {
        let s = summary
        var seeds: [String: JSONValue] = [
            "start": .integer(s.plan.start),
            "count": s.plan.count.map(JSONValue.integer) ?? .null,
            "shard": .string(s.plan.shard.description),
            "in_shard": s.plan.seedsInShard.map(JSONValue.integer) ?? .null,
            "run": .integer(s.seedsRun),
            "every_seed_ran": .bool(s.ranEverySeed),
        ]
        seeds["first_failing"] = s.firstFailure.map { .integer($0.seed) } ?? .null
        var faults: [String: JSONValue] = [:]
        for fault in FaultKind.allCases { faults[RunReport.key(fault.rawValue)] = .integer(s.faultsInjected[fault] ?? 0) }
        var object: [String: JSONValue] = [
            "model": .string(RunReport.model),
            "config": ScenarioFile.json(scenario, platform: .sim),
            "seeds": .object(seeds),
            "jobs": .integer(UInt64(clamping: s.jobs)),
            "events_checked": .integer(s.eventsChecked),
            "exits": .integer(s.exits),
            "faults_injected": .object(faults),
            "violations": .array(s.failures.map { failed in
                .object([
                    "seed": .integer(failed.seed),
                    "kind": .string(ReplayFile.RecordedFailure(failed.failure).kind),
                    "rule": .string(failed.failure.name),
                    "description": .string(failed.failure.description),
                ])
            }),
            "clean": .bool(s.failures.isEmpty),
            "timing": .object(["wall_seconds": .number(s.wallSeconds), "seeds_per_second": .number(s.seedsPerSecond)]),
        ]
        if let rerun { object["rerun"] = .string(rerun) }
        if let replayCommand { object["replay"] = .string(replayCommand) }
        return .object(object)
    }

    /// `trail.txt` of a failed seed: the failure, every violation of its run, and the first
    /// broken rule's report (the CPU's last events), ending with how to replay it.
    static func trail(_ failed: SeedFailure, replay: String) -> String {
        let r = failed.result
        var lines = [
            "spe-vm stress: seed \(failed.seed) failed: \(failed.failure.name)",
            (failed.failure.isViolation ? "violation: " : "did not end cleanly: ") + failed.failure.description,
            "",
            "every violation of the run (SPE rules, then runtime rules):",
        ]
        lines += (r.violations.map(\.description) + r.runtimeViolations.map(\.description)).map { "  " + $0 }
        if let report = r.report {
            lines += ["", "the first broken SPE rule:"] + report.lines(replay: replay)
        } else {
            lines += ["", "replay: \(replay) (seed \(failed.seed))"]
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension RunFailure {
    /// Whether a rule broke (rather than the run not ending cleanly).
    var isViolation: Bool {
        if case .unfinished = self { return false }
        return true
    }
}
